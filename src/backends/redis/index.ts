/**
 * `superset-cache/backends/redis`: Flask-Caching's RedisCache, RedisSentinelCache and
 * RedisClusterCache on ioredis, the config resolution they share, and the Redis lock.
 */
export { RedisBackend } from "./backend.js";
export { REDIS_CONNECTION_DEFAULTS, type RedisConnectionOptions } from "./client.js";
export {
  type FlaskRedisConfig,
  type RedisTopology,
  type ResolvedRedisConfig,
  redisTopologyFor,
  resolveRedisConfig,
} from "./config.js";
export { RedisBackendError, RedisErrorCode } from "./errors.js";
export { RedisLock } from "./lock.js";
export { REDIS_BACKEND_DEFAULTS, type RedisBackendOptions, type RedisBackendStats } from "./options.js";
export {
  IOREDIS_SEAMS_CHANNEL_NAME,
  IOREDIS_TESTED_VERSION,
  type IoredisSeamReport,
  ioredisSeams,
} from "./wire/seams.js";
