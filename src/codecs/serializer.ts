import type { PyValue } from "../python/values.js";

/**
 * Turns values into the bytes a backend stores, the way Flask-Caching's serializer for
 * that backend does (Redis: `!` + pickle; FileSystem and Simple: plain pickle; …).
 */
export interface Serializer {
  /** Short name for diagnostics, e.g. `redis-pickle`. */
  readonly name: string;
  /** Encode a value. Throws `CacheEncodeError` for values that cannot be stored. */
  dumps(value: PyValue): Uint8Array;
  /**
   * Optional: the encoding of `value` as parts whose concatenation equals `dumps(value)`, sharing
   * the caller's large byte arrays instead of copying them (`undefined` when `value` has no such
   * layout, e.g. anything but a `bytes` value). `Cache.set` hands the parts to a backend
   * with `setParts`; the caller's array must not change until that write settles.
   */
  dumpsParts?(value: PyValue): readonly Uint8Array[] | undefined;
  /** Decode stored bytes. Throws `CacheDecodeError` (or a subclass) for undecodable bytes. */
  loads(bytes: Uint8Array): PyValue;
}
