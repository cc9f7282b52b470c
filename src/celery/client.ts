/**
 * `CeleryClient`: enqueue, look at and collect Celery tasks in Redis from Node, speaking
 * kombu's Redis transport (message protocol 2, JSON) and Celery's Redis result backend.
 * Nothing here consumes a message: `peek` reads lists with LRANGE, depths with LLEN/HVALS.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Redis, RedisOptions } from "ioredis";
import { stdlibJsonLoads } from "../codecs/json/stdlib-decode.js";
import { type Clock, systemClock } from "../core/clock.js";
import type { PyValue } from "../python/values.js";
import { CeleryError } from "./errors.js";
import { CELERY_DEFAULT_QUEUE, type KombuKeyOptions, KombuKeys } from "./kombu-keys.js";
import {
  type CeleryHeaderStyle,
  type DecodedTaskMessage,
  decodeTaskEnvelope,
  decodeTaskMessage,
  encodeTaskMessage,
  isoformatUtc,
} from "./message.js";
import { openRedis, redisOptionsFromUrl } from "./redis-connection.js";
import { CELERY_READY_STATES, decodeTaskResult, type TaskResult, taskMetaKey } from "./results.js";

export interface CeleryClientOptions {
  /** Celery's `broker_url`: `redis://[:password@]host:port/db` or `rediss://…`. */
  brokerUrl: string;
  /** Celery's `result_backend` (may be another server or database). Default none: `result` then throws. */
  resultBackendUrl?: string;
  /** `broker_transport_options` that rename keys (`global_keyprefix`, `priority_steps`, `sep`, …). */
  transportOptions?: KombuKeyOptions;
  /** `result_backend_transport_options["global_keyprefix"]` (Celery 5.3+). Default none. */
  resultKeyPrefix?: string;
  /** Queue used when a send names none. Default `celery`. */
  defaultQueue?: string;
  /** Header layout of sent messages. Default `5.3`. */
  headerStyle?: CeleryHeaderStyle;
  /** Connect and command timeout, MILLISECONDS. Default 5000. */
  timeoutMs?: number;
  /** Source of "now" for `countdown` and numeric `expires`. Default the system clock. */
  clock?: Clock;
}

/** What `app.send_task(name, args, kwargs, **options)` accepts, in Node units. */
export interface SendTaskOptions {
  /** Target queue (routing key). Default the client's `defaultQueue`. */
  queue?: string;
  /** 0–9; on Redis 0 is consumed first. Default 0. */
  priority?: number;
  /** Run no earlier than this many SECONDS from now (sets the `eta` header). */
  countdown?: number;
  /** Run no earlier than this time. */
  eta?: Date;
  /** SECONDS from now, or a time, after which the worker revokes the task. */
  expires?: number | Date;
  /** Hard and soft time limits, SECONDS. */
  timeLimit?: number;
  softTimeLimit?: number;
  /** Task id. Default a random UUID. */
  taskId?: string;
  rootId?: string;
  parentId?: string;
  group?: string;
  retries?: number;
  /** Name shown in logs instead of the task name. */
  shadow?: string;
  /** Tell the worker not to store a result. */
  ignoreResult?: boolean;
}

/** A message built but not yet pushed. */
export interface PreparedTask {
  id: string;
  /** The list it goes to (priority step and global prefix applied). */
  key: string;
  /** The JSON text LPUSHed. */
  message: string;
}

/** One entry of a queue, read without consuming it. */
export type PeekedEntry =
  | { ok: true; key: string; step: number; message: DecodedTaskMessage }
  | { ok: false; key: string; step: number; error: CeleryError; raw: Uint8Array };

/** A delivered, unacknowledged message from the `unacked` hash. */
export interface UnackedEntry {
  deliveryTag: string;
  /** Queue (routing key) it was delivered from. */
  queue: string | null;
  /** Delivery time from `unacked_index`, epoch MILLISECONDS (null when not indexed). */
  deliveredAtMs: number | null;
  message: DecodedTaskMessage | null;
  error: CeleryError | null;
}

export interface QueueDepth {
  queue: string;
  /** Messages waiting, all priority steps together (kombu's `_size`). */
  ready: number;
  /** Waiting messages per priority step. */
  byStep: Record<number, number>;
  /** Delivered to a worker, not yet acknowledged, from this queue. */
  unacked: number;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_PEEK_LIMIT = 100;
function nonNegative(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 0))
    throw new CeleryError(
      "CELERY_INVALID_OPTION",
      `${name} must be a non-negative number of seconds, got ${v}`,
    );
}

export class CeleryClient {
  readonly keys: KombuKeys;
  readonly defaultQueue: string;
  private readonly broker: Redis;
  private readonly backendOptions: RedisOptions | undefined;
  private backendClient: Redis | undefined;
  private readonly timeoutMs: number;
  private readonly clock: Clock;
  /** celery's per-thread `reply_to` oid; one per client here. */
  private readonly oid = randomUUID();
  private readonly origin = `gen${process.pid}@${hostname()}`;

