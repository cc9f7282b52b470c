/**
 * The memcached binary protocol's frames (protocol_binary.h): 24-byte headers, request headers
 * written into a caller's buffer, and an incremental response framer that hands each frame's
 * fields to a sink without building an object per frame. Binary is used for every server, with
 * or without SASL, so one parser serves both; stored bytes do not depend on the protocol.
 */

import { MemcachedBackendError, MemcachedErrorCode } from "./errors.js";

/** Opcodes used by the backend. */
export const Opcode = {
  get: 0x00,
  set: 0x01,
  add: 0x02,
  delete: 0x04,
  increment: 0x05,
  flush: 0x08,
  noop: 0x0a,
  append: 0x0e,
  saslAuth: 0x21,
} as const;

/** Response status codes (protocol_binary_response_status). */
export const Status = {
  ok: 0x00,
  keyNotFound: 0x01,
  keyExists: 0x02,
  valueTooLarge: 0x03,
  invalidArguments: 0x04,
  notStored: 0x05,
  authError: 0x20,
} as const;

const REQUEST_MAGIC = 0x80;
const RESPONSE_MAGIC = 0x81;
/** Header length of every binary-protocol frame. */
export const HEADER_LENGTH = 24;
/** Extras of set/add: the 32-bit client flags and the 32-bit expiry. */
export const STORAGE_EXTRAS_LENGTH = 8;
/**
 * Longest response body a memcached server can send, BYTES: its largest item (`-I` is at most
 * 1024m) plus extras and key. A header announcing more is not a memcached reply.
 */
const MAX_BODY_BYTES = 1024 * 1024 * 1024 + 1024;

/**
 * Write a request header at `at` in `target`: magic, opcode, key and extras lengths, the body
 * length (extras + key + value), the opaque; data type, vbucket and CAS zero.
 */
export function writeRequestHeader(
  target: Buffer,
  at: number,
  opcode: number,
  keyLength: number,
  extrasLength: number,
  valueLength: number,
  opaque: number,
): void {
  target[at] = REQUEST_MAGIC;
  target[at + 1] = opcode;
  target.writeUInt16BE(keyLength, at + 2);
  target[at + 4] = extrasLength;
  target[at + 5] = 0;
  target.writeUInt16BE(0, at + 6);
  target.writeUInt32BE(extrasLength + keyLength + valueLength, at + 8);
  target.writeUInt32BE(opaque >>> 0, at + 12);
  target.fill(0, at + 16, at + HEADER_LENGTH);
}

/** Where the framer delivers each complete response. */
export interface ResponseSink {
  /**
   * One response frame, in stream order.
   * @param flags the first 4 extras bytes as a big-endian word (a get's client flags), else 0
   * @param value the bytes after extras and key: a view of the received bytes (empty when none)
   */
  onResponse(opcode: number, status: number, opaque: number, flags: number, value: Uint8Array): void;
}

const NO_BYTES = new Uint8Array(0);

/** Incremental response parser: feed socket chunks; every complete frame goes to the sink. */
export class ResponseFramer {
  /** Bytes of a frame cut by the end of a chunk, waiting for the rest. */
  #partial: Buffer[] = [];
  #partialBytes = 0;
  /** Length (header + body) of the cut frame; 0 until its header is complete. */
  #partialTotal = 0;

  constructor(private readonly sink: ResponseSink) {}

  /**
   * Parse `chunk` and deliver every response now complete (a throw from the sink propagates).
   * @throws MemcachedBackendError `MEMCACHED_REPLY_ERROR` when the stream is not binary-protocol responses
   */
  push(chunk: Buffer): void {
    let at = 0;
    if (this.#partialBytes > 0) {
      at = this.#completePartial(chunk);
      if (at < 0) return;
    }
    const end = chunk.length;
    while (end - at >= HEADER_LENGTH) {
      const total = frameLength(chunk, at);
      if (end - at < total) break;
      this.#deliver(chunk, at, total);
      at += total;
    }
    if (at < end) {
      // A short reply that is not binary fails now, not when the command times out.
      checkMagic(chunk, at);
      this.#partial.push(chunk.subarray(at));
      this.#partialBytes = end - at;
      if (this.#partialBytes >= HEADER_LENGTH) this.#partialTotal = frameLength(chunk, at);
    }
  }

  /**
   * Add the start of `chunk` to the cut frame; deliver it when complete (copied into one buffer
   * of its own, so only the cut frame's bytes are copied).
   * @returns where the next frame starts in `chunk`, or -1 when `chunk` was used up
   */
  #completePartial(chunk: Buffer): number {
    if (this.#partialTotal === 0) {
      const missing = HEADER_LENGTH - this.#partialBytes;
      if (chunk.length < missing) {
        this.#partial.push(chunk);
        this.#partialBytes += chunk.length;
        return -1;
      }
      const header = Buffer.concat([...this.#partial, chunk.subarray(0, missing)], HEADER_LENGTH);
      this.#partialTotal = frameLength(header, 0);
    }
    const need = this.#partialTotal - this.#partialBytes;
    if (chunk.length < need) {
      this.#partial.push(chunk);
      this.#partialBytes += chunk.length;
      return -1;
    }
    this.#partial.push(chunk.subarray(0, need));
    const frame = Buffer.concat(this.#partial, this.#partialTotal);
    this.#partial = [];
    this.#partialBytes = 0;
    this.#partialTotal = 0;
    this.#deliver(frame, 0, frame.length);
    return need;
  }

  #deliver(data: Buffer, at: number, total: number): void {
    const keyLength = data.readUInt16BE(at + 2);
    const extrasLength = data[at + 4]!;
    const valueStart = HEADER_LENGTH + extrasLength + keyLength;
    if (valueStart > total) {
      throw new MemcachedBackendError(
        MemcachedErrorCode.reply,
        "response extras and key exceed its body",
        true,
      );
    }
    const value =
      total > valueStart
        ? new Uint8Array(data.buffer, data.byteOffset + at + valueStart, total - valueStart)
        : NO_BYTES;
    this.sink.onResponse(
      data[at + 1]!,
      data.readUInt16BE(at + 6),
      data.readUInt32BE(at + 12),
      extrasLength >= 4 ? data.readUInt32BE(at + HEADER_LENGTH) : 0,
      value,
    );
  }
}

/**
 * Header + body length of the frame at `at` (its header is there).
 * @throws MemcachedBackendError `MEMCACHED_REPLY_ERROR` on a bad magic byte or a body no server can send
 */
function frameLength(data: Buffer, at: number): number {
  checkMagic(data, at);
  const bodyLength = data.readUInt32BE(at + 8);
  if (bodyLength > MAX_BODY_BYTES) {
    throw new MemcachedBackendError(
      MemcachedErrorCode.reply,
      `response body of ${bodyLength} bytes is longer than any memcached item`,
      true,
    );
  }
  return HEADER_LENGTH + bodyLength;
}

/** @throws MemcachedBackendError `MEMCACHED_REPLY_ERROR` unless a response frame starts at `at` */
function checkMagic(data: Buffer, at: number): void {
  if (data[at] !== RESPONSE_MAGIC) {
    const magic = (data[at] ?? 0).toString(16);
    throw new MemcachedBackendError(MemcachedErrorCode.reply, `bad response magic 0x${magic}`, true);
  }
}
