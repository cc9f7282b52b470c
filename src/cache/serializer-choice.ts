/**
 * The serializer Flask-Caching uses for each backend family (cachelib/serializers.py):
 * Simple and FileSystem pickle values (protocol 5); Redis stores `!` + pickle and reads ASCII
 * ints and raw bytes too. Loaded lazily so the pickle codec is only pulled in when a cache
 * needs it.
 */
import type { SerializerKind } from "../backends/registry.js";
import type { Serializer } from "../codecs/serializer.js";
import { CacheConfigError } from "../core/errors.js";

export interface SerializerChoiceOptions {
  /**
   * Decode Python floats with integral values (`2.0`) as `PyFloat` instead of a plain number, so
   * a value read and written back keeps its Python type. Default false (see python/values.ts).
   */
  exactNumbers?: boolean;
  /**
   * Exact mode (`pickle.loads`'s `exact`): every value read can be written back as the same
   * Python value (floats, dict order, surrogate strs, numpy scalars). Implies `exactNumbers`.
   * Default false.
   */
  exact?: boolean;
}

/**
 * The serializer of `kind`.
 * @throws CacheConfigError `CONFIG_SERIALIZER_UNAVAILABLE` for `backend` (the family module's
 *   `createSerializer` provides it)
 */
export async function loadSerializer(
  kind: SerializerKind,
  path: string,
  options: SerializerChoiceOptions = {},
): Promise<Serializer> {
  const load = { exactNumbers: options.exactNumbers ?? false, exact: options.exact ?? false };
  switch (kind) {
    case "pickle":
      return new (await import("../codecs/cachelib/pickle-serializer.js")).PickleSerializer({ load });
    case "redis":
      return new (await import("../codecs/cachelib/redis-serializer.js")).RedisSerializer({ load });
    default:
      throw new CacheConfigError(
        "CONFIG_SERIALIZER_UNAVAILABLE",
        path,
        `the "${kind}" value format must be supplied by its backend module (createSerializer)`,
      );
  }
}
