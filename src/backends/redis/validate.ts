/**
 * The Redis family's build-time check (`BACKENDS.redis.validate`): resolve the cache dict as the
 * backend will, so a bad `CACHE_REDIS_URL`, port or option fails when the cache is built, under
 * the cache's own path. Imports no client (config.ts only uses ioredis's types).
 */
import type { ResolvedCacheConfig } from "../../config/config-types.js";
import { resolveRedisConfig } from "./config.js";
import type { RedisBackendOptions } from "./options.js";

/**
 * Resolve `config` and drop the result; skipped when a client is given (`options.client` or an
 * ioredis client as `CACHE_REDIS_HOST`), which the backend uses as it is.
 * @throws CacheConfigError as `resolveRedisConfig`, e.g. `CONFIG_INVALID_URL` at `DATA_CACHE_CONFIG.CACHE_REDIS_URL`
 */
export function validateRedisConfig(
  config: ResolvedCacheConfig,
  path: string,
  options: object | undefined,
): void {
  const own = options as RedisBackendOptions | undefined;
  const host = (config as { CACHE_REDIS_HOST?: unknown }).CACHE_REDIS_HOST;
  if (own?.client || (host !== null && typeof host === "object")) return;
  resolveRedisConfig(config, own?.path ?? path);
}
