/**
 * The serializer of cachelib's FileSystemCache and SimpleCache: a plain pickle (protocol 5,
 * `pickle.dumps(value, HIGHEST_PROTOCOL)`), no `!` marker. Ints are pickled too. The
 * FileSystem backend adds its own 4-byte expiry header around these bytes.
 */

import type { PyValue } from "../../python/values.js";
import {
  bytesPickle,
  bytesPickleParts,
  isPlainBytes,
  readBytesPickle,
  readsBytesLayout,
  writesBytesLayout,
} from "../pickle/bytes-pickle.js";
import { loads } from "../pickle/decode/decoder.js";
import type { LoadsOptions } from "../pickle/decode/options.js";
import { dumps, type PickleDumpOptions } from "../pickle/encode/encoder.js";
import type { Serializer } from "../serializer.js";

/** Options of `PickleSerializer`. */
export interface PickleSerializerOptions {
  /** Passed to `pickle.dumps` (default: protocol 5, CPython framing). */
  dump?: PickleDumpOptions;
  /** Passed to `pickle.loads` (default: the decoder's defaults and limits). */
  load?: LoadsOptions;
}

/** Plain pickle, as cachelib's FileSystemCache/SimpleCache store values. */
export class PickleSerializer implements Serializer {
  readonly name = "pickle";

  /** `bytes` values take the encoder-free layout (bytes-pickle.ts) under these dump options. */
  private readonly bytesLayout: boolean;

  constructor(private readonly options: PickleSerializerOptions = {}) {
    this.bytesLayout = writesBytesLayout(options.dump);
  }

  /**
   * Pickles `value`.
   * @throws PickleEncodeError (a `CacheEncodeError`) for values with no Python equivalent
   */
  dumps(value: PyValue): Uint8Array {
    if (this.bytesLayout && isPlainBytes(value)) return bytesPickle(value);
    return dumps(value, this.options.dump);
  }

  /** A `bytes` value as `[head, value, tail]` (no copy); `undefined` for anything else. */
  dumpsParts(value: PyValue): readonly Uint8Array[] | undefined {
    if (!(this.bytesLayout && isPlainBytes(value))) return undefined;
    return bytesPickleParts(value);
  }

  /**
   * Unpickles `bytes`.
   * @throws PickleDecodeError (a `CacheDecodeError`) for malformed or over-limit pickles
   */
  loads(bytes: Uint8Array): PyValue {
    const plain = readsBytesLayout(this.options.load, bytes.length) ? readBytesPickle(bytes, 0) : undefined;
    return plain ?? loads(bytes, this.options.load);
  }
}
