/**
 * Values as Python's memcached clients store them: the payload bytes plus a 32-bit client flag
 * word saying how to read them. The backend contract carries bytes only, so the serializer below
 * hands the backend a 4-byte big-endian flag word followed by the payload (`flaggedValue`), and
 * the backend stores the payload under those flags; reads come back in the same layout.
 *
 * pylibmc 1.6 (_pylibmcmodule.h): bytes 0, pickle 1, bool 2, int 4, zlib 8 (ORed), str 16; it
 * reads flag 2 back as an int (`True` comes back as `1`), and so does this serializer. It
 * pickles with the highest protocol (5).
 * python-memcached (memcache.py): bytes 0, pickle 1, int 2, long 4, zlib 8 (ORed), str 16; a
 * bool is pickled, and pickles are protocol 0 (its `pickleProtocol` default). The flavour
 * decides only what is written; any protocol is read.
 *
 * Layout of a flagged value: the 4-byte marker `\0MCF`, the flag word (big-endian), the payload.
 * The backend stores the payload under the flags; an item with flag 0 comes back as its bare
 * payload, so raw bytes (`getRaw`/`setRaw`, other backends' bytes) round-trip unchanged. Bare
 * bytes that themselves begin with the marker are always returned in the flagged layout.
 */
import { inflateSync } from "node:zlib";
import { PickleSerializer } from "../../codecs/cachelib/pickle-serializer.js";
import { parsePythonInt } from "../../codecs/cachelib/python-int.js";
import { isPlainBytes } from "../../codecs/pickle/bytes-pickle.js";
import type { LoadsOptions } from "../../codecs/pickle/decode/options.js";
import type { Serializer } from "../../codecs/serializer.js";
import { CacheDecodeError } from "../../core/errors.js";
import type { PyValue } from "../../python/values.js";

/** Which Python client's flags and pickle protocol to write (both are read). */
export type MemcachedFlavour = "pylibmc" | "python-memcached";

/** The pickle protocol each flavour writes under flag 1 (pylibmc: HIGHEST_PROTOCOL; python-memcached: `pickleProtocol=0`). */
export const FLAVOUR_PICKLE_PROTOCOL = { pylibmc: 5, "python-memcached": 0 } as const;

/** Client flag bits. */
export const Flag = {
  bytes: 0,
  pickle: 1,
  /** pylibmc: bool (read back as int); python-memcached: int. */
  two: 2,
  /** pylibmc: int; python-memcached: long. */
  four: 4,
  zlib: 8,
  text: 16,
} as const;

const MARKER = [0x00, 0x4d, 0x43, 0x46] as const;
/** Bytes of the marker and flag word in front of a flagged value. */
export const FLAGGED_HEADER_LENGTH = 8;

/** `true` when `value` is in the flagged layout (marker + flag word + payload). */
export function isFlagged(value: Uint8Array): boolean {
  return (
    value.length >= FLAGGED_HEADER_LENGTH &&
    value[0] === MARKER[0] &&
    value[1] === MARKER[1] &&
    value[2] === MARKER[2] &&
    value[3] === MARKER[3]
  );
}

/** The flagged layout of `payload` under `flags`. */
export function flaggedValue(flags: number, payload: Uint8Array): Uint8Array {
  // Byte by byte: no DataView (an object per call) on the path of every `Cache.set`.
  const out = new Uint8Array(FLAGGED_HEADER_LENGTH + payload.length);
  out[0] = MARKER[0];
  out[1] = MARKER[1];
  out[2] = MARKER[2];
  out[3] = MARKER[3];
  out[4] = flags >>> 24;
  out[5] = flags >>> 16;
  out[6] = flags >>> 8;
  out[7] = flags;
  if (payload.length > 0) out.set(payload, FLAGGED_HEADER_LENGTH);
  return out;
}

/** What a backend returns for an item: bare bytes for flag 0 (unless they look flagged), else flagged. */
export function storedValue(flags: number, payload: Uint8Array): Uint8Array {
  if (flags === 0 && !isFlagged(payload)) return payload;
  return flaggedValue(flags, payload);
}

