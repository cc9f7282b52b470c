/**
 * How the Memcached backend reads replies: shared `ReplyReader` objects (one per command kind), so
 * a request allocates only its pending entry and its promise, and status errors.
 */
import type { ReadMapping } from "../backend.js";
import { Status } from "./binary-protocol.js";
import type { ReplyReader } from "./connection.js";
import { MemcachedBackendError, MemcachedErrorCode } from "./errors.js";
import { storedValue } from "./value-flags.js";

function statusError(status: number, value: Uint8Array, op: string): MemcachedBackendError {
  if (status === Status.valueTooLarge) {
    return new MemcachedBackendError(
      MemcachedErrorCode.valueTooLarge,
      `memcached ${op}: value too large`,
      false,
    );
  }
  const text = Buffer.from(value.buffer, value.byteOffset, value.length).toString("utf8").slice(0, 200);
  return new MemcachedBackendError(
    MemcachedErrorCode.reply,
    `memcached ${op}: status 0x${status.toString(16)} ${text}`,
    false,
  );
}

function rethrow(_context: unknown, err: MemcachedBackendError): never {
  throw err;
}

/**
 * A get's reply: `undefined` for a miss; the value (a view of the received bytes) as is when
 * `raw` (spread chunks), else in the flagged layout unless its flag is 0.
 * @throws MemcachedBackendError for another status
 */
function readGet(raw: boolean, status: number, flags: number, value: Uint8Array): Uint8Array | undefined {
  if (status === Status.keyNotFound) return undefined;
  if (status !== Status.ok) throw statusError(status, value, "get");
  return raw ? value : storedValue(flags, value);
}

/** get: the value or `undefined`; context: `raw` (spread chunks: the bytes as stored). */
export const GET: ReplyReader<boolean, Uint8Array | undefined> = { reply: readGet, error: rethrow };

/** `getMapped`: the mapping applied as the reply is parsed; a failed read goes to `onError`. */
export const MAPPED_GET: ReplyReader<ReadMapping<unknown>, unknown> = {
  reply(mapping, status, flags, value) {
    let bytes: Uint8Array | undefined;
    try {
      bytes = readGet(false, status, flags, value);
    } catch (err) {
      return mapping.onError(err);
    }
    return mapping.map(bytes);
  },
  error: (mapping, err) => mapping.onError(err),
};

/** set/add: stored, or not (`add` of a held key); the context names the operation in errors. */
export const STORE: ReplyReader<string, boolean> = {
  reply(op, status, _flags, value) {
    if (status === Status.ok) return true;
    if (status === Status.keyExists || status === Status.notStored) return false;
    throw statusError(status, value, op);
  },
  error: rethrow,
};

export const DELETE: ReplyReader<undefined, boolean> = {
  reply(_context, status, _flags, value) {
    if (status === Status.ok) return true;
    if (status === Status.keyNotFound) return false;
    throw statusError(status, value, "delete");
  },
  error: rethrow,
};

/** `has`: an empty append succeeds only on a live key. */
export const APPEND: ReplyReader<undefined, boolean> = {
  reply(_context, status, _flags, value) {
    if (status === Status.ok) return true;
    if (status === Status.notStored || status === Status.keyNotFound) return false;
    throw statusError(status, value, "append");
  },
  error: rethrow,
};

export const FLUSH: ReplyReader<undefined, boolean> = {
  reply: (_context, status) => status === Status.ok,
  error: rethrow,
};
