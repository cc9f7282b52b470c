/**
 * CLI `warm`: pick charts with one of Superset's warm-up strategies on the metadata database
 * and warm them through Superset's REST API (`--via rest`) or by enqueuing Superset's own
 * `fetch_url` tasks (`--via celery`). The Celery target is wired in here, so ops/ and celery/
 * stay independent.
 */
import { CeleryClient } from "../celery/client.js";
import { fetchUrlWarmTarget } from "../celery/warm-target.js";
import { CacheManager } from "../manager/cache-manager.js";
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import { SupersetRestClient } from "../ops/superset-rest.js";
import { dataCacheColdCheck } from "../ops/warm/cold-check.js";
import { openMetadataDatabase } from "../ops/warm/metadata-database.js";
import { restWarmTarget } from "../ops/warm/rest-target.js";
import { runWarmup, type WarmProgressEvent, type WarmTarget } from "../ops/warm/runner.js";
import { chartsToWarm, type WarmStrategy } from "../ops/warm/strategies.js";
import type { SupersetVersion } from "../superset/versions.js";
import type { CliSettings } from "./cli-config.js";
import { CliError, EXIT } from "./exit-codes.js";
import type { CommandOutput } from "./redis-commands.js";

export interface WarmFlags {
  strategy: string | undefined;
  topN: string | undefined;
  since: string | undefined;
  tags: readonly string[];
  databaseUri: string | undefined;
  via: string | undefined;
  supersetUrl: string | undefined;
  username: string | undefined;
  accessToken: string | undefined;
  brokerUrl: string | undefined;
  queue: string | undefined;
  globalKeyPrefix: string | undefined;
  concurrency: string | undefined;
  coldOnly: boolean;
  dryRun: boolean;
  supersetVersion: string | undefined;
}

const BAR_WIDTH = 30;

function strategyOf(f: WarmFlags): WarmStrategy {
  switch (f.strategy) {
    case "dummy":
      return { name: "dummy" };
    case "top_n_dashboards": {
      const topN = f.topN === undefined ? undefined : Number(f.topN);
      if (topN !== undefined && !Number.isInteger(topN))
        throw new CliError(EXIT.USAGE, `--top-n must be an integer, got ${f.topN}`);
      return {
        name: "top_n_dashboards",
        ...(topN !== undefined ? { topN } : {}),
        ...(f.since ? { since: f.since } : {}),
      };
    }
    case "dashboard_tags":
      if (f.tags.length === 0) throw new CliError(EXIT.USAGE, "dashboard_tags needs at least one --tag");
      return { name: "dashboard_tags", tags: f.tags };
    default:
      throw new CliError(EXIT.USAGE, "--strategy must be dummy, top_n_dashboards or dashboard_tags");
  }
}

/** The REST or Celery target, and what to close afterwards. */
export function targetOf(
  f: WarmFlags,
  env: NodeJS.ProcessEnv,
): { target: WarmTarget; close: () => Promise<void> } {
  const via = f.via ?? "rest";
  if (via === "rest") {
    const baseUrl = f.supersetUrl ?? env.SUPERSET_CACHE_SUPERSET_URL;
    if (!baseUrl)
      throw new CliError(EXIT.USAGE, "--via rest needs --superset-url (or SUPERSET_CACHE_SUPERSET_URL)");
    const accessToken = f.accessToken ?? env.SUPERSET_CACHE_ACCESS_TOKEN;
    const password = env.SUPERSET_CACHE_PASSWORD;
    if (!accessToken && !(f.username && password))
      throw new CliError(
        EXIT.USAGE,
        "--via rest needs --access-token, or --username with SUPERSET_CACHE_PASSWORD",
      );
    const client = new SupersetRestClient({
      baseUrl,
      ...(accessToken ? { accessToken } : { username: f.username, password }),
    });
    return { target: restWarmTarget(client), close: async () => {} };
  }
  if (via === "celery") {
    const brokerUrl = f.brokerUrl ?? env.SUPERSET_CACHE_BROKER_URL;
    if (!brokerUrl)
      throw new CliError(EXIT.USAGE, "--via celery needs --broker-url (or SUPERSET_CACHE_BROKER_URL)");
    const cookie = env.SUPERSET_CACHE_SESSION_COOKIE;
    if (!cookie)
      throw new CliError(
        EXIT.USAGE,
        "--via celery needs the warm-up user's session cookie in SUPERSET_CACHE_SESSION_COOKIE",
      );
    const client = new CeleryClient({
      brokerUrl,
      ...(f.globalKeyPrefix ? { transportOptions: { globalKeyPrefix: f.globalKeyPrefix } } : {}),
    });
    const target = fetchUrlWarmTarget(client, {
      headers: { Cookie: `session=${cookie}`, "Content-Type": "application/json" },
      ...(f.queue ? { sendOptions: { queue: f.queue } } : {}),
    });
    return { target, close: () => client.close() };
  }
  throw new CliError(EXIT.USAGE, `--via must be rest or celery, got ${via}`);
}

