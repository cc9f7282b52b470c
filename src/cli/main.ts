/**
 * `superset-cache` command line: argument parsing, dispatch, output and exit codes.
 * `run(argv)` returns the exit code (testable); the bin file calls it and exits.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { redactText } from "../core/redact.js";
import { PyDatetime } from "../python/values.js";
import type { QueryObjectInput } from "../superset/query-object-key.js";
import { queryObjectCacheKey } from "../superset/query-object-key.js";
import type { SupersetVersion } from "../superset/versions.js";
import { knownSecrets, resolveCliSettings } from "./cli-config.js";
import { doctorCommand } from "./doctor-command.js";
import { CliError, EXIT } from "./exit-codes.js";
import { MAX_ENTRY_TIMEOUT_SECONDS, numberFlag } from "./flags.js";
import { COMMAND_HELP, GLOBAL_OPTIONS, USAGE } from "./help.js";
import { invalidateCommand } from "./invalidate-command.js";
import {
  type CommandOutput,
  deleteCommand,
  getCommand,
  inspectCommand,
  keysCommand,
  setCommand,
  statsCommand,
} from "./redis-commands.js";
import { toCliError } from "./redis-connection.js";
import { escapeControl } from "./render.js";
import { uiCommand } from "./ui-command.js";
import { type WarmFlags, warmCommand } from "./warm-command.js";

const OPTIONS = {
  config: { type: "string" },
  url: { type: "string" },
  cache: { type: "string" },
  prefix: { type: "string" },
  "command-timeout": { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  match: { type: "string" },
  timeout: { type: "string" },
  tier: { type: "string" },
  "window-ms": { type: "string" },
  "superset-version": { type: "string" },
  "datasource-uid": { type: "string", multiple: true },
  "database-uri": { type: "string" },
  target: { type: "string" },
  "changed-on": { type: "string" },
  strategy: { type: "string" },
  "top-n": { type: "string" },
  since: { type: "string" },
  tag: { type: "string", multiple: true },
  via: { type: "string" },
  "superset-url": { type: "string" },
  username: { type: "string" },
  "access-token": { type: "string" },
  "broker-url": { type: "string" },
  queue: { type: "string" },
  "global-keyprefix": { type: "string" },
  concurrency: { type: "string" },
  "cold-only": { type: "boolean" },
  "dry-run": { type: "boolean" },
  port: { type: "string" },
  host: { type: "string" },
  "allow-writes": { type: "boolean" },
} as const;

function arg(positionals: string[], i: number, name: string, command: string): string {
  const v = positionals[i];
  if (v === undefined) throw new CliError(EXIT.USAGE, `missing ${name}\n\n${COMMAND_HELP[command]}`);
  return v;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>["values"];

/** The flags of `warm` (also how `ui` warms a chart). */
function warmFlags(v: Values): WarmFlags {
  return {
    strategy: v.strategy,
    topN: v["top-n"],
    since: v.since,
    tags: v.tag ?? [],
    databaseUri: v["database-uri"],
    via: v.via,
    supersetUrl: v["superset-url"],
    username: v.username,
    accessToken: v["access-token"],
    brokerUrl: v["broker-url"],
    queue: v.queue,
    globalKeyPrefix: v["global-keyprefix"],
    concurrency: v.concurrency,
    coldOnly: v["cold-only"] === true,
    dryRun: v["dry-run"] === true,
    supersetVersion: v["superset-version"],
  };
}

/** `2024-01-15T10:30:00[.ffffff]` → naive PyDatetime (the dataset's changed_on, UTC). */
function parseChangedOn(text: string | undefined): PyDatetime | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new CliError(EXIT.USAGE, `--changed-on must be YYYY-MM-DDTHH:MM:SS[.ffffff], got ${text}`);
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return new PyDatetime(y, mo, d, h, mi, sec, Number((m[7] ?? "").padEnd(6, "0")));
}

function keyCommand(
  file: string,
  version: string | undefined,
  datasourceUid: string | undefined,
  changedOnText: string | undefined,
): CommandOutput {
  const changedOn = parseChangedOn(changedOnText);
  let qo: QueryObjectInput;
  try {
    qo = JSON.parse(readFileSync(file, "utf8")) as QueryObjectInput;
  } catch (err) {
    throw new CliError(EXIT.USAGE, `cannot read query object ${file}: ${(err as Error).message}`);
  }
  const key = queryObjectCacheKey(qo, {
    ...(version ? { supersetVersion: version as SupersetVersion } : {}),
    ...(datasourceUid ? { datasourceUid } : {}),
    ...(changedOn ? { changedOn } : {}),
  });
  return { json: { key, supersetVersion: version ?? null, datasourceUid: datasourceUid ?? null }, text: key };
}

