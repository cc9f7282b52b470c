/**
 * The protocol-5 pickle of a `bytes` value (a plain `Uint8Array`, not a `PyBytearray`) as
 * `[head, payload, tail]`, where `payload` is the caller's array itself, not a copy: for a
 * `writev` of a large value without copying it into a pickle buffer first. The concatenation is
 * byte-identical to `dumps(value)` (src/codecs/pickle/encoder.ts, CPython's framing):
 *
 * - under 64 KiB (`FRAME_SIZE_TARGET`) the whole body is one frame:
 *   `80 05 | 95 <u64 len> | op <len> payload 94 2e`;
 * - from 64 KiB the payload goes outside any frame and the trailing `MEMOIZE STOP` (2 bytes)
 *   is too short to get a frame header: `80 05 | op <len> payload 94 2e`.
 *
 * `op` is SHORT_BINBYTES (u8 length) up to 255 bytes, BINBYTES (u32) up to 2^32 - 1, else
 * BINBYTES8 (u64). An empty value is `C 00` like any other short one.
 */
import { PyBytearray } from "../codecs/pickle/values.js";

const PROTO_5 = [0x80, 0x05];
const FRAME = 0x95;
const SHORT_BINBYTES = 0x43; // C
const BINBYTES = 0x42; // B
const BINBYTES8 = 0x8e;
const MEMOIZE = 0x94;
const STOP = 0x2e;
const FRAME_SIZE_TARGET = 64 * 1024;
const MAX_U8 = 0xff;
const MAX_U32 = 0xffff_ffff;
const TAIL_BYTES = 2; // MEMOIZE STOP

/** `true` when `bytesPickleChunks` applies: a plain `Uint8Array` (or Buffer), not a bytearray. */
export function isPlainBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && !(value instanceof PyBytearray);
}

/** Opcode and little-endian length of a bytes payload of `n` bytes. */
function payloadHeader(n: number): number[] {
  if (n <= MAX_U8) return [SHORT_BINBYTES, n];
  if (n <= MAX_U32) return [BINBYTES, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  const out = [BINBYTES8];
  let rest = n;
  for (let i = 0; i < 8; i++) {
    out.push(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return out;
}

/** u64 little-endian of a safe integer. */
function u64(n: number): number[] {
  const out: number[] = [];
  let rest = n;
  for (let i = 0; i < 8; i++) {
    out.push(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return out;
}

/**
 * `[head, value, tail]` whose concatenation equals `dumps(value)` (protocol 5, framing on).
 * `value` is returned as is: it must not change until the chunks are written.
 */
export function bytesPickleChunks(value: Uint8Array): [Uint8Array, Uint8Array, Uint8Array] {
  const n = value.length;
  const header = payloadHeader(n);
  const tail = Uint8Array.of(MEMOIZE, STOP);
  if (n >= FRAME_SIZE_TARGET) return [Uint8Array.from([...PROTO_5, ...header]), value, tail];
  const frameLength = header.length + n + TAIL_BYTES;
  return [Uint8Array.from([...PROTO_5, FRAME, ...u64(frameLength), ...header]), value, tail];
}
