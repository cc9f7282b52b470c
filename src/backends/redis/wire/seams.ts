/**
 * The ioredis internals the Redis fast paths rely on, checked once per process before the first
 * backend builds its clients. package.json pins the ioredis version these paths were written
 * for; this check is for an install that got another one anyway (an override, a dedupe). A fast
 * path whose seam does not match is switched off, never guessed at: the backend then uses
 * ioredis's public path for it (ioredis's own `SET`, its own connector, no write coalescing),
 * and the mismatch is reported once, on {@link IOREDIS_SEAMS_CHANNEL_NAME} and as a process
 * warning.
 *
 * What each fast path relies on:
 * - `DirectSetCommand` (direct-set.ts): `Command` can be subclassed, built with no arguments and
 *   `replyEncoding`, and its `args` replaced; `Redis#sendCommand` writes
 *   `command.toWritable(this.stream)` to `this.stream` on a ready connection (the subclass
 *   writes the value to that socket itself and returns the trailer).
 * - `DirectGetCommand` (direct-get.ts): `Command`'s constructor calls `initPromise()` (replaced by
 *   the subclass, which sets the promise and method-style `resolve`/`reject`) and keeps what it
 *   set; `Redis#sendCommand` calls `command.setTimeout(this.options.commandTimeout)` (the
 *   subclass keeps the deadline in its connection's `CommandDeadlines`) and writes
 *   `command.toWritable(this.stream)` as for `DirectSetCommand`.
 * - `WriteCoalescer` (coalesce.ts): a client's `commandQueue` has a `length`, and its `stream`
 *   is the socket `sendCommand` writes to.
 * - `framedReadConnector` (framed-connector.ts) with `RespFramer`: ioredis builds its connector
 *   from the `Connector` option, subclasses of `AbstractConnector` keep `disconnect`, and
 *   `Redis#connect` (`_connect`) awaits `connector.connect()` and reads `firstError`. That the reply parser
 *   listens to the socket's `data` events (where the framer hands its chunks) cannot be seen
 *   before a connection exists; the connector checks it on each connection's first read.
 */
import { channel } from "node:diagnostics_channel";
import { AbstractConnector, Command, Redis } from "ioredis";

/** The ioredis version the fast paths were written and tested against (package.json pins it). */
export const IOREDIS_TESTED_VERSION = "5.11.1";

/** Diagnostics channel carrying one {@link IoredisSeamReport} when a fast path is switched off. */
export const IOREDIS_SEAMS_CHANNEL_NAME = "superset-cache:ioredis-seams";

/** Which Redis fast paths the installed ioredis allows. */
export interface IoredisSeamReport {
  /** `SET` written by `DirectSetCommand` (else ioredis's own `set`). */
  directSet: boolean;
  /** `GET` sent as a `DirectGetCommand` (else ioredis's own `getBuffer`). */
  directGet: boolean;
  /** Commands of one tick corked into one write (else each written as issued). */
  coalescing: boolean;
  /** Replies read through `RespFramer` (else ioredis's own connector and reads). */
  framedReads: boolean;
  /** One line per seam that did not match; empty when every fast path is on. */
  problems: readonly string[];
}

/** The parts of an ioredis module the check looks at (the real module, or a stand-in in tests). */
export interface IoredisSurface {
  Redis: unknown;
  Command: unknown;
  AbstractConnector: unknown;
}

type AnyClass = abstract new (...args: never[]) => object;

function isClass(value: unknown): value is AnyClass {
  return typeof value === "function" && typeof value.prototype === "object";
}

function method(cls: AnyClass, name: string): ((...args: unknown[]) => unknown) | undefined {
  const m = (cls.prototype as Record<string, unknown>)[name];
  return typeof m === "function" ? (m as (...args: unknown[]) => unknown) : undefined;
}

/** Source text of a prototype method ("" when missing): the checks look for the calls they rely on. */
function sourceOf(cls: AnyClass, name: string): string {
  const m = method(cls, name);
  return m ? Function.prototype.toString.call(m) : "";
}

/** A failed check's message, or `undefined` when `run` passes; a throw counts as a failure. */
function probe(what: string, run: () => boolean): string | undefined {
  try {
    return run() ? undefined : what;
  } catch (err) {
    return `${what} (${err instanceof Error ? err.message : String(err)})`;
  }
}

/**
 * The seam a command that runs its own timeout relies on (`DirectGetCommand`, and a pooled
 * `DirectSetCommand`, which must keep its buffer through a timeout): `Redis#sendCommand` arms
 * ioredis's command timeout through `command.setTimeout`. The failed check's message, or undefined.
 */
export function commandTimeoutProblem(R: unknown): string | undefined {
  if (!isClass(R)) return "ioredis exports no Redis class";
  return probe("Redis#sendCommand does not call command.setTimeout(this.options.commandTimeout)", () =>
    /command\.setTimeout\(\s*this\.options\.commandTimeout\s*\)/.test(sourceOf(R, "sendCommand")),
  );
}

/** The seam both direct commands share: ioredis writes what `toWritable` returns to its socket. */
function sendCommandWritesToWritable(R: AnyClass): string | undefined {
  return probe("Redis#sendCommand does not write command.toWritable(this.stream) to this.stream", () =>
    /this\.stream\.write\(\s*command\.toWritable\(\s*this\.stream\s*\)\s*\)/.test(sourceOf(R, "sendCommand")),
  );
}