/** Secrets given as flags or environment variables (beyond the Redis URL and the config file). */
function secretFlags(v: Record<string, unknown>): (string | undefined)[] {
  const env = process.env;
  return [
    v["database-uri"],
    v["access-token"],
    v["broker-url"],
    env.SUPERSET_CACHE_DATABASE_URI,
    env.SUPERSET_CACHE_ACCESS_TOKEN,
    env.SUPERSET_CACHE_PASSWORD,
    env.SUPERSET_CACHE_SESSION_COOKIE,
    env.SUPERSET_CACHE_BROKER_URL,
  ].map((x) => (typeof x === "string" ? x : undefined));
}

/** Run the CLI with `argv` (without node and script). Writes to stdout/stderr. @returns the exit code */
export async function run(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (!command || (v.help && !COMMAND_HELP[command])) {
    (v.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return v.help ? EXIT.OK : EXIT.USAGE;
  }
  if (!COMMAND_HELP[command]) {
    process.stderr.write(`unknown command: ${escapeControl(command)}\n\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  if (v.help) {
    process.stdout.write(`${COMMAND_HELP[command]}\n\n${GLOBAL_OPTIONS}\n`);
    return EXIT.OK;
  }
  // Masked wherever they appear in what the command prints on stderr.
  let secrets = knownSecrets(undefined, secretFlags(v));
  try {
    const s = resolveCliSettings(v);
    secrets = knownSecrets(s, secretFlags(v));
    let out: CommandOutput;
    switch (command) {
      case "inspect":
        out = await inspectCommand(s, arg(rest, 0, "KEY", command));
        break;
      case "keys":
        out = await keysCommand(s, v.match, process.stderr.isTTY === true);
        break;
      case "get":
        out = await getCommand(s, arg(rest, 0, "KEY", command));
        break;
      case "set":
        out = await setCommand(
          s,
          arg(rest, 0, "KEY", command),
          arg(rest, 1, "JSON", command),
          numberFlag(v.timeout, "timeout", {
            min: 0,
            max: MAX_ENTRY_TIMEOUT_SECONDS,
            integer: true,
            unit: "seconds",
          }),
        );
        break;
      case "delete":
        out = await deleteCommand(s, arg(rest, 0, "KEY", command));
        break;
      case "invalidate":
        out = await invalidateCommand(s, {
          datasourceUids: v["datasource-uid"] ?? [],
          databaseUri: v["database-uri"],
          supersetVersion: v["superset-version"],
          target: v.target,
        });
        break;
      case "stats":
        out = await statsCommand(s);
        break;
      case "warm":
        out = await warmCommand(s, warmFlags(v));
        break;
      case "ui":
        out = await uiCommand(s, {
          port: v.port,
          host: v.host,
          allowWrites: v["allow-writes"] === true,
          redisUrl: v.url ?? process.env.SUPERSET_CACHE_REDIS_URL,
          databaseUri: v["database-uri"],
          supersetVersion: v["superset-version"],
          target: v.target,
          warm: warmFlags(v),
        });
        break;
      case "doctor":
        out = await doctorCommand(s, { tier: v.tier, windowMs: v["window-ms"] });
        break;
      default:
        out = keyCommand(
          arg(rest, 0, "FILE", command),
          v["superset-version"],
          v["datasource-uid"]?.at(-1),
          v["changed-on"],
        );
    }
    process.stdout.write(`${v.json ? JSON.stringify(out.json, null, 2) : out.text}\n`);
    return out.exitCode ?? EXIT.OK;
  } catch (err) {
    // Typed errors keep their exit code (timeout, auth, usage, decode); messages are masked and escaped.
    const e = toCliError(err, secrets);
    process.stderr.write(
      `superset-cache ${command}: ${escapeControl(redactText(e.message, secrets), true)}\n`,
    );
    if (process.env.SUPERSET_CACHE_DEBUG && err instanceof Error && err.stack)
      process.stderr.write(`${escapeControl(redactText(err.stack, secrets), true)}\n`);
    return e.exitCode;
  }
}
