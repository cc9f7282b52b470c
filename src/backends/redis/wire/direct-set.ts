/**
 * `SET key value [EX seconds]` without ioredis's copy: ioredis writes a command with Buffer
 * arguments by concatenating everything into one fresh Buffer (for a 100 KB value an allocation,
 * page faults on fresh memory, and a copy per call; for small values a measurable share of a
 * pipelined set). This command writes the RESP header and the caller's value straight to the
 * corked socket instead and hands ioredis only the trailer, so the socket sends header, value and
 * trailer in one writev. The value may come in parts (a pickle head, the caller's bytes, the
 * pickle tail: `Cache.set` of a large `bytes` value), each written as is. That zero-copy write
 * reads the caller's bytes when the socket sends them, after `set` returned, so it is opt-in
 * (`RedisBackendOptions.zeroCopyWrites`); by default the command is built, copying the value,
 * when it is created: into a reused buffer from a `WriteBufferPool` (write-buffers.ts) when one
 * is given, which the command gives back once ioredis has settled it with a reply or an error.
 * A command timeout rejects the promise without giving the buffer back: the command may still
 * be queued or resent and written from it.
 *
 * The value is written to the socket only when the command is sent with `sendOn(client)` and
 * ioredis calls `toWritable` with that client's socket during that call: then ioredis writes
 * the returned trailer to the same socket right after. Everywhere else `toWritable` returns the
 * whole command as one buffer: inside a pipeline ioredis collects the results to write later,
 * and writing to the socket here would put this command ahead of the batch (ioredis 5.11 passes
 * the real socket there too, so the argument alone cannot tell); likewise an offline-queue flush
 * or a resend after a reconnect. seams.ts checks that `sendCommand` still writes this way.
 */
import type { Socket } from "node:net";
import { type Cluster, Command, Redis } from "ioredis";
import { ioredisTimeoutError, toBuffer } from "./replies.js";
import { commandTimeoutProblem } from "./seams.js";
import type { WriteBufferPool } from "./write-buffers.js";

const CRLF = "\r\n";
/** Arguments handed to ioredis's constructor: none (its argument flattening is skipped; see the constructor). */
const NO_ARGUMENTS: never[] = [];
const UTF8_REPLY = { replyEncoding: "utf8" } as const;
/**
 * Values up to this many bytes are copied into one command buffer: cheaper than corking and
 * writing three chunks. Larger values are written as they are.
 */
const SMALL_VALUE_BYTES = 4 * 1024;
/**
 * A pooled command keeps its buffer through a command timeout only because ioredis arms that
 * timeout with `command.setTimeout` (overridden below); with an ioredis that does not, every
 * command gets a fresh buffer instead.
 */
const TIMEOUT_VIA_COMMAND = commandTimeoutProblem(Redis) === undefined;

function bulk(text: string): string {
  return `$${Buffer.byteLength(text)}${CRLF}${text}${CRLF}`;
}

function isSocket(s: object): s is Socket {
  const socket = s as Partial<Socket>;
  return typeof socket.cork === "function" && typeof socket.write === "function";
}

