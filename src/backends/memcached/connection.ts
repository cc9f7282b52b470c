/**
 * One pipelined binary-protocol connection to one memcached server. Requests are written as
 * they come and matched to responses in order (checked by opaque). The socket is opened on
 * first use, authenticated with SASL PLAIN when credentials are set, and reopened on the next
 * request after a failure, except within `retryTimeoutSeconds` of a failed connect, when
 * requests fail at once (the server is "dead", as libmemcached marks it).
 */
import { connect, type Socket } from "node:net";
import { encodeRequest, Opcode, type Response, ResponseFramer, Status } from "./binary-protocol.js";
import { MemcachedBackendError, MemcachedErrorCode } from "./errors.js";

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

interface Pending {
  opaque: number;
  resolve: (response: Response) => void;
  reject: (error: MemcachedBackendError) => void;
  deadline: number;
}

const SWEEP_INTERVAL_MS = 50;

/** A pipelined connection to one server; see the module comment. */
export class MemcachedConnection {
  readonly address: string;
  #socket: Socket | undefined;
  #ready: Promise<void> | undefined;
  #framer = new ResponseFramer();
  #pending: Pending[] = [];
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
   * Send one request and wait for its response (any status).
   * @throws MemcachedBackendError `MEMCACHED_CONNECTION`, `MEMCACHED_TIMEOUT`, `MEMCACHED_AUTH_FAILED`,
   *   `MEMCACHED_CLOSED`
   */
  async request(
    opcode: number,
    key: Buffer,
    extras: Buffer | undefined,
    value: readonly Uint8Array[],
  ): Promise<Response> {
    if (this.#closed)
      throw new MemcachedBackendError(MemcachedErrorCode.closed, "memcached backend is closed", false);
    if (!this.#socket) {
      if (Date.now() < this.#deadUntil) {
        throw new MemcachedBackendError(
          MemcachedErrorCode.connection,
          `memcached ${this.address} is marked dead after a failed connect`,
          true,
        );
      }
      this.#ready = this.#open();
    }
    await this.#ready;
    return this.#send(opcode, key, extras, value);
  }

  #send(
    opcode: number,
    key: Buffer,
    extras: Buffer | undefined,
    value: readonly Uint8Array[],
  ): Promise<Response> {
    const socket = this.#socket;
    if (!socket)
      throw new MemcachedBackendError(
        MemcachedErrorCode.connection,
        `memcached ${this.address}: not connected`,
        true,
      );
    const opaque = this.#nextOpaque;
    this.#nextOpaque = (this.#nextOpaque + 1) >>> 0 || 1;
    return new Promise<Response>((resolve, reject) => {
      this.#pending.push({ opaque, resolve, reject, deadline: Date.now() + this.#settings.commandTimeoutMs });
      if (!this.#sweep) this.#sweep = setInterval(() => this.#expire(), SWEEP_INTERVAL_MS).unref();
      const frame = encodeRequest(opcode, opaque, key, extras, value);
      if (frame.length === 1) socket.write(frame[0] as Buffer);
      else {
        socket.cork();
        for (const part of frame) socket.write(part);
        socket.uncork();
      }
    });
  }

  async #open(): Promise<void> {
    const { host, port, connectTimeoutMs } = this.#settings;
    const socket = connect({ host, port, noDelay: true });
    this.#socket = socket;
    this.#framer = new ResponseFramer();
    socket.on("data", (chunk: Buffer) => this.#onData(socket, chunk));
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
  }

  async #authenticate(): Promise<void> {
    const credentials = Buffer.from(
      `\0${this.#settings.username ?? ""}\0${this.#settings.password ?? ""}`,
      "utf8",
    );
    const response = await this.#send(Opcode.saslAuth, Buffer.from("PLAIN"), undefined, [credentials]);
    if (response.status !== Status.ok) {
      throw new MemcachedBackendError(
        MemcachedErrorCode.auth,
        `memcached ${this.address}: SASL authentication failed (status 0x${response.status.toString(16)})`,
        false,
      );
    }
  }

  #onData(socket: Socket, chunk: Buffer): void {
    let responses: Response[];
    try {
      responses = this.#framer.push(chunk);
    } catch (err) {
      this.#fail(socket, err instanceof Error ? err.message : String(err), MemcachedErrorCode.reply);
      return;
    }
    for (const response of responses) {
      const pending = this.#pending.shift();
      if (!pending) continue;
      if (pending.opaque !== response.opaque) {
        pending.reject(
          new MemcachedBackendError(
            MemcachedErrorCode.reply,
            `memcached ${this.address}: reply out of order`,
            true,
          ),
        );
        this.#fail(socket, "reply out of order", MemcachedErrorCode.reply);
        return;
      }
      pending.resolve(response);
    }
  }

  #expire(): void {
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
  }

  /** Drop `socket` (if still current) and reject everything waiting on it. */
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
    this.#ready = undefined;
    socket.destroy();
    const pending = this.#pending;
    this.#pending = [];
    for (const p of pending)
      p.reject(new MemcachedBackendError(code, `memcached ${this.address}: ${reason}`, true));
  }

  /** Close the socket and reject waiting requests. Idempotent. */
  close(): void {
    this.#closed = true;
    if (this.#sweep) clearInterval(this.#sweep);
    this.#sweep = undefined;
    if (this.#socket) this.#fail(this.#socket, "closed");
  }
}
