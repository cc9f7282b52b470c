/**
 * One pipelined binary-protocol connection to one memcached server. Requests are matched to
 * responses in order (checked by opaque). The socket is opened on first use, authenticated with
 * SASL PLAIN when credentials are set, and reopened on the next request after a failure, except
 * within `retryTimeoutSeconds` of a failed connect, when requests fail at once (the server is
 * "dead", as libmemcached marks it).
 *
 * Per request the hot path makes one promise, settled with what the caller's `ReplyReader` makes
 * of the reply as it is parsed; the request is encoded into the connection's `RequestBatch`. A
 * request on an idle connection is written at once; requests issued while others are in flight
 * join one write at the end of the event-loop iteration (`setImmediate`, which runs after the
 * promise continuations of every reply read in this iteration). Timeouts are one 50 ms sweep per
 * connection over the oldest request, not a timer per request.
 */
import { connect, type Socket } from "node:net";
import { Opcode, ResponseFramer, STORAGE_EXTRAS_LENGTH, Status } from "./binary-protocol.js";
import { MemcachedBackendError, MemcachedErrorCode } from "./errors.js";
import { RequestBatch } from "./request-batch.js";

/** Connection settings of one server. */
export interface ConnectionSettings {
  host: string;
  port: number;
  /** SASL PLAIN credentials; `undefined` = no authentication. */
  username?: string | undefined;
  password?: string | undefined;
  /** Milliseconds to connect (and authenticate). */
  connectTimeoutMs: number;
  /** Milliseconds a request may wait for its reply. */
  commandTimeoutMs: number;
  /** Seconds a server that failed to connect is skipped before the next attempt. */
  retryTimeoutSeconds: number;
}

/**
 * What a request's promise settles with: `reply` for a response (any status), `error` when none
 * comes (connection lost, timeout, closed, not connected). A throw from either rejects the promise.
 * Readers are shared objects; `context` is the per-request state they need.
 */
export interface ReplyReader<C, T> {
  reply(context: C, status: number, flags: number, value: Uint8Array): T;
  error(context: C, err: MemcachedBackendError): T;
}

/** How often the oldest request's deadline is checked, MILLISECONDS. */
const SWEEP_INTERVAL_MS = 50;

/** A request waiting for its reply. */
class PendingRequest<C, T> {
  resolve!: (value: T) => void;
  reject!: (err: unknown) => void;

  constructor(
    readonly opaque: number,
    /** MILLISECONDS on `Date.now()`'s clock. */
    readonly deadline: number,
    readonly reader: ReplyReader<C, T>,
    readonly context: C,
  ) {}

  settle(status: number, flags: number, value: Uint8Array): void {
    let out: T;
    try {
      out = this.reader.reply(this.context, status, flags, value);
    } catch (err) {
      this.reject(err);
      return;
    }
    this.resolve(out);
  }

  fail(err: MemcachedBackendError): void {
    let out: T;
    try {
      out = this.reader.error(this.context, err);
    } catch (thrown) {
      this.reject(thrown);
      return;
    }
    this.resolve(out);
  }
}

