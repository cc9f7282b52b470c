/**
 * Write coalescing for single-node ioredis clients: a command issued while others are in
 * flight corks the client's socket and a `setImmediate` uncorks it, so the commands issued
 * before the event loop's check phase (including those issued from the promise continuations of
 * every batch of replies read in this poll phase) leave in one write; a command on an idle
 * connection is written at once. Uncorking on the next tick instead would split a batch whose
 * replies span two socket reads (64 replies of 1 KB are more than one 64 KiB read) into two
 * writes, and that split repeats for every later batch. Same effect as auto-pipelining at high
 * concurrency, without its per-tick Pipeline object and extra latency at concurrency 1. Nothing
 * is reordered, nor delayed past the current event-loop iteration.
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

  /** Sockets corked in the current loop iteration (one per client; at most reader + writer). */
  readonly #corked: Socket[] = [];
  readonly #uncorkAll = (): void => {
    for (const s of this.#corked) s.uncork();
    this.#corked.length = 0;
  };

  /** Cork `client`'s socket until this iteration's check phase, once. Call only when the client is ready. */
  cork(client: Redis): void {
    // Idle connection (nothing in flight): write at once, a lone call gains nothing from waiting
    // for the check phase. Busy connection: later commands of this iteration join one write.
    if (client.commandQueue.length === 0) return;
    const stream = client.stream as Socket | undefined;
    if (stream === undefined || this.#corked.includes(stream)) return;
    if (this.#corked.length === 0) setImmediate(this.#uncorkAll);
    stream.cork();
    this.#corked.push(stream);
  }
}
