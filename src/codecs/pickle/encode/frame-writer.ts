/**
 * The byte sink of the pickle encoder. It reproduces how CPython's C pickler (`_pickle.c`)
 * lays out protocol 4/5 output, so our bytes can be identical to Python's (protocols 0 and 2
 * have no frames: the encoder never calls `startFraming` for them):
 *
 * - a frame starts at the first write after the previous one was committed (we open it right
 *   away: a frame that stays empty loses its reserved bytes, so the output is the same);
 * - before each object is saved, a frame holding ≥ 64 KiB is committed (`opcodeBoundary`);
 * - a committed frame gets the `FRAME` header (0x95 + u64 LE length) only if it holds ≥ 4
 *   bytes, otherwise its 9 reserved bytes are removed;
 * - str/bytes payloads of ≥ 64 KiB are written outside any frame.
 */

import { Op } from "../opcodes.js";

/** Frame size after which CPython commits a frame (`FRAME_SIZE_TARGET`), bytes. */
export const FRAME_SIZE_TARGET = 64 * 1024;
/** Frames smaller than this are written without a FRAME header (`FRAME_SIZE_MIN`), bytes. */
export const FRAME_SIZE_MIN = 4;
/** FRAME opcode + u64 length. */
export const FRAME_HEADER_SIZE = 9;
const INITIAL_CAPACITY = 256;
const NEWLINE = 0x0a;
/** Below this size the finished pickle is always copied (Buffer.allocUnsafe pools small buffers). */
const MIN_HANDOVER_BYTES = 64 * 1024;
/** Payloads up to this many bytes are copied byte by byte (see `payloadRange`). */
const SHORT_COPY_BYTES = 32;
/** Bit set in a UTF-16 code unit outside ASCII (any bit of 0xff80). */
const NON_ASCII_BITS = 0xff80;

/** A growable byte buffer with CPython-compatible framing. */
export class FrameWriter {
  private buf: Buffer;
  private view: DataView;
  private len = 0;
  /** Offset of the open frame's reserved header, or -1 when no frame is open. */
  private frameStart = -1;
  /** `opcodeBoundary` commits the open frame once `len` reaches this (Infinity: no frame). */
  private commitAt = Number.POSITIVE_INFINITY;

  /** Framing starts switched off so PROTO lands outside any frame; see `startFraming`. */
  private framing = false;

  constructor() {
    this.buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** From now on, group writes into frames (protocol ≥ 4, after PROTO). */
  startFraming(): void {
    this.framing = true;
    this.openFrame();
  }

  /** Call before saving each object: commits a frame that already holds ≥ 64 KiB. */
  opcodeBoundary(): void {
    if (this.len >= this.commitAt) {
      this.commitFrame();
      this.openFrame();
    }
  }

  /** Reserves the header of a new frame (framing on, none open). */
  private openFrame(): void {
    if (!this.framing || this.frameStart !== -1) return;
    this.grow(FRAME_HEADER_SIZE);
    this.frameStart = this.len;
    this.len += FRAME_HEADER_SIZE;
    this.commitAt = this.len + FRAME_SIZE_TARGET;
  }

  /** Closes the open frame (writes its header or drops the reserved space). */
  private commitFrame(): void {
    if (this.frameStart === -1) return;
    const size = this.len - this.frameStart - FRAME_HEADER_SIZE;
    if (size >= FRAME_SIZE_MIN) {
      this.buf[this.frameStart] = Op.FRAME;
      this.view.setBigUint64(this.frameStart + 1, BigInt(size), true);
    } else {
      this.buf.copyWithin(this.frameStart, this.frameStart + FRAME_HEADER_SIZE, this.len);
      this.len -= FRAME_HEADER_SIZE;
    }
    this.frameStart = -1;
    this.commitAt = Number.POSITIVE_INFINITY;
  }

  /**
   * Writes a length-prefixed payload: `op` + length (`lengthBytes` LE) + data. A payload of
   * ≥ 64 KiB goes outside any frame, as in CPython.
   */
  payload(op: number, lengthBytes: 1 | 4 | 8, data: Uint8Array): void {
    this.payloadRange(op, lengthBytes, data, 0, data.length);
  }

  /** `payload` of `data[start, end)`, without a subarray per call (string columns' cells). */
  payloadRange(op: number, lengthBytes: 1 | 4 | 8, data: Uint8Array, start: number, end: number): void {
    const n = end - start;
    const bypass = this.framing && n >= FRAME_SIZE_TARGET;
    if (bypass) {
      this.commitFrame();
      this.framing = false;
    }
    const at = this.reserve(1 + lengthBytes + n) + 1 + lengthBytes;
    this.writeHeader(at - 1 - lengthBytes, op, lengthBytes, n);
    const buf = this.buf;
    // Short cells: a byte loop beats the native copy's call overhead.
    if (n <= SHORT_COPY_BYTES) for (let i = 0; i < n; i++) buf[at + i] = data[start + i] as number;
    else buf.set(start === 0 && end === data.length ? data : data.subarray(start, end), at);
    if (bypass) this.resumeFraming();
  }

  /** After a payload written outside any frame: back to framing, in a new frame. */
  private resumeFraming(): void {
    this.framing = true;
    this.openFrame();
  }

  /** Like `payload` for a string already known to be well-formed UTF-16 (encoded in place). */
  utf8Payload(op: number, lengthBytes: 1 | 4 | 8, text: string, byteLength: number): void {
    const bypass = this.framing && byteLength >= FRAME_SIZE_TARGET;
    if (bypass) {
      this.commitFrame();
      this.framing = false;
    }
    const at = this.reserve(1 + lengthBytes + byteLength);
    this.writeHeader(at, op, lengthBytes, byteLength);
    this.buf.write(text, at + 1 + lengthBytes, byteLength, "utf8");
    if (bypass) this.resumeFraming();
  }

  /**
   * Writes `op` + u8 length + `text` if `text` (≤ 255 chars) is pure ASCII and returns true;
   * returns false, writing nothing, otherwise. Cheaper than a UTF-8 encoder call for the short
   * keys and labels that make up most of a JSON-like payload.
   */
  shortAscii(op: number, text: string): boolean {
    const n = text.length;
    const at = this.len;
    this.grow(2 + n);
    const buf = this.buf;
    // One pass: copy while testing; on a non-ASCII char the bytes past `len` are just dropped.
    let bits = 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      bits |= c;
      buf[at + 2 + i] = c;
    }
    if ((bits & NON_ASCII_BITS) !== 0) return false;
    buf[at] = op;
    buf[at + 1] = n;
    this.len = at + 2 + n;
    return true;
  }