/** A promise settled at once with `reader`'s answer to `err`. */
function failedRequest<C, T>(reader: ReplyReader<C, T>, context: C, err: MemcachedBackendError): Promise<T> {
  try {
    return Promise.resolve(reader.error(context, err));
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}

/** The SASL reply: ok, or `MEMCACHED_AUTH_FAILED`. */
const SASL_READER: ReplyReader<string, void> = {
  reply(address, status) {
    if (status !== Status.ok) {
      throw new MemcachedBackendError(
        MemcachedErrorCode.auth,
        `memcached ${address}: SASL authentication failed (status 0x${status.toString(16)})`,
        false,
      );
    }
  },
  error(_address, err) {
    throw err;
  },
};

/** A pipelined connection to one server; see the module comment. */
export class MemcachedConnection {
  readonly address: string;
  #socket: Socket | undefined;
  /** `true` once `#socket` is connected and authenticated (requests are sent at once). */
  #connected = false;
  #ready: Promise<void> | undefined;
  #batch = new RequestBatch();
  #flushScheduled = false;
  #pending: PendingRequest<unknown, unknown>[] = [];
  #nextOpaque = 1;
  #deadUntil = 0;
  #closed = false;
  #sweep: NodeJS.Timeout | undefined;

  readonly #settings: ConnectionSettings;

  constructor(settings: ConnectionSettings) {
    // A #private field: util.inspect and JSON.stringify never show the SASL password.
    this.#settings = settings;
    this.address = `${settings.host}:${settings.port}`;
  }

  /**
   * Send a request without extras (get, delete, append, flush) and settle with `reader`'s answer.
   * Never throws: failures (`MEMCACHED_CONNECTION`, `MEMCACHED_TIMEOUT`, `MEMCACHED_AUTH_FAILED`,
   * `MEMCACHED_CLOSED`) go to `reader.error`.
   */
  request<C, T>(
    opcode: number,
    key: string,
    value: Uint8Array | undefined,
    reader: ReplyReader<C, T>,
    context: C,
  ): Promise<T> {
    return this.#submit(opcode, key, 0, 0, 0, value, reader, context);
  }

  /**
   * Send set/add with its extras (client `flags`; `expiry`: 0 = never, else Unix seconds); as `request`.
   * `value` is read until the promise settles (copied at once when up to 16 KiB).
   */
  store<C, T>(
    opcode: number,
    key: string,
    flags: number,
    expiry: number,
    value: Uint8Array,
    reader: ReplyReader<C, T>,
    context: C,
  ): Promise<T> {
    return this.#submit(opcode, key, STORAGE_EXTRAS_LENGTH, flags, expiry, value, reader, context);
  }

  #submit<C, T>(
    opcode: number,
    key: string,
    extrasLength: number,
    flags: number,
    expiry: number,
    value: Uint8Array | undefined,
    reader: ReplyReader<C, T>,
    context: C,
  ): Promise<T> {
    if (this.#connected) return this.#send(opcode, key, extrasLength, flags, expiry, value, reader, context);
    if (this.#closed) {
      const err = new MemcachedBackendError(MemcachedErrorCode.closed, "memcached backend is closed", false);
      return failedRequest(reader, context, err);
    }
    if (!this.#socket) {
      if (Date.now() < this.#deadUntil) {
        const err = new MemcachedBackendError(
          MemcachedErrorCode.connection,
          `memcached ${this.address} is marked dead after a failed connect`,
          true,
        );
        return failedRequest(reader, context, err);
      }
      this.#ready = this.#open();
    }
    return (this.#ready as Promise<void>).then(
      () => this.#send(opcode, key, extrasLength, flags, expiry, value, reader, context),
      (err: MemcachedBackendError) => reader.error(context, err),
    );
  }

  #send<C, T>(
    opcode: number,
    key: string,
    extrasLength: number,
    flags: number,
    expiry: number,
    value: Uint8Array | undefined,
    reader: ReplyReader<C, T>,
    context: C,
  ): Promise<T> {
    const socket = this.#socket;
    if (!socket) {
      const err = new MemcachedBackendError(
        MemcachedErrorCode.connection,
        `memcached ${this.address}: not connected`,
        true,
      );
      return failedRequest(reader, context, err);
    }
    const opaque = this.#nextOpaque;
    this.#nextOpaque = (opaque + 1) >>> 0 || 1;
    const pending = new PendingRequest(opaque, Date.now() + this.#settings.commandTimeoutMs, reader, context);
    const promise = new Promise<T>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
    });
    const batch = this.#batch;
    const idle = this.#pending.length === 0 && batch.empty;
    const holdsCallerBytes = batch.append(opcode, opaque, key, extrasLength, flags, expiry, value);
    this.#pending.push(pending as PendingRequest<unknown, unknown>);
    if (this.#sweep === undefined) this.#sweep = setInterval(this.#expire, SWEEP_INTERVAL_MS).unref();
    // A value the batch holds uncopied (a large one) is written at once, with what is queued
    // before it: batching 64 sets of 100 KB into one write measured slower than one write each.
    if (idle || holdsCallerBytes) batch.flushTo(socket);
    else if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(this.#flush);
    }
    return promise;
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    if (this.#socket) this.#batch.flushTo(this.#socket);
  };

  async #open(): Promise<void> {
    const { host, port, connectTimeoutMs } = this.#settings;
    const socket = connect({ host, port, noDelay: true });
    this.#socket = socket;
    this.#batch = new RequestBatch();
    const framer = new ResponseFramer({
      onResponse: (_opcode, status, opaque, flags, value) =>
        this.#onResponse(socket, status, opaque, flags, value),
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        framer.push(chunk);
      } catch (err) {
        this.#fail(socket, err instanceof Error ? err.message : String(err), MemcachedErrorCode.reply);
      }
    });
    socket.on("error", (err) => this.#fail(socket, err.message));
    socket.on("close", () => this.#fail(socket, "connection closed"));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new MemcachedBackendError(
                MemcachedErrorCode.timeout,
                `memcached ${this.address}: connect timed out after ${connectTimeoutMs} ms`,
                true,
              ),
            ),
          connectTimeoutMs,
        );
        socket.once("connect", () => {
          clearTimeout(timer);
          resolve();
        });
        socket.once("error", (err) => {
          clearTimeout(timer);
          reject(
            new MemcachedBackendError(
              MemcachedErrorCode.connection,
              `memcached ${this.address}: ${err.message}`,
              true,
            ),
          );
        });
      });
      if (this.#settings.username !== undefined) await this.#authenticate();
    } catch (err) {
      this.#deadUntil = Date.now() + this.#settings.retryTimeoutSeconds * 1000;
      this.#fail(socket, err instanceof Error ? err.message : String(err));
      throw err;
    }
    if (this.#socket === socket) this.#connected = true;
  }

  #authenticate(): Promise<void> {
    const credentials = Buffer.from(
      `\0${this.#settings.username ?? ""}\0${this.#settings.password ?? ""}`,
      "utf8",
    );
    return this.#send(Opcode.saslAuth, "PLAIN", 0, 0, 0, credentials, SASL_READER, this.address);
  }

  #onResponse(socket: Socket, status: number, opaque: number, flags: number, value: Uint8Array): void {
    if (this.#socket !== socket) return;
    const pending = this.#pending.shift();
    if (!pending) return;
    if (pending.opaque !== opaque) {
      pending.fail(
        new MemcachedBackendError(
          MemcachedErrorCode.reply,
          `memcached ${this.address}: reply out of order`,
          true,
        ),
      );
      this.#fail(socket, "reply out of order", MemcachedErrorCode.reply);
      return;
    }
    pending.settle(status, flags, value);
  }

  readonly #expire = (): void => {
    const first = this.#pending[0];
    if (!first) {
      clearInterval(this.#sweep);
      this.#sweep = undefined;
      return;
    }
    if (Date.now() >= first.deadline && this.#socket) {
      this.#fail(
        this.#socket,
        `no reply within ${this.#settings.commandTimeoutMs} ms`,
        MemcachedErrorCode.timeout,
      );
    }
  };

  /** Drop `socket` (if still current) and fail everything waiting on it. */
  #fail(
    socket: Socket,
    reason: string,
    code:
      | "MEMCACHED_CONNECTION"
      | "MEMCACHED_TIMEOUT"
      | "MEMCACHED_REPLY_ERROR" = MemcachedErrorCode.connection,
  ): void {
    if (this.#socket !== socket) return;
    this.#socket = undefined;
    this.#connected = false;
    this.#ready = undefined;
    this.#batch.clear();
    socket.destroy();
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending)
      p.fail(new MemcachedBackendError(code, `memcached ${this.address}: ${reason}`, true));
  }

  /** Close the socket and fail waiting requests. Idempotent. */
  close(): void {
    this.#closed = true;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = undefined;
    if (this.#socket) this.#fail(this.#socket, "closed");
  }
}
