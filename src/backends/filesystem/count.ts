/**
 * The count file's value: a Python int pickled with protocol 5, exactly as CPython's C pickler
 * writes it (`80 05 4b 03 2e` = 3). Written and read here rather than by the pickle codec: the
 * bookkeeping needs only these few opcodes and a strict reader that refuses anything else.
 */
import { FRAME_HEADER_SIZE, FRAME_SIZE_MIN } from "../../codecs/pickle/encode/frame-writer.js";
import { Op } from "../../codecs/pickle/opcodes.js";
import { CacheDecodeError, CacheEncodeError } from "../../core/errors.js";
import { decodeLong, encodeLong } from "../../python/long-bytes.js";

const { PROTO, FRAME, BININT1, BININT2, BININT, LONG1, STOP } = Op;
const PROTOCOL = 5;
const I32_MIN = -(2 ** 31);
const I32_MAX = 2 ** 31 - 1;

/**
 * Pickle (protocol 5) of the integer `n`, byte-identical to `pickle.dumps(n, 5)`.
 * @throws CacheEncodeError `FS_COUNT_OUT_OF_RANGE` when `n` is not a safe integer
 */
export function encodeCount(n: number): Uint8Array {
  if (!Number.isSafeInteger(n))
    throw new CacheEncodeError("FS_COUNT_OUT_OF_RANGE", `count ${n} is not a safe integer`);
  let body: number[];
  if (n >= 0 && n <= 0xff) body = [BININT1, n];
  else if (n >= 0 && n <= 0xffff) body = [BININT2, n & 0xff, n >> 8];
  else if (n >= I32_MIN && n <= I32_MAX)
    body = [BININT, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
  else {
    const long = encodeLong(BigInt(n));
    body = [LONG1, long.length, ...long];
  }
  body.push(STOP);
  const head = [PROTO, PROTOCOL];
  if (body.length >= FRAME_SIZE_MIN) {
    const frame = [FRAME, body.length, 0, 0, 0, 0, 0, 0, 0];
    return Uint8Array.from([...head, ...frame, ...body]);
  }
  return Uint8Array.from([...head, ...body]);
}

/**
 * The integer in a pickled-int stream (protocols 2–5, framed or not, opcodes K/M/J/LONG1).
 * @throws CacheDecodeError `FS_BAD_COUNT_FILE` with the reason for anything else (the caller
 *   adds the file name)
 */
export function decodeCount(bytes: Uint8Array): number {
  let pos = 0;
  if (bytes[pos] === PROTO) pos += 2;
  if (bytes[pos] === FRAME) pos += FRAME_HEADER_SIZE;
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
      if (n > 8) throw badCount(`LONG1 of ${n} bytes is no plausible count`);
      // A truncated payload decodes short here and fails the STOP check below.
      value = Number(decodeLong(bytes.subarray(pos, end)));
      break;
    }
    default:
      throw badCount(`opcode 0x${(op ?? 0).toString(16)} is not a pickled int`);
  }
  if (end >= bytes.length || bytes[end] !== STOP) throw badCount("pickle is truncated or has trailing data");
  if (end + 1 !== bytes.length) throw badCount("trailing bytes after STOP");
  return value;
}

function badCount(reason: string): CacheDecodeError {
  return new CacheDecodeError("FS_BAD_COUNT_FILE", reason);
}
