/**
 * `warmup()`: pick charts with one of Superset's strategies on the metadata database, then
 * warm them through a target, optionally only the cold ones.
 */
import type { Cache } from "../../cache/cache.js";
import type { QueryObjectKeyOptions } from "../../superset/query-object-key.js";
import { dataCacheColdCheck } from "./cold-check.js";
import { openMetadataDatabase } from "./metadata-database.js";
import { runWarmup, type WarmSummary, type WarmTarget, type WarmupRunOptions } from "./runner.js";
import { chartsToWarm, type WarmStrategy } from "./strategies.js";

export interface WarmupOptions extends Omit<WarmupRunOptions, "coldCheck"> {
  /** Superset's SQLALCHEMY_DATABASE_URI (PostgreSQL or MySQL/MariaDB). */
  databaseUri: string;
  strategy: WarmStrategy;
  target: WarmTarget;
  /** Skip charts whose data-cache keys all have entries in `dataCache` (DATA_CACHE_CONFIG). */
  coldOnly?: { dataCache: Cache; keyOptions?: QueryObjectKeyOptions };
}

/**
 * Warm the charts `strategy` selects.
 * @throws WarmupError for a bad strategy or option, a missing driver or a failed metadata query
 *   (per-chart failures are counted in the summary, not thrown)
 */
export async function warmup(options: WarmupOptions): Promise<WarmSummary> {
  const db = await openMetadataDatabase(options.databaseUri);
  try {
    const tasks = await chartsToWarm(db, options.strategy, options.clock);
    const { databaseUri: _uri, strategy: _strategy, target, coldOnly, ...run } = options;
    return await runWarmup(tasks, target, {
      ...run,
      ...(coldOnly ? { coldCheck: dataCacheColdCheck(db, coldOnly.dataCache, coldOnly.keyOptions) } : {}),
    });
  } finally {
    await db.close();
  }
}
