/**
 * Where the CLI finds Redis and the cache settings, lowest precedence first: a JSON config file
 * (`--config`, or `SUPERSET_CACHE_CONFIG`), environment variables, then flags.
 *
 *   config file   { "redisUrl": "...", "cache": "DATA_CACHE_CONFIG", "supersetConfig": { ...CACHE_CONFIG dicts } }
 *                 or a bare Superset config ({ "DATA_CACHE_CONFIG": {...}, ... })
 *   environment   SUPERSET_CACHE_REDIS_URL, SUPERSET_CACHE_NAME, SUPERSET_CACHE_PREFIX,
 *                 SUPERSET_CACHE_COMMAND_TIMEOUT
 *   flags         --url, --cache, --prefix, --command-timeout
 */
import { readFileSync } from "node:fs";
import type { FlaskCacheConfig } from "../config/config-types.js";
import { collectSecrets } from "../core/redact.js";
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import { CliError, EXIT } from "./exit-codes.js";
import {
  checkRedisUrl,
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  MAX_COMMAND_TIMEOUT_SECONDS,
  numberFlag,
} from "./flags.js";
import type { RedisTarget } from "./redis-connection.js";

export interface CliSettings {
  /** Redis URL of the cache to read (redis:// or rediss://, may carry a password and /db). */
  redisUrl: string | undefined;
  /** Where `redisUrl` came from, for messages: `--url`, `SUPERSET_CACHE_REDIS_URL`, `DATA_CACHE_CONFIG.CACHE_REDIS_URL`, … */
  urlSource: string;
  /** Named cache whose prefix and serializer get/set/delete/keys use. Default `DATA_CACHE_CONFIG`. */
  cacheName: string;
  /** Key prefix (overrides the named cache's CACHE_KEY_PREFIX). */
  prefix: string | undefined;
  /** The Superset config from the file, if any. */
  supersetConfig: SupersetCacheConfig | undefined;
  /** Connect and per-request timeout of every command, SECONDS (`--command-timeout`, default 5). */
  commandTimeoutSeconds: number;
}

export interface ConfigFlags {
  config?: string;
  url?: string;
  cache?: string;
  prefix?: string;
  "command-timeout"?: string;
}

const DEFAULT_CACHE_NAME = "DATA_CACHE_CONFIG";

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  } catch (err) {
    throw new CliError(EXIT.USAGE, `cannot read config file ${path}: ${(err as Error).message}`);
  }
}

/** Merge file, environment and flags. @throws CliError(USAGE) for an unreadable config file */
export function resolveCliSettings(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): CliSettings {
  const path = flags.config ?? env.SUPERSET_CACHE_CONFIG;
  const file = path ? readJson(path) : {};
  const supersetConfig = (file.supersetConfig ??
    (Object.keys(file).some((k) => k.endsWith("_CONFIG") || k === "RESULTS_BACKEND") ? file : undefined)) as
    | SupersetCacheConfig
    | undefined;
  const cacheName =
    flags.cache ?? env.SUPERSET_CACHE_NAME ?? (file.cache as string | undefined) ?? DEFAULT_CACHE_NAME;
  const named = supersetConfig?.[cacheName as keyof SupersetCacheConfig] as FlaskCacheConfig | undefined;
  const sources: [string | undefined, string][] = [
    [flags.url, "--url"],
    [env.SUPERSET_CACHE_REDIS_URL, "SUPERSET_CACHE_REDIS_URL"],
    [typeof file.redisUrl === "string" ? file.redisUrl : undefined, `${path} redisUrl`],
    [
      typeof named?.CACHE_REDIS_URL === "string" ? named.CACHE_REDIS_URL : undefined,
      `${cacheName}.CACHE_REDIS_URL`,
    ],
  ];
  const [redisUrl, urlSource] = sources.find(([url]) => url !== undefined && url !== "") ?? [
    undefined,
    "--url",
  ];
  const prefix =
    flags.prefix ??
    env.SUPERSET_CACHE_PREFIX ??
    (file.prefix as string | undefined) ??
    (typeof named?.CACHE_KEY_PREFIX === "string" ? named.CACHE_KEY_PREFIX : undefined);
  const commandTimeoutSeconds =
    numberFlag(flags["command-timeout"] ?? env.SUPERSET_CACHE_COMMAND_TIMEOUT, "command-timeout", {
      min: 0.001,
      max: MAX_COMMAND_TIMEOUT_SECONDS,
      integer: false,
      unit: "seconds",
    }) ?? DEFAULT_COMMAND_TIMEOUT_SECONDS;
  return { redisUrl, urlSource, cacheName, prefix, supersetConfig, commandTimeoutSeconds };
}

/**
 * The Redis URL (checked) or a usage error saying how to give one.
 * @throws CliError (exit 2) when there is none or it does not parse
 */
export function requireUrl(s: CliSettings): string {
  if (!s.redisUrl)
    throw new CliError(
      EXIT.USAGE,
      "no Redis URL: pass --url redis://host:port/db, set SUPERSET_CACHE_REDIS_URL, or give --config with CACHE_REDIS_URL",
    );
  checkRedisUrl(s.redisUrl, s.urlSource);
  return s.redisUrl;
}

/** Where to connect, for `withRedis`. @throws CliError as {@link requireUrl} */
export function redisTargetOf(s: CliSettings): RedisTarget {
  return { url: requireUrl(s), source: s.urlSource };
}

/**
 * Every secret the CLI knows of, to mask in whatever it prints: the config's secrets
 * (`collectSecrets`), the Redis URL's password and `extra` (access tokens, cookies,
 * `--database-uri`).
 */
export function knownSecrets(
  s: CliSettings | undefined,
  extra: readonly (string | undefined)[] = [],
): string[] {
  return collectSecrets(s?.supersetConfig, [s?.redisUrl, ...extra]);
}
