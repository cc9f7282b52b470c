/**
 * Byte cursor over a pickle: bounds-checked reads, FRAME boundaries, text lines and
 * string decoding. Every length is checked against the bytes that remain before any view
 * or string is created, so a hostile length never allocates.
 */

import { PyStr } from "../../../python/values.js";
import { PickleDecodeError } from "../errors.js";
import { nodeAsciiSlice, nodeUtf8Slice } from "./strings/node-string-slices.js";
import { codePointsString, utf8CodePoints } from "./strings/surrogate-str.js";
import { TINY_STR_MAX, tinyAscii } from "./strings/tiny-strings.js";

const NEWLINE = 0x0a;
const SHORT_STRING_BYTES = 32;
/** Smallest payload `bytesAligned` moves: below one float64 there is nothing to align. */
const ALIGN_MIN_BYTES = 8;
const utf8Fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const latin1 = new TextDecoder("latin1");

/** See `ByteReader.snapshot`. */
export interface ReaderState {
  readonly pos: number;
  readonly limit: number;
  readonly frameEnd: number;
}

export class ByteReader {
  readonly buf: Uint8Array;
  readonly view: DataView;
  /** Current position. */
  pos: number;
  /** Offset of the opcode being executed (for error messages). */
  opStart = 0;
  /** End of the readable data (the input end, or the end of the current FRAME). */
  private limit: number;
  private readonly end: number;
  private frameEnd = -1;

  constructor(input: Uint8Array) {
    // A plain Uint8Array view, so bytes values are never Node Buffers (whose slice() shares memory).
    const buf = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 0;
    this.end = buf.length;
    this.limit = buf.length;
  }

  /** Position and frame state, so a speculative scan can be rewound exactly. */
  snapshot(): ReaderState {
    return { pos: this.pos, limit: this.limit, frameEnd: this.frameEnd };
  }

  /** Go back to a state taken by `snapshot()`. */
  rewind(state: ReaderState): void {
    this.pos = state.pos;
    this.limit = state.limit;
    this.frameEnd = state.frameEnd;
  }

  /**
   * The `n` bytes at `start` as a string, without moving; the caller has already checked
   * them with `validateUtf8` (strict UTF-8, no encoded surrogates).
   */
  validatedTextAt(start: number, n: number): string {
    const end = start + n;
    if (nodeUtf8Slice !== null) return nodeUtf8Slice.call(this.buf, start, end);
    return utf8Fatal.decode(this.buf.subarray(start, end));
  }

  /** Bytes left in the whole input. */
  get remaining(): number {
    return this.end - this.pos;
  }

  fail(code: ConstructorParameters<typeof PickleDecodeError>[0], message: string): never {
    throw new PickleDecodeError(code, this.opStart, message);
  }

  /** Make sure `n` bytes can be read at `pos` (n must already be a safe, non-negative number). */
  ensure(n: number): void {
    if (this.pos + n > this.limit) this.ensureSlow(n);
  }

  private ensureSlow(n: number): void {
    if (this.frameEnd >= 0 && this.pos === this.frameEnd) {
      this.frameEnd = -1;
      this.limit = this.end;
      if (this.pos + n <= this.limit) return;
    }
    if (this.frameEnd >= 0 && this.pos + n <= this.end) {
      this.fail("PICKLE_BAD_FRAME", "pickle exhausted before end of frame");
    }
    this.fail("PICKLE_TRUNCATED", "pickle data was truncated");
  }

  /** True when at least one byte is left to read. */
  hasMore(): boolean {
    return this.pos < this.end;
  }

  /** Start a FRAME of `length` bytes at the current position. */
  startFrame(length: bigint): void {
    if (this.frameEnd >= 0 && this.pos !== this.frameEnd) {
      this.fail("PICKLE_BAD_FRAME", "beginning of a new frame before end of current frame");
    }
    if (length > BigInt(this.end - this.pos))
      this.fail("PICKLE_BAD_FRAME", "frame is longer than the remaining data");
    const n = Number(length);
    this.frameEnd = this.pos + n;
    this.limit = this.frameEnd;
  }

  u8(): number {
    this.ensure(1);
    return this.buf[this.pos++] as number;
  }