export class DirectSetCommand extends Command {
  readonly #key: string;
  readonly #parts: readonly Uint8Array[];
  readonly #length: number;
  /** SECONDS; `0` = no `EX` argument. */
  readonly #timeout: number;
  /** The whole command, built at construction (copying the value), unless written zero-copy. */
  readonly #whole: Buffer | undefined;
  /** The socket of the `sendOn` in progress: the only socket this command writes to itself. */
  #sendingTo: object | undefined;
  /** The pool buffer `#whole` is a view of, until ioredis settles the command. */
  #lease: Buffer | undefined;
  #pool: WriteBufferPool | undefined;
  /** ioredis's own reject: settles the promise without giving the buffer back (command timeout). */
  #rejectOnly: ((err: Error) => void) | undefined;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param value the value, or parts whose concatenation is the value
   * @param timeout SECONDS (> 0 adds `EX timeout`; 0 or -1 for none)
   * @param zeroCopy write a large value's parts as they are when the command is sent (the caller
   *   must not change them until the reply); default false: the value is copied here, so the
   *   caller's bytes are not read after this constructor returns
   * @param pool reused buffers to copy into (else a fresh buffer per command)
   */
  constructor(
    key: string,
    value: Uint8Array | readonly Uint8Array[],
    timeout: number,
    zeroCopy = false,
    pool?: WriteBufferPool,
  ) {
    const parts = value instanceof Uint8Array ? [value] : value;
    super("set", NO_ARGUMENTS, UTF8_REPLY);
    // ioredis keeps `args` for its debug log and error details only: this class writes the bytes.
    // Set after construction, which skips ioredis's flattening and per-argument checks.
    this.#key = key;
    this.#length = parts.reduce((n, p) => n + p.length, 0);
    timeout = Math.max(timeout, 0);
    this.#timeout = timeout;
    if (zeroCopy && this.#length > SMALL_VALUE_BYTES) {
      this.#whole = undefined;
      this.#parts = parts;
    } else {
      // A small command is one buffer anyway: building it now costs nothing extra.
      const keyBytes = Buffer.byteLength(key);
      const bytes = commandBytes(keyBytes, this.#length, timeout);
      const lease =
        pool && TIMEOUT_VIA_COMMAND && typeof this.resolve === "function" ? pool.take(bytes) : undefined;
      const out = lease ?? Buffer.allocUnsafe(bytes);
      this.#whole = oneBuffer(key, keyBytes, parts, this.#length, timeout, out);
      this.#parts = [];
      if (lease) this.#hold(lease, pool!);
    }
    const shown = parts.length === 1 ? "<value>" : `<${parts.length} parts>`;
    this.args = timeout > 0 ? [key, shown, "EX", String(timeout)] : [key, shown];
  }

  /**
   * Send on a single-node client, outside any pipeline (ioredis's `sendCommand` with no stream).
   * @returns ioredis's promise of the reply (`"OK"`); rejects as ioredis's `set` does
   */
  sendOn(client: Redis): Promise<unknown> {
    this.#sendingTo = client.stream;
    try {
      return client.sendCommand(this) as Promise<unknown>;
    } finally {
      this.#sendingTo = undefined;
    }
  }

  /**
   * Keep `lease` until ioredis settles the command: its resolve and reject (a reply, an error
   * reply, a flushed queue) give the buffer back. Only a command timeout must not, so this class
   * runs that timer itself (see `setTimeout`).
   */
  #hold(lease: Buffer, pool: WriteBufferPool): void {
    this.#lease = lease;
    this.#pool = pool;
    const resolve = this.resolve;
    const reject = this.reject;
    this.#rejectOnly = reject;
    this.resolve = (result: unknown) => {
      this.#release();
      return resolve(result);
    };
    this.reject = (err: Error) => {
      this.#release();
      reject(err);
    };
  }

  #release(): void {
    const lease = this.#lease;
    if (lease === undefined) return;
    this.#lease = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#pool!.give(lease);
  }

  /**
   * ioredis's command timeout (`commandTimeout`, MILLISECONDS), the same rejection ("Command
   * timed out"), but for a pooled command without giving the buffer back: the command still sits
   * in ioredis's queues and may be written (or resent after a reconnect) from it.
   */
  override setTimeout(ms: number): void {
    if (this.#rejectOnly === undefined) {
      super.setTimeout(ms);
      return;
    }
    if (this.#timer !== undefined || this.#lease === undefined) return;
    const rejectOnly = this.#rejectOnly;
    this.#timer = setTimeout(() => {
      if (!this.isResolved) rejectOnly(ioredisTimeoutError());
    }, ms);
  }

  override toWritable(socket: object): string | Buffer {
    if (this.#whole) return this.#whole;
    // Not our own direct send (a pipeline, a queued or resent command): one buffer.
    if (socket !== this.#sendingTo || !isSocket(socket)) {
      const keyBytes = Buffer.byteLength(this.#key);
      const out = Buffer.allocUnsafe(commandBytes(keyBytes, this.#length, this.#timeout));
      return oneBuffer(this.#key, keyBytes, this.#parts, this.#length, this.#timeout, out);
    }
    const keyBytes = Buffer.byteLength(this.#key);
    const head = Buffer.allocUnsafe(headBytes(keyBytes, this.#length, this.#timeout));
    writeHead(head, this.#key, keyBytes, this.#length, this.#timeout);
    // Corked until the next tick, so ioredis's write of the tail joins the same writev.
    socket.cork();
    socket.write(head);
    for (const part of this.#parts) socket.write(part);
    process.nextTick(uncork, socket);
    return tailOf(this.#timeout);
  }
}

const SET_EX_START = Buffer.from(`*5${CRLF}$3${CRLF}set${CRLF}`);
const SET_START = Buffer.from(`*3${CRLF}$3${CRLF}set${CRLF}`);
const CR = 0x0d;
const LF = 0x0a;
const DOLLAR = 0x24;
const ZERO = 0x30;
// The command's end after the value (`CRLF`, plus `EX <timeout>` when timeout > 0 SECONDS) for
// the last timeout seen: callers nearly always use one timeout. Shared and never written to.
let lastTimeout = 0;
let lastTail = Buffer.from(CRLF);

function tailOf(timeout: number): Buffer {
  if (timeout !== lastTimeout) {
    lastTail = Buffer.from(timeout > 0 ? `${CRLF}${bulk("EX")}${bulk(String(timeout))}` : CRLF);
    lastTimeout = timeout;
  }
  return lastTail;
}

function decimalDigits(n: number): number {
  let digits = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  return digits;
}

/** Bytes of a bulk header `$<n>\r\n`. */
function bulkHeaderBytes(n: number): number {
  return 1 + decimalDigits(n) + CRLF.length;
}

/** `$<n>\r\n` at `at`; returns the offset after it. */
function writeBulkHeader(out: Buffer, at: number, n: number): number {
  out[at] = DOLLAR;
  const end = at + 1 + decimalDigits(n);
  let rest = n;
  for (let i = end - 1; i > at; i--) {
    out[i] = ZERO + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  out[end] = CR;
  out[end + 1] = LF;
  return end + 2;
}

/** Bytes of `*N`, `set`, the key and the value's bulk header. */
function headBytes(keyBytes: number, length: number, timeout: number): number {
  const start = timeout > 0 ? SET_EX_START : SET_START;
  return start.length + bulkHeaderBytes(keyBytes) + keyBytes + CRLF.length + bulkHeaderBytes(length);
}

/** Bytes of the whole command for a value of `length` bytes. */
function commandBytes(keyBytes: number, length: number, timeout: number): number {
  return headBytes(keyBytes, length, timeout) + length + tailOf(timeout).length;
}

/**
 * `*N`, `set`, the key and the value's bulk header, written byte by byte (no template strings or
 * `Buffer.byteLength` of the whole header) at the start of `out`; returns the offset after it.
 */
function writeHead(out: Buffer, key: string, keyBytes: number, length: number, timeout: number): number {
  const start = timeout > 0 ? SET_EX_START : SET_START;
  out.set(start, 0);
  let at = writeBulkHeader(out, start.length, keyBytes);
  at += out.write(key, at);
  out[at++] = CR;
  out[at++] = LF;
  return writeBulkHeader(out, at, length);
}

/**
 * The whole command written into `out` (of at least `commandBytes` bytes; a third of the cost of
 * a 1 KB set's command, against templates). @returns the command's bytes: `out` or a view of it
 */
function oneBuffer(
  key: string,
  keyBytes: number,
  parts: readonly Uint8Array[],
  length: number,
  timeout: number,
  out: Buffer,
): Buffer {
  let at = writeHead(out, key, keyBytes, length, timeout);
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  const tail = tailOf(timeout);
  out.set(tail, at);
  at += tail.length;
  return at === out.length ? out : out.subarray(0, at);
}

function uncork(socket: Socket): void {
  socket.uncork();
}

/**
 * ioredis's own `SET` (one concatenated buffer), `EX` for timeout > 0 SECONDS: for clients a
 * `DirectSetCommand` cannot serve. ioredis may encode the command later (offline queue,
 * auto-pipelining), so the value is copied now unless `zeroCopy`.
 */
export function plainSet(
  c: Redis | Cluster,
  key: string,
  value: Uint8Array | readonly Uint8Array[],
  timeout: number,
  zeroCopy = false,
): Promise<unknown> {
  const bytes = value instanceof Uint8Array ? argumentBytes(value, zeroCopy) : Buffer.concat(value);
  return timeout > 0 ? c.set(key, bytes, "EX", timeout) : c.set(key, bytes);
}

/** A value as an ioredis argument: a copy (`Buffer.from` of a view copies), or with `zeroCopy` a view of the caller's bytes. */
export function argumentBytes(value: Uint8Array, zeroCopy: boolean): Buffer {
  return zeroCopy ? toBuffer(value) : Buffer.from(value);
}
