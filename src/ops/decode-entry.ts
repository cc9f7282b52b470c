/**
 * Decode any Superset cache entry as stored in Redis, for display: Flask-Caching's `!`+pickle
 * and integer forms, bare pickles, SQL Lab results payloads (zlib + msgpack/JSON), thumbnail
 * images, DataFrames (Arrow tables) and chart-data dicts. Never executes anything (the pickle
 * decoder is the safe one); a value nothing recognises is shown as bytes.
 */
import { Table } from "apache-arrow";
import { loads } from "../codecs/pickle/decode/decoder.js";
import type { PyValue } from "../python/values.js";
import { decodeResultsPayload } from "../superset/results/payload-codec.js";

/** What an entry turned out to be. */
export type EntryFormat =
  | "flask-caching-pickle"
  | "flask-caching-int"
  | "pickle"
  | "results-payload"
  | "bytes";

/** What the decoded value is, for Superset. */
export type EntryKind = "dataframe" | "chart-data" | "results-payload" | "thumbnail-image" | "value";

export interface DecodedEntry {
  format: EntryFormat;
  kind: EntryKind;
  bytes: number;
  value: unknown;
  /** Thumbnail image facts (PNG/JPEG signature, dimensions when PNG). */
  image?: { type: "png" | "jpeg"; width?: number; height?: number };
}

const PICKLE_MARKER = 0x21; // "!"
const PICKLE_PROTO = 0x80;
const ZLIB_FIRST_BYTE = 0x78;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
/** IHDR width/height offsets in a PNG file. */
const PNG_WIDTH_OFFSET = 16;

function startsWith(b: Uint8Array, sig: readonly number[]): boolean {
  return sig.every((x, i) => b[i] === x);
}

/** `image/png` or `image/jpeg` when the bytes start with that format's signature, else undefined. */
export function imageContentType(b: Uint8Array): "image/png" | "image/jpeg" | undefined {
  if (startsWith(b, PNG_SIGNATURE)) return "image/png";
  if (startsWith(b, JPEG_SIGNATURE)) return "image/jpeg";
  return undefined;
}

function imageOf(b: Uint8Array): DecodedEntry["image"] {
  const type = imageContentType(b);
  if (type === "image/png" && b.length >= PNG_WIDTH_OFFSET + 8) {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return {
      type: "png",
      width: view.getUint32(PNG_WIDTH_OFFSET),
      height: view.getUint32(PNG_WIDTH_OFFSET + 4),
    };
  }
  return type === "image/jpeg" ? { type: "jpeg" } : undefined;
}

function tryResults(b: Uint8Array): unknown {
  if (b[0] !== ZLIB_FIRST_BYTE) return undefined;
  for (const useMsgpack of [true, false]) {
    try {
      return decodeResultsPayload(b, { useMsgpack });
    } catch {
      // not this encoding; try the other, then give up
    }
  }
  return undefined;
}

/** Classify a decoded Python value. */
function classify(format: EntryFormat, size: number, value: PyValue): DecodedEntry {
  if (value instanceof Table) return { format, kind: "dataframe", bytes: size, value };
  if (value instanceof Uint8Array) {
    const image = imageOf(value);
    if (image) return { format, kind: "thumbnail-image", bytes: size, value, image };
    const results = tryResults(value);
    if (results !== undefined) return { format, kind: "results-payload", bytes: size, value: results };
  }
  if (
    value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    (value as Record<string, unknown>).df instanceof Table
  )
    return { format, kind: "chart-data", bytes: size, value };
  return { format, kind: "value", bytes: size, value };
}

/**
 * Decode stored bytes.
 * @throws PickleDecodeError (and the other PickleDecoder errors) when a pickle is corrupt
 */
export function decodeEntry(stored: Uint8Array): DecodedEntry {
  if (stored[0] === PICKLE_MARKER)
    return classify("flask-caching-pickle", stored.length, loads(stored.subarray(1)));
  if (stored.length > 0 && stored.length < 32 && /^-?\d+$/.test(Buffer.from(stored).toString("latin1")))
    return {
      format: "flask-caching-int",
      kind: "value",
      bytes: stored.length,
      value: Number(Buffer.from(stored).toString("latin1")),
    };
  if (stored[0] === PICKLE_PROTO) return classify("pickle", stored.length, loads(stored));
  const results = tryResults(stored);
  if (results !== undefined)
    return { format: "results-payload", kind: "results-payload", bytes: stored.length, value: results };
  return classify("bytes", stored.length, stored);
}
