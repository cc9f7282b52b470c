/**
 * The count file's value: a Python int pickled with protocol 5, exactly as CPython's C pickler
 * writes it (`80 05 4b 03 2e` = 3). Self-contained so the backend's bookkeeping does not depend
 * on the value codec; the full pickle decoder handles everything else.
 */

const PROTO = 0x80;
const FRAME = 0x95;
const BININT1 = 0x4b; // K: u8
const BININT2 = 0x4d; // M: u16 LE
const BININT = 0x4a; // J: i32 LE
const LONG1 = 0x8a; // n bytes, two's complement LE
const STOP = 0x2e;
const PROTOCOL = 5;
// CPython frames a pickle only when its body is at least this long (pickle._FRAME_SIZE_MIN).
const FRAME_SIZE_MIN = 4;
const FRAME_HEADER_BYTES = 9;
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

/** Pickle (protocol 5) of the integer `n`, byte-identical to `pickle.dumps(n, 5)`. */
export function encodeCount(n: number): Uint8Array {
  if (!Number.isSafeInteger(n)) throw new RangeError(`count ${n} is not a safe integer`);
  let body: number[];
  if (n >= 0 && n <= 0xff) body = [BININT1, n];
  else if (n >= 0 && n <= 0xffff) body = [BININT2, n & 0xff, n >> 8];
  else if (n >= I32_MIN && n <= I32_MAX)
    body = [BININT, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
  else body = [LONG1, ...longBytes(BigInt(n))];
  body.push(STOP);
  const head = [PROTO, PROTOCOL];
  if (body.length >= FRAME_SIZE_MIN) {
    const frame = [FRAME, body.length, 0, 0, 0, 0, 0, 0, 0];
    return Uint8Array.from([...head, ...frame, ...body]);
  }
  return Uint8Array.from([...head, ...body]);
}

// Two's complement little-endian, shortest form, prefixed by its length (encode_long + LONG1).
function longBytes(n: bigint): number[] {
  const out: number[] = [];
  let v = n;
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    const signBit = (byte & 0x80) !== 0;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) break;
  }
  return [out.length, ...out];
}

/**
 * The integer in a pickled-int stream (protocols 2–5, framed or not, opcodes K/M/J/LONG1).
 * Throws `RangeError` with the reason for anything else; the caller maps it to a typed error.
 */
export function decodeCount(bytes: Uint8Array): number {
  let pos = 0;
  if (bytes[pos] === PROTO) pos += 2;
  if (bytes[pos] === FRAME) pos += FRAME_HEADER_BYTES;
  const op = bytes[pos++];
  let value: number;
  let end: number;
  switch (op) {
    case BININT1:
      end = pos + 1;
      value = bytes[pos]!;
      break;
    case BININT2:
      end = pos + 2;
      value = bytes[pos]! | (bytes[pos + 1]! << 8);
      break;
    case BININT:
      end = pos + 4;
      value = bytes[pos]! | (bytes[pos + 1]! << 8) | (bytes[pos + 2]! << 16) | (bytes[pos + 3]! << 24);
      break;
    case LONG1: {
      const n = bytes[pos++] ?? 0;
      end = pos + n;
      if (n > 8) throw new RangeError(`LONG1 of ${n} bytes is no plausible count`);
      let big = 0n;
      for (let i = n - 1; i >= 0; i--) big = (big << 8n) | BigInt(bytes[pos + i] ?? 0);
      if (n > 0 && (bytes[pos + n - 1]! & 0x80) !== 0) big -= 1n << BigInt(8 * n);
      value = Number(big);
      break;
    }
    default:
      throw new RangeError(`opcode 0x${(op ?? 0).toString(16)} is not a pickled int`);
  }
  if (end >= bytes.length || bytes[end] !== STOP)
    throw new RangeError("pickle is truncated or has trailing data");
  if (end + 1 !== bytes.length) throw new RangeError("trailing bytes after STOP");
  return value;
}
