/**
 * Command timeouts for the commands of one connection without a timer per command. ioredis arms
 * a `setTimeout` per command (`commandTimeout`) and clears it on the reply: at tens of thousands
 * of commands a second that is a tenth of a GET's CPU time. Commands with the same timeout
 * expire in the order they were sent, so one queue in send order and one timer for its oldest
 * command do the same job: the timer rejects every expired command ("Command timed out", as
 * ioredis does) and is re-armed for the next one.
 */

import { ioredisTimeoutError } from "./replies.js";

/** A command this queue can time out. */
export interface Expirable {
  /** MILLISECONDS on `performance.now()`'s clock; set by `CommandDeadlines.add`. */
  deadline: number;
  /** `true` once the command has a reply or an error: it no longer times out. */
  readonly settled: boolean;
  /** Reject as timed out (a no-op for a settled command). */
  expire(err: Error): void;
}

/** Settled commands at the front are compacted away once there are this many (and half the queue). */
const COMPACT_AFTER = 1024;

export class CommandDeadlines {
  /** Commands in send order, `#head` the oldest one not yet dropped; slots before it are empty. */
  readonly #queue: (Expirable | undefined)[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;

  /** @param timeoutMs MILLISECONDS from `add` until a command without a reply is rejected */
  constructor(readonly timeoutMs: number) {}

  /** Start `command`'s timeout now (once: a resend after a reconnect keeps the first deadline, as ioredis does). */
  add(command: Expirable): void {
    if (command.deadline > 0) return;
    command.deadline = performance.now() + this.timeoutMs;
    this.#queue.push(command);
    if (this.#timer === undefined) this.#arm(this.timeoutMs);
  }

  /** Drop settled commands from the front; called when a command settles (replies come in send order). */
  settled(): void {
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length && queue[head]!.settled) queue[head++] = undefined;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head >= COMPACT_AFTER && head * 2 >= queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }

  /** Commands waiting for a reply or their deadline (for tests). */
  get pending(): number {
    let n = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (!this.#queue[i]!.settled) n++;
    return n;
  }

  #arm(ms: number): void {
    // Unref'd: a command in flight keeps the process alive through its socket or ioredis's
    // reconnect timer; this timer alone must not hold up an exit after the last reply.
    this.#timer = setTimeout(this.#expire, Math.max(1, Math.ceil(ms))).unref();
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    const now = performance.now();
    const queue = this.#queue;
    for (let i = this.#head; i < queue.length; i++) {
      const command = queue[i]!;
      if (command.deadline > now) break;
      if (!command.settled) command.expire(ioredisTimeoutError());
    }
    this.settled();
    const next = queue[this.#head];
    if (next !== undefined) this.#arm(next.deadline - now);
  };
}

const byClient = new WeakMap<object, CommandDeadlines>();

/** The deadline queue of one client's connection (one per client object and timeout). */
export function deadlinesOf(client: object, timeoutMs: number): CommandDeadlines {
  let d = byClient.get(client);
  if (d === undefined || d.timeoutMs !== timeoutMs) {
    d = new CommandDeadlines(timeoutMs);
    byClient.set(client, d);
  }
  return d;
}
