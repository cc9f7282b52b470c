/**
 * The Memcached family's registry module (`BACKENDS.memcached`): MemcachedCache,
 * SASLMemcachedCache and SpreadSASLMemcachedCache in every spelling. Users pass
 * `backendOptions.memcached` (`MemcachedBackendOptions`).
 */
import { PickleSerializer } from "../../codecs/cachelib/pickle-serializer.js";
import type { ResolvedCacheConfig } from "../../config/config-types.js";
import type { BackendModule } from "../backend-module.js";
import { resolveBackendKind } from "../registry.js";
import { MemcachedBackend, type MemcachedKind, SPREAD_PICKLE_PROTOCOL } from "./backend.js";
import type { MemcachedBackendOptions } from "./options.js";
import { MemcachedValueSerializer } from "./value-flags.js";

function memcachedKind(config: ResolvedCacheConfig, path: string): MemcachedKind {
  const kind = resolveBackendKind(config.CACHE_TYPE, `${path}.CACHE_TYPE`);
  return kind === "sasl-memcached" || kind === "spread-sasl-memcached" ? kind : "memcached";
}

export const backendModule = {
  createBackend: (config, context) =>
    MemcachedBackend.fromFlaskConfig(config, context, memcachedKind(config, context.path)),
  // Spread values are one pickle (cachelib: `pickle.dumps(value, 2)`) stored as bytes; the
  // others carry Python client flags.
  createSerializer: (config, context) =>
    memcachedKind(config, context.path) === "spread-sasl-memcached"
      ? new PickleSerializer({ dump: { protocol: SPREAD_PICKLE_PROTOCOL } })
      : new MemcachedValueSerializer(context.options?.flavour ? { flavour: context.options.flavour } : {}),
} satisfies BackendModule<MemcachedBackendOptions>;