/** A bar on a terminal, one line per chart otherwise; both on stderr. */
function progressPrinter(stderr: NodeJS.WriteStream): (e: WarmProgressEvent) => void {
  const tty = stderr.isTTY === true;
  const counts = { warmed: 0, queued: 0, failed: 0, skipped: 0 };
  return (e) => {
    if (e.outcome) counts[e.outcome.status]++;
    if (tty) {
      const filled = e.total ? Math.round((e.done / e.total) * BAR_WIDTH) : BAR_WIDTH;
      const tally = `warmed ${counts.warmed} queued ${counts.queued} failed ${counts.failed} skipped ${counts.skipped}`;
      stderr.write(
        `\r[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${e.done}/${e.total} ${tally}`,
      );
      if (e.type === "end") stderr.write("\n");
    } else if (e.outcome) {
      const o = e.outcome;
      const where = o.task.dashboardId === null ? "" : ` (dashboard ${o.task.dashboardId})`;
      stderr.write(`chart ${o.task.chartId}${where}: ${o.status}${o.detail ? ` - ${o.detail}` : ""}\n`);
    }
  };
}

/**
 * Run the warm-up. Needs the metadata database (--database-uri, SUPERSET_CACHE_DATABASE_URI
 * or the config's SQLALCHEMY_DATABASE_URI); --cold-only also needs --config with DATA_CACHE_CONFIG.
 */
export async function warmCommand(
  s: CliSettings,
  f: WarmFlags,
  stderr: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandOutput> {
  const strategy = strategyOf(f);
  const config = s.supersetConfig as SupersetCacheConfig | undefined;
  const databaseUri =
    f.databaseUri ??
    env.SUPERSET_CACHE_DATABASE_URI ??
    (config?.SQLALCHEMY_DATABASE_URI as string | undefined);
  if (!databaseUri)
    throw new CliError(
      EXIT.USAGE,
      "no metadata database: --database-uri, SUPERSET_CACHE_DATABASE_URI or SQLALCHEMY_DATABASE_URI",
    );
  const concurrency = f.concurrency === undefined ? undefined : Number(f.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0))
    throw new CliError(EXIT.USAGE, `--concurrency must be a positive integer, got ${f.concurrency}`);
  if (f.coldOnly && !config)
    throw new CliError(EXIT.USAGE, "--cold-only needs --config with DATA_CACHE_CONFIG");

  const db = await openMetadataDatabase(databaseUri).catch((err: Error) => {
    throw new CliError(EXIT.BACKEND, err.message);
  });
  let manager: CacheManager | undefined;
  let closeTarget = async () => {};
  try {
    const tasks = await chartsToWarm(db, strategy);
    if (f.dryRun) {
      const lines = tasks.map(
        (t) => `chart ${t.chartId}${t.dashboardId === null ? "" : ` dashboard ${t.dashboardId}`}`,
      );
      return { json: { strategy, tasks }, text: `${tasks.length} charts\n${lines.join("\n")}`.trimEnd() };
    }
    const { target, close } = targetOf(f, env);
    closeTarget = close;
    if (f.coldOnly) manager = new CacheManager({ SQLALCHEMY_DATABASE_URI: databaseUri, ...config });
    const summary = await runWarmup(tasks, target, {
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(manager
        ? {
            coldCheck: dataCacheColdCheck(db, manager.dataCache, {
              ...(f.supersetVersion ? { supersetVersion: f.supersetVersion as SupersetVersion } : {}),
            }),
          }
        : {}),
      onProgress: progressPrinter(stderr),
    });
    const text = `${summary.total} charts via ${summary.target}: ${summary.warmed} warmed, ${summary.queued} queued, ${summary.failed} failed, ${summary.skipped} skipped (${(summary.durationMs / 1000).toFixed(1)} s)`;
    return { json: summary, text, exitCode: summary.failed > 0 ? EXIT.WARM_FAILED : EXIT.OK };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(EXIT.BACKEND, (err as Error).message);
  } finally {
    await closeTarget();
    await manager?.close();
    await db.close();
  }
}
