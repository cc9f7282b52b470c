import type { PyValue } from "../codecs/pickle/values.js";

/**
 * Turns values into the bytes a backend stores, the way Flask-Caching's serializer for
 * that backend does (Redis: `!` + pickle; FileSystem and Simple: plain pickle; …).
 */
export interface Serializer {
  /** Short name for diagnostics, e.g. `redis-pickle`. */
  readonly name: string;
  /** Encode a value. Throws `CacheEncodeError` for values that cannot be stored. */
  dumps(value: PyValue): Uint8Array;
  /** Decode stored bytes. Throws `CacheDecodeError` (or a subclass) for undecodable bytes. */
  loads(bytes: Uint8Array): PyValue;
}