  private writeHeader(at: number, op: number, lengthBytes: 1 | 4 | 8, length: number): void {
    this.buf[at] = op;
    if (lengthBytes === 1) this.buf[at + 1] = length;
    else if (lengthBytes === 4) this.view.setUint32(at + 1, length, true);
    else this.view.setBigUint64(at + 1, BigInt(length), true);
  }

  /** Reserves `n` bytes (inside the open frame, if any) and returns the offset to write at. */
  private reserve(n: number): number {
    const at = this.len;
    if (at + n > this.buf.length) this.grow(n);
    this.len = at + n;
    return at;
  }

  /** Makes room for `n` more bytes after `len`. */
  private grow(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  byte(b: number): void {
    const at = this.reserve(1);
    this.buf[at] = b;
  }

  /** Opcode followed by one unsigned byte. */
  op1(op: number, b: number): void {
    const at = this.reserve(2);
    this.buf[at] = op;
    this.buf[at + 1] = b;
  }

  /** Opcode followed by a u16 LE. */
  opU16(op: number, v: number): void {
    const at = this.reserve(3);
    this.buf[at] = op;
    this.view.setUint16(at + 1, v, true);
  }

  /** Opcode followed by an s32 LE. */
  opI32(op: number, v: number): void {
    const at = this.reserve(5);
    this.buf[at] = op;
    this.view.setInt32(at + 1, v, true);
  }

  /** Opcode followed by a u32 LE. */
  opU32(op: number, v: number): void {
    const at = this.reserve(5);
    this.buf[at] = op;
    this.view.setUint32(at + 1, v, true);
  }

  /** Opcode followed by an IEEE-754 double, big-endian (BINFLOAT). */
  opF64BE(op: number, v: number): void {
    const at = this.reserve(9);
    this.buf[at] = op;
    this.view.setFloat64(at + 1, v, false);
  }

  /**
   * Opcode, then `text` one byte per char (callers pass ASCII or Latin-1), then "\n": the
   * line-ended arguments of protocol 0's text opcodes (INT, LONG, FLOAT, GLOBAL, PUT, GET).
   */
  textLine(op: number, text: string): void {
    const n = text.length;
    const at = this.reserve(n + 2);
    const buf = this.buf;
    buf[at] = op;
    for (let i = 0; i < n; i++) buf[at + 1 + i] = text.charCodeAt(i);
    buf[at + 1 + n] = NEWLINE;
  }

  /** Opcode, then `data`, then "\n" (protocol 0's UNICODE). */
  dataLine(op: number, data: Uint8Array): void {
    const at = this.reserve(data.length + 2);
    this.buf[at] = op;
    this.buf.set(data, at + 1);
    this.buf[at + 1 + data.length] = NEWLINE;
  }

  bytes(data: Uint8Array): void {
    const at = this.reserve(data.length);
    this.buf.set(data, at);
  }

  /** Commits the last frame and returns the finished pickle (a copy sized to fit). */
  finish(): Buffer {
    this.framing = false;
    this.commitFrame();
    // Hand the buffer over when it is mostly used (large pickles: saves a full copy); copy
    // small or sparse ones so no oversized buffer is kept alive.
    if (this.len >= MIN_HANDOVER_BYTES && this.len * 2 >= this.buf.length)
      return this.buf.subarray(0, this.len);
    return Buffer.from(this.buf.subarray(0, this.len));
  }
}
