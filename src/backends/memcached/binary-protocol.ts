/**
 * The memcached binary protocol's frames (protocol_binary.h): 24-byte headers, request
 * encoding and an incremental response framer. Binary is used for every server, with or
 * without SASL, so one parser serves both; stored bytes do not depend on the protocol.
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

/** One decoded response frame. */
export interface Response {
  opcode: number;
  status: number;
  opaque: number;
  extras: Buffer;
  key: Buffer;
  value: Buffer;
}

/**
 * A request frame as buffers ready for `socket.write` (the value is not copied).
 * @param extras opcode-specific extras (set/add: flags + expiry)
 */
export function encodeRequest(
  opcode: number,
  opaque: number,
  key: Buffer,
  extras: Buffer | undefined,
  value: readonly Uint8Array[],
): Buffer[] {
  const extrasLength = extras?.length ?? 0;
  let valueLength = 0;
  for (const part of value) valueLength += part.length;
  const header = Buffer.allocUnsafe(HEADER_LENGTH);
  header[0] = REQUEST_MAGIC;
  header[1] = opcode;
  header.writeUInt16BE(key.length, 2);
  header[4] = extrasLength;
  header[5] = 0;
  header.writeUInt16BE(0, 6);
  header.writeUInt32BE(extrasLength + key.length + valueLength, 8);
  header.writeUInt32BE(opaque >>> 0, 12);
  header.fill(0, 16, 24);
  const frame: Buffer[] = [header];
  if (extras) frame.push(extras);
  if (key.length > 0) frame.push(key);
  for (const part of value)
    if (part.length > 0) frame.push(Buffer.from(part.buffer, part.byteOffset, part.length));
  return frame;
}

/** Set/add extras: the 32-bit client flags and the 32-bit expiry (0 = never, else Unix seconds). */
export function storageExtras(flags: number, expiry: number): Buffer {
  const extras = Buffer.allocUnsafe(8);
  extras.writeUInt32BE(flags >>> 0, 0);
  extras.writeUInt32BE(expiry >>> 0, 4);
  return extras;
}

/** Incremental response parser: feed socket chunks, get whole frames. */
export class ResponseFramer {
  #chunks: Buffer[] = [];
  #buffered = 0;

  /**
   * Append `chunk` and return every response now complete.
   * @throws MemcachedBackendError `MEMCACHED_REPLY_ERROR` when the stream is not binary-protocol responses
   */
  push(chunk: Buffer): Response[] {
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const out: Response[] = [];
    for (;;) {
      if (this.#buffered < HEADER_LENGTH) return out;
      let data = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
      this.#chunks = [data];
      if (data[0] !== RESPONSE_MAGIC)
        if (data[0] !== RESPONSE_MAGIC) {
          const magic = (data[0] ?? 0).toString(16);
          throw new MemcachedBackendError(MemcachedErrorCode.reply, `bad response magic 0x${magic}`, true);
        }
      const bodyLength = data.readUInt32BE(8);
      const total = HEADER_LENGTH + bodyLength;
      if (this.#buffered < total) return out;
      const keyLength = data.readUInt16BE(2);
      const extrasLength = data[4] ?? 0;
      const extrasEnd = HEADER_LENGTH + extrasLength;
      out.push({
        opcode: data[1] ?? 0,
        status: data.readUInt16BE(6),
        opaque: data.readUInt32BE(12),
        extras: data.subarray(HEADER_LENGTH, extrasEnd),
        key: data.subarray(extrasEnd, extrasEnd + keyLength),
        value: data.subarray(extrasEnd + keyLength, total),
      });
      data = data.subarray(total);
      this.#buffered -= total;
      this.#chunks = this.#buffered === 0 ? [] : [data];
    }
  }
}