function directSetProblems(s: IoredisSurface): string[] {
  const { Command: C, Redis: R } = s;
  if (!isClass(C) || !isClass(R)) return ["ioredis exports no Command or Redis class"];
  return [
    probe("Command.prototype.toWritable is not a method", () => method(C, "toWritable") !== undefined),
    probe("Command cannot be built without arguments, with replyEncoding, and given new args", () => {
      const cmd = new (C as unknown as new (n: string, a: unknown[], o: object) => Record<string, unknown>)(
        "set",
        [],
        { replyEncoding: "utf8" },
      );
      cmd.args = ["k", "<value>"];
      const reply = (cmd.transformReply as (r: Buffer) => unknown).call(cmd, Buffer.from("OK"));
      return cmd.name === "set" && cmd.promise instanceof Promise && reply === "OK";
    }),
    sendCommandWritesToWritable(R),
  ].filter((p): p is string => p !== undefined);
}

function directGetProblems(s: IoredisSurface): string[] {
  const { Command: C, Redis: R } = s;
  if (!isClass(C) || !isClass(R)) return ["ioredis exports no Command or Redis class"];
  return [
    commandTimeoutProblem(R),
    probe("Command's constructor does not call initPromise() or replaces what it set", () => {
      const mine = Promise.resolve();
      const Probe = class extends (C as unknown as new (n: string, a: unknown[], o: object) => object) {};
      (Probe.prototype as unknown as Record<string, unknown>).initPromise = function (
        this: Record<string, unknown>,
      ) {
        this.promise = mine;
      };
      const cmd = new Probe("get", [], { replyEncoding: null }) as Record<string, unknown>;
      cmd.args = ["k"];
      return cmd.promise === mine && cmd.name === "get";
    }),
    sendCommandWritesToWritable(R),
  ].filter((p): p is string => p !== undefined);
}

function connectorProblems(s: IoredisSurface): string[] {
  const { AbstractConnector: A, Redis: R } = s;
  if (!isClass(A) || !isClass(R)) return ["ioredis exports no AbstractConnector or Redis class"];
  // 5.11 keeps the body of `connect` in `_connect`.
  const connect = sourceOf(R, "connect") + sourceOf(R, "_connect");
  return [
    probe(
      "AbstractConnector.prototype.disconnect is not a method",
      () => method(A, "disconnect") !== undefined,
    ),
    probe(
      "Redis#connect does not await connector.connect() or read connector.firstError",
      () => /connector\.connect\(/.test(connect) && /\.firstError\b/.test(connect),
    ),
  ].filter((p): p is string => p !== undefined);
}

/** Checks that need a client: built with `lazyConnect`, so nothing connects. */
function instanceProblems(s: IoredisSurface): { coalescing: string[]; connector: string[] } {
  const { AbstractConnector: A, Redis: R } = s;
  if (!isClass(A) || !isClass(R)) return { coalescing: ["no Redis class"], connector: ["no Redis class"] };
  const Probe = class extends (A as unknown as new (timeout: number) => object) {
    // Never called: the probe client is built with lazyConnect and never used.
    connect(): Promise<never> {
      return new Promise<never>(() => {});
    }
  };
  let client: Record<string, unknown>;
  try {
    client = new (R as unknown as new (o: object) => Record<string, unknown>)({
      lazyConnect: true,
      Connector: Probe,
    });
  } catch (err) {
    const why = `Redis cannot be built with lazyConnect (${err instanceof Error ? err.message : String(err)})`;
    return { coalescing: [why], connector: [why] };
  }
  const queue = client.commandQueue as { length?: unknown } | undefined;
  return {
    coalescing: typeof queue?.length === "number" ? [] : ["a Redis client has no commandQueue.length"],
    connector:
      client.connector instanceof Probe ? [] : ["Redis does not build its connector from options.Connector"],
  };
}

/** Check `surface` (pure; {@link ioredisSeams} runs it once on the installed ioredis). */
export function inspectIoredisSeams(surface: IoredisSurface): IoredisSeamReport {
  const direct = directSetProblems(surface);
  const directGet = directGetProblems(surface);
  const instance = instanceProblems(surface);
  const connector = [...connectorProblems(surface), ...instance.connector];
  return {
    directSet: direct.length === 0,
    directGet: directGet.length === 0,
    coalescing: instance.coalescing.length === 0,
    framedReads: connector.length === 0,
    // One line per distinct problem: both direct commands check sendCommand's write.
    problems: [...new Set([...direct, ...directGet, ...instance.coalescing, ...connector])],
  };
}

let installed: IoredisSeamReport | undefined;
const seamsChannel = channel(IOREDIS_SEAMS_CHANNEL_NAME);

/**
 * The fast paths the installed ioredis allows, checked on the first call in a process (each
 * Redis backend calls it when built). A mismatch is published on
 * {@link IOREDIS_SEAMS_CHANNEL_NAME} and emitted as a `SupersetCacheWarning` once.
 */
export function ioredisSeams(): IoredisSeamReport {
  if (installed === undefined) {
    installed = inspectIoredisSeams({ Redis, Command, AbstractConnector });
    if (installed.problems.length > 0) report(installed);
  }
  return installed;
}

/**
 * Switch framed reads off for the rest of the process (a connection found that ioredis does not
 * read the socket's `data` events) and report it once.
 */
export function disableFramedReads(problem: string): void {
  const current = ioredisSeams();
  if (!current.framedReads) return;
  installed = { ...current, framedReads: false, problems: [...current.problems, problem] };
  report(installed);
}

function report(r: IoredisSeamReport): void {
  if (seamsChannel.hasSubscribers) seamsChannel.publish(r);
  const off = (["directSet", "directGet", "coalescing", "framedReads"] as const).filter((k) => !r[k]);
  process.emitWarning(
    `ioredis internals differ from ioredis ${IOREDIS_TESTED_VERSION} (${r.problems.join("; ")}): ` +
      `running without the Redis fast paths ${off.join(", ")}`,
    { type: "SupersetCacheWarning", code: "IOREDIS_SEAMS" },
  );
}
