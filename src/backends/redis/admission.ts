/**
 * Which commands may go to a Redis client, and the count of those waiting for a connection.
 * ioredis's own offline queue is unbounded: this bounds it (`maxOfflineQueue`), refuses every
 * command once the backend is closed or the connection watch saw a fatal config error, and
 * bounds cluster calls with a deadline (a Cluster re-queues commands of a dead node into an
 * offline queue that has no timer).
 */
import type { Cluster, Redis } from "ioredis";
import type { SupersetCacheError } from "../../core/errors.js";
import { isClusterClient } from "./client.js";
import type { RedisConnectionWatch } from "./connection-watch.js";
import { RedisBackendError, RedisErrorCode } from "./errors.js";
import type { WriteCoalescer } from "./wire/coalesce.js";
import { withDeadline } from "./wire/replies.js";

/** ioredis's `status` of a connected client. */
export const READY = "ready";

export interface CommandAdmissionOptions {
  /** Most commands that may wait for a connection at once. */
  maxOffline: number;
  /** MILLISECONDS a cluster call may take (single connections are timed by ioredis). */
  commandTimeoutMs: number;
  /** The redacted target, for messages. */
  describe: string;
  watch: RedisConnectionWatch;
  coalesce: WriteCoalescer | undefined;
}

export class CommandAdmission {
  /** Commands issued while disconnected that have not settled yet. */
  offline = 0;
  /** Commands refused because `offline` had reached `maxOffline`. */
  rejections = 0;
  closed = false;
  readonly #o: CommandAdmissionOptions;
  readonly #dequeue = (): void => {
    this.offline--;
  };

  constructor(options: CommandAdmissionOptions) {
    this.#o = options;
  }

  /** The error to reject a command for `client` with, or undefined to go ahead. */
  refuse(client: Redis | Cluster): SupersetCacheError | undefined {
    if (this.closed) return new RedisBackendError(RedisErrorCode.closed, "redis backend is closed", false);
    const fatal = this.#o.watch.fatal;
    if (fatal) return fatal;
    if (client.status === READY) return undefined;
    if (this.offline >= this.#o.maxOffline) {
      this.rejections++;
      return new RedisBackendError(
        RedisErrorCode.offlineQueueFull,
        `redis offline queue full (${this.#o.maxOffline} commands waiting for ${this.#o.describe})`,
        true,
      );
    }
    return undefined;
  }

  /**
   * Throw when refused; otherwise cork a ready single-node client so this tick's commands share
   * one write. @throws the `refuse` error
   */
  admit(client: Redis | Cluster): void {
    const refused = this.refuse(client);
    if (refused) throw refused;
    if (this.#o.coalesce && client.status === READY) this.#o.coalesce.cork(client as Redis);
  }

  /** `p`, bounded on a cluster, counted in `offline` while it waits for a connection. */
  queued<T>(client: Redis | Cluster, p: Promise<T>): Promise<T> {
    const bounded = isClusterClient(client) ? withDeadline(p, this.#o.commandTimeoutMs, this.#o.describe) : p;
    if (client.status === READY) return bounded;
    this.offline++;
    p.then(this.#dequeue, this.#dequeue);
    return bounded;
  }
}
