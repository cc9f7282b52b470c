/**
 * Where the CLI finds Redis and the cache settings, lowest precedence first: a JSON config file
 * (`--config`, or `SUPERSET_CACHE_CONFIG`), environment variables, then flags.
 *
 *   config file   { "redisUrl": "...", "cache": "DATA_CACHE_CONFIG", "supersetConfig": { ...CACHE_CONFIG dicts } }
 *                 or a bare Superset config ({ "DATA_CACHE_CONFIG": {...}, ... })
 *   environment   SUPERSET_CACHE_REDIS_URL, SUPERSET_CACHE_NAME, SUPERSET_CACHE_PREFIX
 *   flags         --url, --cache, --prefix
 */
import { readFileSync } from "node:fs";
import type { FlaskCacheConfig } from "../config/config-types.js";
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import { CliError, EXIT } from "./exit-codes.js";

export interface CliSettings {
  /** Redis URL of the cache to read (redis:// or rediss://, may carry a password and /db). */
  redisUrl: string | undefined;
  /** Named cache whose prefix and serializer get/set/delete/keys use. Default `DATA_CACHE_CONFIG`. */
  cacheName: string;
  /** Key prefix (overrides the named cache's CACHE_KEY_PREFIX). */
  prefix: string | undefined;
  /** The Superset config from the file, if any. */
  supersetConfig: SupersetCacheConfig | undefined;
}

export interface ConfigFlags {
  config?: string;
  url?: string;
  cache?: string;
  prefix?: string;
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
  const redisUrl =
    flags.url ??
    env.SUPERSET_CACHE_REDIS_URL ??
    (file.redisUrl as string | undefined) ??
    (typeof named?.CACHE_REDIS_URL === "string" ? named.CACHE_REDIS_URL : undefined);
  const prefix =
    flags.prefix ??
    env.SUPERSET_CACHE_PREFIX ??
    (file.prefix as string | undefined) ??
    (typeof named?.CACHE_KEY_PREFIX === "string" ? named.CACHE_KEY_PREFIX : undefined);
  return { redisUrl, cacheName, prefix, supersetConfig };
}

/** The Redis URL or a usage error saying how to give one. */
export function requireUrl(s: CliSettings): string {
  if (!s.redisUrl)
    throw new CliError(
      EXIT.USAGE,
      "no Redis URL: pass --url redis://host:port/db, set SUPERSET_CACHE_REDIS_URL, or give --config with CACHE_REDIS_URL",
    );
  return s.redisUrl;
}
