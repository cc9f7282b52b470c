/**
 * The serializer Flask-Caching uses for each backend family (flask-caching-format.md §1):
 * Simple and FileSystem pickle values (protocol 5); Redis stores `!` + pickle and reads ASCII
 * ints and raw bytes too. Loaded lazily so the pickle codec is only pulled in when a cache
 * needs it.
 */
import type { SerializerKind } from "../backends/registry.js";
import { CacheConfigError } from "../errors.js";
import type { Serializer } from "./serializer.js";

/**
 * The serializer of `kind`.
 * @throws CacheConfigError `CONFIG_SERIALIZER_UNAVAILABLE` for `metastore` (its module provides one)
 */
export async function loadSerializer(kind: SerializerKind, path: string): Promise<Serializer> {
  switch (kind) {
    case "pickle":
      return new (await import("./serializers/pickle.js")).PickleSerializer();
    case "redis":
      return new (await import("./serializers/redis.js")).RedisSerializer();
    default:
      throw new CacheConfigError(
        "CONFIG_SERIALIZER_UNAVAILABLE",
        path,
        `the "${kind}" value format must be supplied by its backend module (createSerializer)`,
      );
  }
}