  u16(): number {
    this.ensure(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.ensure(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  s32(): number {
    this.ensure(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** An 8-byte little-endian length as a BigInt (compare before converting). */
  u64(): bigint {
    this.ensure(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Big-endian IEEE-754 double (BINFLOAT). */
  f64be(): number {
    this.ensure(8);
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }

  /** A view of the next `n` bytes (no copy). */
  bytes(n: number): Uint8Array {
    this.ensure(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /**
   * Like `bytes(n)`, but when the payload is at least `ALIGN_MIN_BYTES` long and misaligned
   * by at most `slack` bytes (the opcode's own header, already consumed and referenced by no
   * value), first moves it down over that header so it starts 8-byte aligned in its
   * ArrayBuffer. Writes into the input: only for an input the caller gave away.
   */
  bytesAligned(n: number, slack: number): Uint8Array {
    this.ensure(n);
    const start = this.pos;
    const shift = (this.buf.byteOffset + start) & 7;
    this.pos += n;
    if (shift === 0 || shift > slack || n < ALIGN_MIN_BYTES) return this.buf.subarray(start, start + n);
    this.buf.copyWithin(start - shift, start, start + n);
    return this.buf.subarray(start - shift, start - shift + n);
  }

  /** Bytes up to (excluding) the next newline, which is consumed. */
  line(): Uint8Array {
    const start = this.pos;
    let i = start;
    const lim = this.frameEnd >= 0 && this.pos < this.frameEnd ? this.frameEnd : this.end;
    const buf = this.buf;
    while (i < lim && buf[i] !== NEWLINE) i++;
    if (i >= lim) {
      if (lim !== this.end) this.fail("PICKLE_BAD_FRAME", "pickle exhausted before end of frame");
      this.fail("PICKLE_TRUNCATED", "pickle data was truncated (no newline)");
    }
    this.pos = i + 1;
    return buf.subarray(start, i);
  }

  /** A text line decoded as ASCII (numbers, indices, protocol-0 names are ASCII or UTF-8). */
  lineText(): string {
    return decodeUtf8(this.line(), this);
  }

  /** Decode `n` UTF-8 bytes with Python's `surrogatepass` semantics. */
  utf8(n: number): string {
    this.ensure(n);
    const start = this.pos;
    const end = start + n;
    const buf = this.buf;
    if (n <= TINY_STR_MAX) {
      const s = tinyAscii(buf, start, n);
      if (s !== null) {
        this.pos = end;
        return s;
      }
    }
    if (nodeAsciiSlice !== null && nodeUtf8Slice !== null) {
      let i = start;
      while (i < end && (buf[i] as number) < 0x80) i++;
      if (i === end) {
        this.pos = end;
        // Native slice, no intermediate view: the common case (keys, names, ASCII cells).
        return nodeAsciiSlice.call(buf, start, end);
      }
      if (validateUtf8(buf, i, end) === UTF8_VALID) {
        this.pos = end;
        // Validated strictly above, so the native (non-validating) decoder is exact here.
        return nodeUtf8Slice.call(buf, start, end);
      }
    }
    this.pos = end;
    return decodeUtf8(buf.subarray(start, end), this);
  }

  /**
   * `utf8(n)` for exact mode: a str whose bytes carry an encoded surrogate becomes a `PyStr` of
   * its exact code points (a JS string would merge a high + low surrogate pair).
   */
  utf8Exact(n: number): string | PyStr {
    this.ensure(n);
    const start = this.pos;
    const end = start + n;
    if (n < 3 || validateUtf8(this.buf, start, end) !== UTF8_SURROGATES) return this.utf8(n);
    this.pos = end;
    const bad = (): never => this.fail("PICKLE_BAD_UTF8", "invalid UTF-8 in string");
    return new PyStr(utf8CodePoints(this.buf, start, end, bad));
  }
}

const UTF8_INVALID = 0;
export const UTF8_VALID = 1;
const UTF8_SURROGATES = 2;

/**
 * Strict UTF-8 check of `b[start..end)`: `UTF8_VALID`, `UTF8_SURROGATES` (valid except for
 * encoded surrogates ED A0..BF xx, which Python's surrogatepass accepts) or `UTF8_INVALID`.
 */
export function validateUtf8(b: Uint8Array, start: number, end: number): number {
  let result = UTF8_VALID;
  let i = start;
  while (i < end) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) min = 0xa0;
      else if (c === 0xed && (b[i + 1] as number) >= 0xa0) result = UTF8_SURROGATES;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) min = 0x90;
      else if (c === 0xf4) max = 0x8f;
    } else return UTF8_INVALID;
    if (i + need >= end) return UTF8_INVALID;
    const c1 = b[i + 1] as number;
    if (c1 < min || c1 > max) return UTF8_INVALID;
    for (let k = 2; k <= need; k++) {
      const ck = b[i + k] as number;
      if ((ck & 0xc0) !== 0x80) return UTF8_INVALID;
    }
    i += need + 1;
  }
  return result;
}

/** Decode latin-1 bytes to a string (each byte one code point). */
export function decodeLatin1(bytes: Uint8Array): string {
  return latin1.decode(bytes);
}

/**
 * UTF-8 → string. ASCII fast path for short strings, the platform's strict decoder for
 * the rest, and a strict manual decoder that additionally accepts encoded surrogates
 * (ED A0..BF xx), as Python's `surrogatepass` does, when the platform decoder refuses.
 */
export function decodeUtf8(bytes: Uint8Array, reader: ByteReader): string {
  const n = bytes.length;
  if (n <= SHORT_STRING_BYTES) {
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if ((bytes[i] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      // String.fromCharCode over a small array beats TextDecoder's call overhead.
      return String.fromCharCode.apply(null, bytes as unknown as number[]);
    }
  }
  try {
    return utf8Fatal.decode(bytes);
  } catch {
    return decodeUtf8SurrogatePass(bytes, reader);
  }
}

function decodeUtf8SurrogatePass(b: Uint8Array, reader: ByteReader): string {
  const bad = (): never => reader.fail("PICKLE_BAD_UTF8", "invalid UTF-8 in string");
  return codePointsString(utf8CodePoints(b, 0, b.length, bad));
}
