/**
 * The requests of one connection encoded back to back into one buffer, so the requests issued in
 * one event-loop iteration leave in one socket write. A write per request costs a syscall each
 * (at 64 requests in flight that was most of a 1 KB command's CPU time), and writing a request
 * as separate header, key and value buffers costs Node's writev bookkeeping per buffer.
 *
 * Values up to `COPIED_VALUE_BYTES` are copied into the buffer (the caller's bytes are free when
 * the call returns); larger ones are written from the caller's bytes, after the header bytes in
 * front of them. The buffer is reused once the socket has handed every byte to the kernel;
 * while the socket still holds some of it, later requests go after them, then into a new buffer.
 */
import type { Socket } from "node:net";
import { HEADER_LENGTH, writeRequestHeader } from "./binary-protocol.js";

/** Values up to this many bytes are copied into the request buffer; larger ones are not copied. */
export const COPIED_VALUE_BYTES = 16 * 1024;
/** Size of a connection's request buffer, BYTES (larger for a single request that needs more). */
const BUFFER_BYTES = 128 * 1024;

/** Requests waiting to be written on one connection; see the module comment. */
export class RequestBatch {
  /** Allocated by the first request (a connection that never sends holds none). */
  #buffer: Buffer = Buffer.alloc(0);
  /** `#buffer[#start, #end)`: encoded bytes not yet given to the socket or to `#parts`. */
  #start = 0;
  #end = 0;
  /** Bytes to write before `#buffer[#start, #end)`, in order: earlier buffer bytes and large values. */
  #parts: Uint8Array[] = [];

  /** `true` when nothing waits to be written. */
  get empty(): boolean {
    return this.#end === this.#start && this.#parts.length === 0;
  }

  /**
   * Encode one request at the end of the batch.
   * @param key written as UTF-8 (the caller has checked it: at most 250 bytes)
   * @param extrasLength 0, or 8 for set/add (then `flags` and `expiry` are written as extras)
   * @returns `true` when the batch holds the caller's `value` itself (not copied: write it soon)
   */
  append(
    opcode: number,
    opaque: number,
    key: string,
    extrasLength: number,
    flags: number,
    expiry: number,
    value: Uint8Array | undefined,
  ): boolean {
    const valueLength = value === undefined ? 0 : value.length;
    const copied = valueLength <= COPIED_VALUE_BYTES;
    // A UTF-16 unit is at most 3 bytes of UTF-8: room for the key before its length is known.
    this.#reserve(HEADER_LENGTH + extrasLength + 3 * key.length + (copied ? valueLength : 0));
    const b = this.#buffer;
    const headerAt = this.#end;
    let at = headerAt + HEADER_LENGTH;
    if (extrasLength > 0) {
      b.writeUInt32BE(flags >>> 0, at);
      b.writeUInt32BE(expiry >>> 0, at + 4);
      at += extrasLength;
    }
    const keyLength = key.length === 0 ? 0 : b.write(key, at, "utf8");
    at += keyLength;
    writeRequestHeader(b, headerAt, opcode, keyLength, extrasLength, valueLength, opaque);
    if (value !== undefined && valueLength > 0) {
      if (!copied) {
        this.#parts.push(b.subarray(this.#start, at), value);
        this.#start = this.#end = at;
        return true;
      }
      b.set(value, at);
      at += valueLength;
    }
    this.#end = at;
    return false;
  }

  /** Room for `bytes` more at `#end`: a new buffer when the current one is full. */
  #reserve(bytes: number): void {
    if (this.#end + bytes <= this.#buffer.length) return;
    if (this.#end > this.#start) this.#parts.push(this.#buffer.subarray(this.#start, this.#end));
    this.#buffer = Buffer.allocUnsafeSlow(Math.max(BUFFER_BYTES, bytes));
    this.#start = this.#end = 0;
  }

  /** Write everything appended to `socket` (one write, or one corked sequence) and empty the batch. */
  flushTo(socket: Socket): void {
    const parts = this.#parts;
    if (parts.length === 0) {
      if (this.#end === this.#start) return;
      socket.write(this.#buffer.subarray(this.#start, this.#end));
    } else {
      if (this.#end > this.#start) parts.push(this.#buffer.subarray(this.#start, this.#end));
      this.#parts = [];
      socket.cork();
      for (const part of parts) socket.write(part);
      socket.uncork();
    }
    // Nothing left in the socket's queue: the kernel has every byte, the buffer is free again.
    // Otherwise the queue still reads from it, so later requests go after those bytes.
    if (socket.writableLength === 0) this.#end = 0;
    this.#start = this.#end;
  }

  /** Drop what was not written (the connection failed). */
  clear(): void {
    this.#parts = [];
    this.#start = this.#end;
  }
}
