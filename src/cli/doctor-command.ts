/** CLI `doctor`: the read-only Redis health check (ops/doctor.ts) with the config file's lint. */
import { parseRedisUrl } from "../backends/redis/url.js";
import { doctor } from "../ops/doctor.js";
import { lintSupersetConfig } from "../ops/doctor-superset-checks.js";
import { type DoctorReport, type Finding, SIZING_TABLE, type SizingTier } from "../ops/doctor-types.js";
import { type CliSettings, requireUrl } from "./cli-config.js";
import { CliError, EXIT } from "./exit-codes.js";
import { MAX_WINDOW_MS, numberFlag } from "./flags.js";
import { type CommandOutput, prefixesOf } from "./redis-commands.js";
import { toCliError } from "./redis-connection.js";
import { escapeControl } from "./render.js";

export interface DoctorFlags {
  tier: string | undefined;
  /** `--window-ms` as given (validated here). */
  windowMs: string | undefined;
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

function tierOf(text: string | undefined): SizingTier | undefined {
  if (text === undefined) return undefined;
  const row = SIZING_TABLE.find((r) => r.tier === text);
  if (!row)
    throw new CliError(
      EXIT.USAGE,
      `--tier must be one of ${SIZING_TABLE.map((r) => JSON.stringify(r.tier)).join(", ")}, got ${JSON.stringify(text)}`,
    );
  return row.tier;
}

function statusOf(findings: readonly Finding[]): DoctorReport["status"] {
  if (findings.some((f) => f.severity === "critical")) return "critical";
  return findings.some((f) => f.severity === "warning") ? "warning" : "ok";
}

/** One finding as text; inventory findings have nothing to fix and print no `fix:` line. */
function findingText(f: Finding): string {
  const fix = f.fix.trim() === "" ? "" : `\n    fix: ${f.fix}`;
  return escapeControl(`[${f.severity}] ${f.id}: ${f.title}\n    ${f.detail}${fix}`, true);
}

/**
 * Diagnose the Redis of the settings; the config file's named caches label key groups (and are
 * checked for a prefix that matches no keys) and its Superset config is linted.
 * @throws CliError exit 2 for bad flags or URL, 3/8/9 when the Redis cannot be read (refused, timeout, auth)
 */
export async function doctorCommand(s: CliSettings, f: DoctorFlags): Promise<CommandOutput> {
  const tier = tierOf(f.tier);
  const windowMs = numberFlag(f.windowMs, "window-ms", {
    min: 0,
    max: MAX_WINDOW_MS,
    integer: true,
    unit: "milliseconds",
  });
  const url = requireUrl(s);
  const { options, secrets } = parseRedisUrl(url, s.urlSource, 0);
  const configured = prefixesOf(s).filter((p) => p.cacheName !== undefined);
  let read: DoctorReport;
  try {
    read = await doctor(url, {
      ...(tier ? { tier } : {}),
      ...(windowMs !== undefined ? { evictionWindowMs: windowMs } : {}),
      timeoutMs: Math.round(s.commandTimeoutSeconds * 1000),
      prefixes: configured,
    });
  } catch (err) {
    throw toCliError(err, secrets, s.commandTimeoutSeconds);
  }
  // A Superset config from --config is linted too (e.g. DATA_CACHE_CONFIG left as NullCache).
  const lint = s.supersetConfig
    ? lintSupersetConfig(s.supersetConfig as Readonly<Record<string, unknown>>)
    : [];
  const findings = [...lint, ...read.findings].sort(
    (a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
  const report: DoctorReport = { ...read, findings, status: statusOf(findings) };
  const where = options.path ?? `${options.host}:${options.port} db ${options.db ?? 0}`;
  const text = `Redis ${escapeControl(report.version ?? "?")} at ${where}: ${report.status}\n${findings.map(findingText).join("\n")}`;
  const exitCode =
    report.status === "critical"
      ? EXIT.DOCTOR_CRITICAL
      : report.status === "warning"
        ? EXIT.DOCTOR_WARNING
        : EXIT.OK;
  return { json: report, text, exitCode };
}
