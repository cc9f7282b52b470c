/**
 * CLI `ui`: start the web inspector (src/ui) on the config's caches, print its address with the
 * access token, and serve until SIGINT/SIGTERM. Invalidation and warming are wired here from the
 * same flags as `invalidate` and `warm`; they only run with --allow-writes.
 */
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import type { WarmTarget } from "../ops/warm/runner.js";
import { DEFAULT_UI_HOST, DEFAULT_UI_PORT, startUiServer } from "../ui/ui-server.js";
import type { CliSettings } from "./cli-config.js";
import { CliError, EXIT } from "./exit-codes.js";
import { numberFlag } from "./flags.js";
import { invalidateCommand } from "./invalidate-command.js";
import type { CommandOutput } from "./redis-commands.js";
import { targetOf, type WarmFlags } from "./warm-command.js";

export interface UiFlags {
  port: string | undefined;
  host: string | undefined;
  allowWrites: boolean;
  /** --url or SUPERSET_CACHE_REDIS_URL: replaces every Redis cache's own URL. */
  redisUrl: string | undefined;
  databaseUri: string | undefined;
  supersetVersion: string | undefined;
  target: string | undefined;
  /** Warm flags (`--via`, `--superset-url`, …); warming is offered when they name a target. */
  warm: WarmFlags;
}

function warmTargetOf(f: WarmFlags): { target: WarmTarget; close: () => Promise<void> } | undefined {
  const env = process.env;
  const named =
    f.supersetUrl ?? env.SUPERSET_CACHE_SUPERSET_URL ?? f.brokerUrl ?? env.SUPERSET_CACHE_BROKER_URL;
  return named ? targetOf(f, env) : undefined;
}

/** Serve until SIGINT or SIGTERM. @throws CliError USAGE (no caches, bad --port), BACKEND (port in use) */
export async function uiCommand(s: CliSettings, f: UiFlags): Promise<CommandOutput> {
  const port = numberFlag(f.port, "port", { min: 0, max: 65_535, integer: true }) ?? DEFAULT_UI_PORT;
  let config = s.supersetConfig as SupersetCacheConfig | undefined;
  if (!config) {
    if (!f.redisUrl)
      throw new CliError(
        EXIT.USAGE,
        "ui needs --config with the Superset cache config (or --url for one cache)",
      );
    config = { [s.cacheName]: { CACHE_TYPE: "RedisCache", CACHE_KEY_PREFIX: s.prefix ?? "" } };
  }
  const databaseUri =
    f.databaseUri ??
    process.env.SUPERSET_CACHE_DATABASE_URI ??
    (config.SQLALCHEMY_DATABASE_URI as string | undefined);
  const warm = warmTargetOf(f.warm);
  const invalidate = databaseUri
    ? async (datasourceUids: string[]) =>
        (
          await invalidateCommand(s, {
            datasourceUids,
            databaseUri,
            supersetVersion: f.supersetVersion,
            target: f.target,
          })
        ).json
    : undefined;
  let server: Awaited<ReturnType<typeof startUiServer>>;
  try {
    server = await startUiServer({
      supersetConfig: config,
      ...(f.redisUrl ? { redisUrl: f.redisUrl } : {}),
      host: f.host ?? DEFAULT_UI_HOST,
      port,
      allowWrites: f.allowWrites,
      ...(invalidate ? { invalidate } : {}),
      ...(warm ? { warmTarget: warm.target } : {}),
      secrets: [databaseUri, f.warm.accessToken, process.env.SUPERSET_CACHE_PASSWORD],
    });
  } catch (err) {
    await warm?.close();
    throw new CliError(
      EXIT.BACKEND,
      `cannot serve on ${f.host ?? DEFAULT_UI_HOST}:${port}: ${(err as Error).message}`,
    );
  }
  process.stdout.write(
    `superset-cache ui: serving ${server.targets.length} caches (${f.allowWrites ? "writes allowed" : "read-only"})\n` +
      `open ${server.url}\n`,
  );
  const signal = await new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  await server.close();
  await warm?.close();
  return { json: { stopped: signal }, text: `stopped (${signal})` };
}