/** The flags of a value (0 for bare bytes). */
export function flagsOf(value: Uint8Array): number {
  if (!isFlagged(value)) return 0;
  return ((value[4]! << 24) | (value[5]! << 16) | (value[6]! << 8) | value[7]!) >>> 0;
}

/** The payload of a value (no copy; bare bytes are their own payload). */
export function payloadOf(value: Uint8Array): Uint8Array {
  return isFlagged(value) ? value.subarray(FLAGGED_HEADER_LENGTH) : value;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
const textDecoder = new TextDecoder("utf-8", { fatal: false });

function unreadable(message: string, cause?: unknown): CacheDecodeError {
  return new CacheDecodeError(
    "MEMCACHED_VALUE_UNREADABLE",
    message,
    cause === undefined ? undefined : { cause },
  );
}

/** Options of `MemcachedValueSerializer`. */
export interface MemcachedValueSerializerOptions {
  /** The client whose flags are written (default pylibmc); both are read. */
  flavour?: MemcachedFlavour;
  /** Passed to `pickle.loads`. */
  load?: LoadsOptions;
}

/**
 * The value format of MemcachedCache and SASLMemcachedCache: str, int, bytes (and for pylibmc
 * bool) stored raw under their flag, anything else pickled with flag 1 (protocol 5 for
 * pylibmc, 0 for python-memcached, byte-identical to what that client writes). Values
 * compressed by a Python client (flag 8) are inflated on read; this serializer never compresses.
 */
export class MemcachedValueSerializer implements Serializer {
  readonly name: string;
  readonly #flavour: MemcachedFlavour;
  readonly #pickle: PickleSerializer;

  constructor(options: MemcachedValueSerializerOptions = {}) {
    this.#flavour = options.flavour ?? "pylibmc";
    this.name = `memcached-${this.#flavour}`;
    const dump = { protocol: FLAVOUR_PICKLE_PROTOCOL[this.#flavour] };
    this.#pickle = new PickleSerializer(options.load ? { dump, load: options.load } : { dump });
  }

  /**
   * The flagged bytes of `value`.
   * @throws PickleEncodeError (a `CacheEncodeError`) for values with no Python equivalent
   */
  /** A `bytes` value as `[flag-0 header, value]` (no copy); `undefined` for anything else. */
  dumpsParts(value: PyValue): readonly Uint8Array[] | undefined {
    if (!isPlainBytes(value)) return undefined;
    return [flaggedValue(Flag.bytes, EMPTY), value];
  }

  dumps(value: PyValue): Uint8Array {
    if (typeof value === "string") return flaggedValue(Flag.text, encoder.encode(value));
    if (typeof value === "boolean" && this.#flavour === "pylibmc") {
      return flaggedValue(Flag.two, encoder.encode(value ? "1" : "0"));
    }
    if (
      typeof value === "bigint" ||
      (typeof value === "number" && Number.isSafeInteger(value) && !Object.is(value, -0))
    ) {
      return flaggedValue(this.#flavour === "pylibmc" ? Flag.four : Flag.two, encoder.encode(String(value)));
    }
    if (isPlainBytes(value)) return flaggedValue(Flag.bytes, value);
    return flaggedValue(Flag.pickle, this.#pickle.dumps(value));
  }

  /**
   * The value of flagged bytes.
   * @throws CacheDecodeError `MEMCACHED_VALUE_UNREADABLE`; PickleDecodeError for a bad pickle
   */
  loads(bytes: Uint8Array): PyValue {
    const flags = flagsOf(bytes);
    let payload = payloadOf(bytes);
    if (flags & Flag.zlib) {
      try {
        payload = inflateSync(payload);
      } catch (err) {
        throw unreadable("memcached value has the zlib flag but does not inflate", err);
      }
    }
    if (flags & Flag.pickle) return this.#pickle.loads(payload);
    if (flags & Flag.text) return textDecoder.decode(payload);
    if (flags & (Flag.two | Flag.four)) {
      const int = parsePythonInt(payload);
      if (int === null) throw unreadable(`memcached value with int flag ${flags} is not an ASCII int`);
      return int;
    }
    // A fresh array from the socket (or inflate): handed out without another copy.
    return payload;
  }
}
