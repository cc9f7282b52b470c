/**
 * Write coalescing for single-node ioredis clients: a command issued while others are in
 * flight corks the client's socket and a `process.nextTick` uncorks it, so the commands issued
 * in that tick (including those issued from the promise continuations of one batch of replies)
 * leave in one write; a command on an idle connection is written at once. Same effect as auto-pipelining at high concurrency, without its per-tick Pipeline
 * object and extra latency at concurrency 1. Nothing is reordered or delayed past the tick.
 */
import type { Socket } from "node:net";
import type { Cluster, Redis } from "ioredis";
import { ioredisSeams } from "./seams.js";

export class WriteCoalescer {
  /**
   * `true` when `client` can be coalesced: a single-node client with a `commandQueue` (checked on
   * the instance too: a caller's client may come from another copy of ioredis) and an installed
   * ioredis whose seams match (seams.ts).
   */
  static supports(client: Redis | Cluster): boolean {
    if (client.isCluster === true || !ioredisSeams().coalescing) return false;
    const queue = (client as { commandQueue?: { length?: unknown } }).commandQueue;
    return typeof queue?.length === "number";
  }

  /** Sockets corked in the current tick (one per client; at most reader + writer). */
  readonly #corked: Socket[] = [];
  readonly #uncorkAll = (): void => {
    for (const s of this.#corked) s.uncork();
    this.#corked.length = 0;
  };

  /** Cork `client`'s socket until the next tick, once per tick. Call only when the client is ready. */
  cork(client: Redis): void {
    // Idle connection (nothing in flight): write at once, a lone call gains nothing from waiting
    // a tick. Busy connection: later commands of this tick join one write.
    if (client.commandQueue.length === 0) return;
    const stream = client.stream as Socket | undefined;
    if (stream === undefined || this.#corked.includes(stream)) return;
    if (this.#corked.length === 0) process.nextTick(this.#uncorkAll);
    stream.cork();
    this.#corked.push(stream);
  }
}
