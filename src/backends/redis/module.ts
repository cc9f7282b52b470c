/**
 * The Redis family's registry module (`BACKENDS.redis`): RedisCache, RedisSentinelCache and
 * RedisClusterCache in every spelling. Users pass `backendOptions.redis` (`RedisBackendOptions`).
 */
import type { BackendModule } from "../backend-module.js";
import { RedisBackend } from "./backend.js";
import type { RedisBackendOptions } from "./options.js";

export const backendModule: BackendModule<RedisBackendOptions> = {
  createBackend: (config, context) => RedisBackend.fromFlaskConfig(config, context),
};
