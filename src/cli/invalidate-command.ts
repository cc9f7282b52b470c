/** CLI `invalidate`: Superset's cache-key invalidation through the cache_keys table. */

import { redactText } from "../core/redact.js";
import { CacheManager } from "../manager/cache-manager.js";
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import { invalidate } from "../ops/invalidate.js";
import type { SupersetVersion } from "../superset/versions.js";
import { type CliSettings, knownSecrets } from "./cli-config.js";
import { CliError, EXIT } from "./exit-codes.js";
import type { CommandOutput } from "./redis-commands.js";
import { toCliError } from "./redis-connection.js";

export interface InvalidateFlags {
  datasourceUids: readonly string[];
  databaseUri: string | undefined;
  supersetVersion: string | undefined;
  target: string | undefined;
}

/**
 * Needs the Superset config (CACHE_CONFIG / DATA_CACHE_CONFIG) from --config and the metadata
 * database (--database-uri, SUPERSET_CACHE_DATABASE_URI or the config's SQLALCHEMY_DATABASE_URI).
 */
export async function invalidateCommand(s: CliSettings, f: InvalidateFlags): Promise<CommandOutput> {
  if (f.datasourceUids.length === 0) throw new CliError(EXIT.USAGE, "give at least one --datasource-uid");
  if (!s.supersetConfig)
    throw new CliError(
      EXIT.USAGE,
      "invalidate needs --config with the Superset cache config (CACHE_CONFIG, DATA_CACHE_CONFIG)",
    );
  const config = s.supersetConfig as SupersetCacheConfig;
  const databaseUri =
    f.databaseUri ??
    process.env.SUPERSET_CACHE_DATABASE_URI ??
    (config.SQLALCHEMY_DATABASE_URI as string | undefined);
  if (!databaseUri)
    throw new CliError(
      EXIT.USAGE,
      "no metadata database: --database-uri, SUPERSET_CACHE_DATABASE_URI or SQLALCHEMY_DATABASE_URI",
    );
  if (f.target !== undefined && f.target !== "cache" && f.target !== "data")
    throw new CliError(EXIT.USAGE, `--target must be cache or data, got ${f.target}`);
  let manager: CacheManager;
  try {
    manager = new CacheManager({ SQLALCHEMY_DATABASE_URI: databaseUri, ...config });
  } catch (err) {
    // A bad config or URI is a usage error; its message is masked (the URI's password may hold / or ?).
    throw new CliError(EXIT.USAGE, redactText((err as Error).message, knownSecrets(s, [databaseUri])), {
      cause: err,
    });
  }
  try {
    const r = await invalidate(
      { datasourceUids: f.datasourceUids },
      {
        manager,
        databaseUri,
        ...(f.supersetVersion ? { supersetVersion: f.supersetVersion as SupersetVersion } : {}),
        ...(f.target ? { target: f.target as "cache" | "data" } : {}),
      },
    );
    const text = `${r.keys.length} keys recorded, ${r.deleted.length} deleted from ${r.cache}, ${r.rowsDeleted} cache_keys rows removed`;
    return { json: r, text };
  } catch (err) {
    throw toCliError(err, knownSecrets(s, [databaseUri]), s.commandTimeoutSeconds);
  } finally {
    await manager.close();
  }
}
