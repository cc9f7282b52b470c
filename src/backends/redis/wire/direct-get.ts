/**
 * `GET key` without ioredis's per-command machinery. ioredis's `getBuffer` builds an options
 * object, flattens and checks its arguments, wraps its promise in three closures, arms a timer
 * per command for `commandTimeout`, builds the request text on every write, and the backend then
 * maps the reply in a second promise. This command builds its request once, times out through
 * its connection's `CommandDeadlines` (one timer for all commands in flight, same rejection),
 * and its single promise settles with what the backend returns: a view of the reply bytes,
 * `undefined` for nil, or the backend's typed error.
 *
 * It relies on ioredis's `Command` calling `initPromise()` from its constructor, on
 * `Redis#sendCommand` calling `command.setTimeout(commandTimeout)` and writing
 * `command.toWritable(stream)`, and on a command being settled through `command.resolve(reply)`
 * / `command.reject(err)` called as methods (the Redis client and its reply handler do; a
 * Cluster does not, so this command is only sent on single-node clients). seams.ts checks the
 * constructor and `sendCommand`.
 */
import { Command, type Redis } from "ioredis";
import type { ReadMapping } from "../../backend.js";
import { type CommandDeadlines, deadlinesOf, type Expirable } from "./command-deadlines.js";
import { toUndefined } from "./replies.js";

/** Arguments handed to ioredis's constructor: none (`args` is set after, for ioredis's error details). */
const NO_ARGUMENTS: never[] = [];
const BUFFER_REPLY = { replyEncoding: null } as const;

/** Maps what ioredis rejected a GET with to the error the backend rejects with. */
export type GetErrorMapper = (err: unknown) => Error;

export class DirectGetCommand extends Command implements Expirable {
  // Set by `initPromise`, which ioredis's constructor calls before this class's fields exist:
  // declared only, so no field initialiser overwrites them.
  declare promise: Promise<unknown>;
  declare settle: (value: unknown) => void;
  declare fail: (err: unknown) => void;
  declare settled: boolean;
  declare deadline: number;
  readonly #request: string;
  readonly #mapError: GetErrorMapper;
  readonly #mapping: ReadMapping<unknown> | undefined;
  #client: Redis | undefined;
  #deadlines: CommandDeadlines | undefined;

  /**
   * @param mapError the backend's error for a failed GET (connection loss, timeout, error reply)
   * @param mapping settle with `map(value)` / `onError(error)` instead (a throw from either rejects)
   */
  constructor(key: string, mapError: GetErrorMapper, mapping?: ReadMapping<unknown>) {
    super("get", NO_ARGUMENTS, BUFFER_REPLY);
    this.args = [key];
    // Text: the socket's writev copies it with the other commands of the write, no Buffer per call.
    this.#request = `*2\r\n$3\r\nget\r\n$${Buffer.byteLength(key)}\r\n${key}\r\n`;
    this.#mapError = mapError;
    this.#mapping = mapping;
  }

  /**
   * Send on a ready single-node client through ioredis's `sendCommand` (its offline queue and
   * resend after a reconnect apply as to its own commands; its `commandTimeout` through `setTimeout`).
   * @returns the value bytes (a view of the reply), `undefined` for a missing key; rejects with
   *   the mapped error, or `REDIS_UNEXPECTED_REPLY` for a reply that is not bytes or nil (with a
   *   mapping: what it returns for them)
   */
  sendOn<T = Uint8Array | undefined>(client: Redis): Promise<T> {
    this.#client = client;
    client.sendCommand(this);
    return this.promise as Promise<T>;
  }

  /** The same text on every call: a resend after a reconnect writes it again. */
  override toWritable(_socket: object): string {
    return this.#request;
  }

  /**
   * ioredis's command timeout (`commandTimeout`, MILLISECONDS, called by `sendCommand`): the
   * same deadline and rejection, kept in the connection's queue instead of a timer of its own.
   */
  override setTimeout(ms: number): void {
    if (this.#deadlines !== undefined || this.#client === undefined) return;
    this.#deadlines = deadlinesOf(this.#client, ms);
    this.#deadlines.add(this);
  }

  /** ioredis's `resolve`: the reply (bytes or nil). */
  resolveWith(reply: unknown): void {
    if (this.settled) return;
    let value: Uint8Array | undefined;
    try {
      value = toUndefined(reply as Buffer | null);
    } catch (err) {
      // REDIS_UNEXPECTED_REPLY: ours already, not mapped.
      this.#finish();
      this.#failWith(err);
      return;
    }
    this.#finish();
    this.isResolved = true;
    const mapping = this.#mapping;
    if (mapping === undefined) {
      this.settle(value);
      return;
    }
    let out: unknown;
    try {
      out = mapping.map(value);
    } catch (err) {
      this.fail(err);
      return;
    }
    this.settle(out);
  }

  /** ioredis's `reject`: connection loss, an error reply, a rejected send. */
  rejectWith(err: unknown): void {
    if (this.settled) return;
    this.#finish();
    this.#failWith(this.#mapError(err));
  }

  #failWith(err: unknown): void {
    const mapping = this.#mapping;
    if (mapping === undefined) {
      this.fail(err);
      return;
    }
    let out: unknown;
    try {
      out = mapping.onError(err);
    } catch (thrown) {
      this.fail(thrown);
      return;
    }
    this.settle(out);
  }

  /** A timeout from the deadline queue. */
  expire(err: Error): void {
    this.rejectWith(err);
  }

  #finish(): void {
    this.settled = true;
    this.#deadlines?.settled();
  }
}

/**
 * The promise and its settle functions, without ioredis's closures: `resolve`/`reject` are
 * shared functions called as methods of the command.
 */
function initPromise(this: DirectGetCommand): void {
  this.settled = false;
  this.deadline = 0;
  this.promise = new Promise<unknown>((resolve, reject) => {
    this.settle = resolve;
    this.fail = reject;
  });
  this.resolve = DirectGetCommand.prototype.resolveWith;
  this.reject = DirectGetCommand.prototype.rejectWith;
}

// `initPromise` is private in ioredis's typings: replaced on the prototype (seams.ts checks that
// the constructor still calls it).
(DirectGetCommand.prototype as unknown as { initPromise: () => void }).initPromise = initPromise;
