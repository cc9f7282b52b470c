/**
 * `CACHE_REDIS_URL` parsing with redis-py `from_url` rules: `redis://`, `rediss://` (TLS),
 * `unix://`; URL-decoded user and password; db from `?db=N`, else the `/N` path, else the
 * fallback (`CACHE_REDIS_DB`). The returned `describe` never contains the password.
 */
import type { RedisOptions } from "ioredis";
import { CacheConfigError } from "../../core/errors.js";

/** Default Redis port, as redis-py and Flask-Caching use it. */
export const DEFAULT_PORT = 6379;

/** A non-negative integer config value (strings of digits allowed), or `fallback` when unset. */
export function int(path: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new CacheConfigError("CONFIG_INVALID_VALUE", path, "expected a non-negative integer");
  }
  return n;
}

/**
 * Percent-decode one URL part.
 * @throws CacheConfigError `CONFIG_INVALID_URL` for a malformed escape (the part is not echoed: it may be a password)
 */
function percentDecode(path: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new CacheConfigError("CONFIG_INVALID_URL", path, "malformed percent-escape in the URL", { cause });
  }
}

/** Parse `redis://`, `rediss://` or `unix://` as redis-py's `from_url` does. */
export function parseRedisUrl(
  url: string,
  path: string,
  fallbackDb: number,
): { options: RedisOptions; describe: string; secrets: string[] } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // The raw URL may hold a password: never echo it.
    throw new CacheConfigError("CONFIG_INVALID_URL", path, "not a valid URL");
  }
  const scheme = u.protocol.replace(/:$/, "");
  if (scheme !== "redis" && scheme !== "rediss" && scheme !== "unix") {
    throw new CacheConfigError(
      "CONFIG_INVALID_URL",
      path,
      `unsupported scheme ${scheme}:// (redis, rediss, unix)`,
    );
  }
  const options: RedisOptions = {};
  const secrets: string[] = [];
  const decode = (text: string): string => percentDecode(path, text);
  if (u.username) options.username = decode(u.username);
  if (u.password) {
    options.password = decode(u.password);
    secrets.push(options.password);
  }
  const queryDb = u.searchParams.get("db");
  let db = fallbackDb;
  if (scheme === "unix") {
    options.path = decode(u.pathname);
  } else {
    options.host = decode(u.hostname.replace(/^\[|\]$/g, "")) || "localhost";
    options.port = u.port ? Number(u.port) : DEFAULT_PORT;
    const pathDb = decode(u.pathname).replaceAll("/", "");
    if (pathDb !== "") db = int(path, pathDb, fallbackDb);
    if (scheme === "rediss") options.tls = {};
  }
  if (queryDb !== null && queryDb !== "") db = int(path, queryDb, fallbackDb);
  options.db = db;
  const pw = u.searchParams.get("password");
  if (pw) {
    options.password = pw;
    secrets.push(pw);
  }
  const user = options.username
    ? `${options.username}${options.password ? ":***" : ""}@`
    : options.password
      ? ":***@"
      : "";
  const where = scheme === "unix" ? options.path : `${options.host}:${options.port}`;
  return { options, describe: `${scheme}://${user}${where}/${db}`, secrets };
}
