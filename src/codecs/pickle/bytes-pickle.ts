/**
 * The protocol-5 pickle of a `bytes` value (a plain `Uint8Array`, not a `PyBytearray`) without
 * the general encoder: byte-identical to `dumps(value)` (src/codecs/pickle/encoder.ts, CPython's
 * framing), optionally after a prefix such as cachelib's `!` marker.
 *
 * - under 64 KiB (`FRAME_SIZE_TARGET`) the whole body is one frame:
 *   `80 05 | 95 <u64 len> | op <len> payload 94 2e`;
 * - from 64 KiB the payload goes outside any frame and the trailing `MEMOIZE STOP` (2 bytes)
 *   is too short to get a frame header: `80 05 | op <len> payload 94 2e`.
 *
 * `op` is SHORT_BINBYTES (u8 length) up to 255 bytes, BINBYTES (u32) up to 2^32 - 1, else
 * BINBYTES8 (u64). An empty value is `C 00` like any other short one.
 *
 * `bytesPickleParts` returns `[head, value, tail]` with the caller's array itself as the middle
 * part, for a `writev` of a large value without copying it into a pickle buffer first.
 * `readBytesPickle` recognises exactly this layout on the way back (anything else: `undefined`,
 * for the general decoder).
 */

import { PyBytearray } from "../../python/values.js";
import type { LoadsOptions } from "./decode/options.js";
import type { PickleDumpOptions } from "./encode/context.js";
import { FRAME_SIZE_TARGET } from "./encode/frame-writer.js";
import { DEFAULT_PICKLE_LIMITS } from "./limits.js";
import { Op } from "./opcodes.js";

const { PROTO, FRAME, SHORT_BINBYTES, BINBYTES, BINBYTES8, MEMOIZE, STOP } = Op;
const PROTOCOL_5 = 5;
const MAX_U8 = 0xff;
const MAX_U32 = 0xffff_ffff;
const TAIL_BYTES = 2; // MEMOIZE STOP

/** `true` when the functions here apply: a plain `Uint8Array` (or Buffer), not a bytearray. */
export function isPlainBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && !(value instanceof PyBytearray);
}

/** `true` when `dumps(value, options)` of bytes is the layout written here (protocol 5, framing on). */
export function writesBytesLayout(options: PickleDumpOptions | undefined): boolean {
  return (options?.protocol ?? PROTOCOL_5) === PROTOCOL_5 && (options?.framing ?? true);
}

/**
 * `true` when `readBytesPickle` may answer for `loads(input, options)`: the default limits (a
 * caller's own limits go through the decoder, which enforces them) and an input within them.
 */
export function readsBytesLayout(options: LoadsOptions | undefined, inputBytes: number): boolean {
  return options?.limits === undefined && inputBytes <= DEFAULT_PICKLE_LIMITS.maxInputBytes;
}

/** Bytes before the payload: PROTO 5, the frame header when framed, the opcode and length. */
function headLength(n: number): number {
  const op = n <= MAX_U8 ? 2 : n <= MAX_U32 ? 5 : 9;
  return n >= FRAME_SIZE_TARGET ? 2 + op : 2 + 9 + op;
}

/** Little-endian unsigned `value` in `width` bytes at `at` (safe integers only). */
function writeUint(out: Uint8Array, at: number, value: number, width: number): void {
  let rest = value;
  for (let i = 0; i < width; i++) {
    out[at + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
}

/** Write the head of an `n`-byte value at `at`; returns the offset after it. */
function writeHead(out: Uint8Array, at: number, n: number): number {
  let p = at;
  out[p++] = PROTO;
  out[p++] = PROTOCOL_5;
  const opBytes = n <= MAX_U8 ? 2 : n <= MAX_U32 ? 5 : 9;
  if (n < FRAME_SIZE_TARGET) {
    out[p++] = FRAME;
    writeUint(out, p, opBytes + n + TAIL_BYTES, 8);
    p += 8;
  }
  out[p++] = n <= MAX_U8 ? SHORT_BINBYTES : n <= MAX_U32 ? BINBYTES : BINBYTES8;
  writeUint(out, p, n, opBytes - 1);
  return p + opBytes - 1;
}

/** `prefix` + `dumps(value)` in one fresh Buffer: one copy of `value`, no encoder. */
export function bytesPickle(value: Uint8Array, prefix?: Uint8Array): Buffer {
  const pre = prefix?.length ?? 0;
  const n = value.length;
  const out = Buffer.allocUnsafe(pre + headLength(n) + n + TAIL_BYTES);
  if (prefix) out.set(prefix, 0);
  const at = writeHead(out, pre, n);
  out.set(value, at);
  out[at + n] = MEMOIZE;
  out[at + n + 1] = STOP;
  return out;
}

/**
 * `[head, value, tail]` whose concatenation equals `prefix` + `dumps(value)`. `value` is
 * returned as is: it must not change until the parts are written.
 */
export function bytesPickleParts(
  value: Uint8Array,
  prefix?: Uint8Array,
): [Uint8Array, Uint8Array, Uint8Array] {
  const pre = prefix?.length ?? 0;
  const head = new Uint8Array(pre + headLength(value.length));
  if (prefix) head.set(prefix, 0);
  writeHead(head, pre, value.length);
  return [head, value, Uint8Array.of(MEMOIZE, STOP)];
}

/** Little-endian u64 at `at` as a number, or -1 beyond the safe-integer range. */
function readU64(bytes: Uint8Array, at: number): number {
  let n = 0;
  for (let i = 7; i >= 0; i--) n = n * 256 + bytes[at + i]!;
  return Number.isSafeInteger(n) ? n : -1;
}

/**
 * The payload of `bytes` from `at` on when it is exactly the layout above (what CPython's
 * `pickle.dumps(b, 5)` writes for a `bytes` value), as a plain `Uint8Array` view like the
 * decoder's; `undefined` for any other input, which the general decoder then reads (and rejects
 * when malformed). Every length is checked against the input's end before use.
 */
export function readBytesPickle(bytes: Uint8Array, at: number): Uint8Array | undefined {
  const end = bytes.length;
  let p = at;
  if (end - p < 6 || bytes[p] !== PROTO || bytes[p + 1] !== PROTOCOL_5) return undefined;
  p += 2;
  if (bytes[p] === FRAME) {
    if (end - p < 10 || readU64(bytes, p + 1) !== end - p - 9) return undefined;
    p += 9;
  }
  const op = bytes[p++];
  let n: number;
  if (op === SHORT_BINBYTES) {
    n = bytes[p++]!;
  } else if (op === BINBYTES && end - p >= 4) {
    n = (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16)) + bytes[p + 3]! * 0x1000000;
    p += 4;
  } else if (op === BINBYTES8 && end - p >= 8) {
    n = readU64(bytes, p);
    p += 8;
  } else {
    return undefined;
  }
  if (n < 0 || p + n + TAIL_BYTES !== end || bytes[end - 2] !== MEMOIZE || bytes[end - 1] !== STOP)
    return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset + p, n);
}