  /** @throws CeleryError `CELERY_BROKER_URL_UNSUPPORTED` for a URL kombu's Redis transport would not take */
  constructor(private readonly options: CeleryClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.keys = new KombuKeys(options.transportOptions);
    this.defaultQueue = options.defaultQueue ?? CELERY_DEFAULT_QUEUE;
    this.clock = options.clock ?? systemClock;
    this.broker = openRedis(redisOptionsFromUrl(options.brokerUrl, "brokerUrl"), this.timeoutMs);
    this.backendOptions = options.resultBackendUrl
      ? redisOptionsFromUrl(options.resultBackendUrl, "resultBackendUrl")
      : undefined;
  }

  private get backend(): Redis {
    if (!this.backendOptions)
      throw new CeleryError("CELERY_NO_RESULT_BACKEND", "no resultBackendUrl was given to the CeleryClient");
    this.backendClient ??= openRedis(this.backendOptions, this.timeoutMs);
    return this.backendClient;
  }

  /**
   * Build the message `send_task` would push, without pushing it.
   * @throws CeleryError `CELERY_TASK_ARGUMENTS`, `CELERY_INVALID_OPTION`
   */
  prepareTask(
    name: string,
    args: readonly PyValue[] = [],
    kwargs: Readonly<Record<string, PyValue>> = {},
    options: SendTaskOptions = {},
  ): PreparedTask {
    if (!name) throw new CeleryError("CELERY_INVALID_OPTION", "task name is empty");
    if (!Array.isArray(args)) throw new CeleryError("CELERY_TASK_ARGUMENTS", "task args must be a list");
    if (kwargs === null || typeof kwargs !== "object" || Array.isArray(kwargs))
      throw new CeleryError("CELERY_TASK_ARGUMENTS", "task keyword arguments must be an object");
    nonNegative("countdown", options.countdown);
    if (typeof options.expires === "number") nonNegative("expires", options.expires);
    const p = options.priority;
    if (p !== undefined && !(Number.isInteger(p) && p >= 0 && p <= 255))
      throw new CeleryError("CELERY_INVALID_OPTION", `priority must be an integer 0–255, got ${p}`);
    const now = this.clock.now();
    const id = options.taskId ?? randomUUID();
    const queue = options.queue ?? this.defaultQueue;
    const eta = options.eta
      ? isoformatUtc(options.eta.getTime())
      : options.countdown
        ? isoformatUtc(now + options.countdown * 1000)
        : null;
    let expires: string | null = null;
    let expirationMs: number | undefined;
    if (options.expires !== undefined) {
      const at =
        typeof options.expires === "number" ? now + options.expires * 1000 : options.expires.getTime();
      expires = isoformatUtc(at);
      // send_task turns `expires` into the message TTL, floored at 0 for a time in the past.
      expirationMs = Math.max(0, at - now);
    }
    const message = encodeTaskMessage({
      name,
      args,
      kwargs,
      id,
      queue,
      priority: p ?? 0,
      eta,
      expires,
      ...(expirationMs !== undefined ? { expirationMs } : {}),
      timeLimit: options.timeLimit ?? null,
      softTimeLimit: options.softTimeLimit ?? null,
      rootId: options.rootId ?? null,
      parentId: options.parentId ?? null,
      group: options.group ?? null,
      retries: options.retries ?? 0,
      shadow: options.shadow ?? null,
      ignoreResult: options.ignoreResult ?? false,
      replyTo: this.oid,
      origin: this.origin,
      deliveryTag: randomUUID(),
      headerStyle: this.options.headerStyle ?? "5.3",
    });
    return { id, key: this.keys.queueKey(queue, p), message };
  }

  /**
   * Enqueue a task as `app.send_task(name, args, kwargs, **options)` does (LPUSH).
   * @returns the task id
   * @throws CeleryError for bad arguments or options; the ioredis error when Redis fails
   */
  async sendTask(
    name: string,
    args: readonly PyValue[] = [],
    kwargs: Readonly<Record<string, PyValue>> = {},
    options: SendTaskOptions = {},
  ): Promise<string> {
    const task = this.prepareTask(name, args, kwargs, options);
    await this.broker.lpush(task.key, task.message);
    return task.id;
  }

  /**
   * The messages waiting in `queue`, in the order workers take them (priority step 0 first,
   * oldest first within a step), at most `limit` per step. Consumes nothing.
   */
  async peek(queue = this.defaultQueue, options: { limit?: number } = {}): Promise<PeekedEntry[]> {
    const limit = options.limit ?? DEFAULT_PEEK_LIMIT;
    const out: PeekedEntry[] = [];
    for (const { step, key } of this.keys.queueKeys(queue)) {
      const raw = await this.broker.lrangeBuffer(key, -limit, -1);
      for (const bytes of raw.reverse()) out.push(decodeEntry(key, step, bytes));
    }
    return out;
  }

