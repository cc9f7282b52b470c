/**
 * `superset-cache/backends/memcached`: Flask-Caching's MemcachedCache, SASLMemcachedCache and
 * SpreadSASLMemcachedCache on a pipelined binary-protocol client, and the value flags of
 * pylibmc and python-memcached.
 */
export {
  MemcachedBackend,
  type MemcachedBackendSettings,
  type MemcachedKind,
  memcachedKeyBytes,
  SPREAD_CHUNK_BYTES,
  SPREAD_MAX_CHUNKS,
} from "./backend.js";
export { MemcachedBackendError, MemcachedErrorCode } from "./errors.js";
export {
  DEFAULT_MEMCACHED_SERVERS,
  MEMCACHED_BACKEND_DEFAULTS,
  type MemcachedBackendOptions,
  type MemcachedServerAddress,
  parseServers,
} from "./options.js";
export { crc32, type KeyDistribution, oneAtATime, serverIndex } from "./server-placement.js";
export {
  Flag as MemcachedFlag,
  type MemcachedFlavour,
  MemcachedValueSerializer,
  type MemcachedValueSerializerOptions,
} from "./value-flags.js";
