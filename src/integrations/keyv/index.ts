/**
 * `superset-cache/keyv`: both directions between this library and Keyv. `createKeyvCache`
 * puts a Superset-shaped `Cache` on any Keyv store; `KeyvStoreAdapter` exposes a `Cache` as a
 * Keyv store (for cache-manager, cacheable, …). `keyv` is an optional peer dependency.
 */
export { createKeyvCache, KeyvBackend, type KeyvCacheOptions } from "./backend.js";
export { KeyvAdapterError, KeyvStoreAdapter, type KeyvStoreAdapterOptions } from "./store-adapter.js";