  /** Messages delivered to workers and not yet acknowledged (all queues, or one). */
  async peekUnacked(queue?: string): Promise<UnackedEntry[]> {
    const entries = await this.broker.hgetallBuffer(this.keys.unacked);
    const out: UnackedEntry[] = [];
    for (const [tag, value] of Object.entries(entries)) {
      const entry = await this.unackedEntry(tag, value);
      if (queue === undefined || entry.queue === queue) out.push(entry);
    }
    return out.sort((a, b) => (a.deliveredAtMs ?? 0) - (b.deliveredAtMs ?? 0));
  }

  private async unackedEntry(tag: string, value: Buffer): Promise<UnackedEntry> {
    const score = await this.broker.zscore(this.keys.unackedIndex, tag);
    const deliveredAtMs = score === null ? null : Number(score) * 1000;
    const unreadable = (cause?: unknown) =>
      new CeleryError("CELERY_MESSAGE_MALFORMED", `unacked ${tag} is not [message, exchange, routing_key]`, {
        cause,
      });
    try {
      const triple = stdlibJsonLoads(value);
      if (!Array.isArray(triple) || triple.length < 3) throw unreadable();
      const message = decodeTaskEnvelope(triple[0] as PyValue);
      return {
        deliveryTag: tag,
        queue: typeof triple[2] === "string" ? triple[2] : null,
        deliveredAtMs,
        message,
        error: null,
      };
    } catch (cause) {
      const error = cause instanceof CeleryError ? cause : unreadable(cause);
      return { deliveryTag: tag, queue: null, deliveredAtMs, message: null, error };
    }
  }

  /** How many messages wait in `queue` (all priority steps) and how many are unacknowledged. */
  async queueDepth(queue = this.defaultQueue): Promise<QueueDepth> {
    const byStep: Record<number, number> = {};
    let ready = 0;
    for (const { step, key } of this.keys.queueKeys(queue)) {
      const n = await this.broker.llen(key);
      byStep[step] = n;
      ready += n;
    }
    let unacked = 0;
    for (const value of await this.broker.hvalsBuffer(this.keys.unacked)) {
      try {
        const triple = JSON.parse(value.toString("utf8")) as unknown;
        if (Array.isArray(triple) && triple[2] === queue) unacked++;
      } catch {
        // an unreadable entry belongs to no queue we can name
      }
    }
    return { queue, ready, byStep, unacked };
  }

  /**
   * A task's stored state, or undefined while none is stored (Celery reports PENDING then).
   * @throws CeleryError `CELERY_NO_RESULT_BACKEND`, `CELERY_RESULT_MALFORMED`
   */
  async result(taskId: string): Promise<TaskResult | undefined> {
    const bytes = await this.backend.getBuffer(taskMetaKey(taskId, this.options.resultKeyPrefix));
    return bytes ? decodeTaskResult(bytes, taskId) : undefined;
  }

  /**
   * Wait until the task reaches a ready state (SUCCESS, FAILURE, REVOKED), as `AsyncResult.get`
   * does: subscribe to the result key's channel, then read the key.
   * @param options.timeoutMs MILLISECONDS, default 10000
   * @throws CeleryError `CELERY_RESULT_TIMEOUT`, `CELERY_NO_RESULT_BACKEND`, `CELERY_RESULT_MALFORMED`
   */
  async waitForResult(taskId: string, options: { timeoutMs?: number } = {}): Promise<TaskResult> {
    const key = taskMetaKey(taskId, this.options.resultKeyPrefix);
    const subscriber = this.backend.duplicate();
    subscriber.on("error", () => {});
    const timeoutMs = options.timeoutMs ?? 10_000;
    // Each PUBLISH on the key wakes the loop, which then reads the key (the message may be stale).
    let wake: () => void = () => {};
    subscriber.on("message", () => wake());
    try {
      await subscriber.subscribe(key);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const woken = new Promise<void>((resolve) => {
          wake = resolve;
        });
        const current = await this.result(taskId);
        if (current && CELERY_READY_STATES.has(current.status)) return current;
        const left = deadline - Date.now();
        if (left <= 0) break;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([woken, new Promise((r) => (timer = setTimeout(r, left)))]);
        clearTimeout(timer);
      }
      throw new CeleryError("CELERY_RESULT_TIMEOUT", `task ${taskId} not ready after ${timeoutMs} ms`);
    } finally {
      subscriber.disconnect();
    }
  }

  /** Delete a stored result (`AsyncResult.forget`). @returns whether one existed */
  async forget(taskId: string): Promise<boolean> {
    return (await this.backend.del(taskMetaKey(taskId, this.options.resultKeyPrefix))) > 0;
  }

  /** Close both connections. */
  async close(): Promise<void> {
    this.broker.disconnect();
    this.backendClient?.disconnect();
  }
}

function decodeEntry(key: string, step: number, bytes: Buffer): PeekedEntry {
  try {
    return { ok: true, key, step, message: decodeTaskMessage(bytes) };
  } catch (cause) {
    const error =
      cause instanceof CeleryError
        ? cause
        : new CeleryError("CELERY_MESSAGE_MALFORMED", "unreadable message", { cause });
    return { ok: false, key, step, error, raw: bytes };
  }
}
