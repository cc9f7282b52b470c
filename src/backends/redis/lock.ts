/**
 * A cross-process lock in Redis for `getOrSet`: `SET key token NX PX ttl` to take it, a
 * compare-and-delete Lua script to release it, so a process whose lock already expired never
 * deletes the lock another process took since. The lock is advisory: it only decides who runs
 * a factory; the value itself is stored through `Cache` as usual.
 */
import { randomBytes } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import type { DistributedLock } from "../backend.js";

/** Deletes KEYS[1] only when it still holds ARGV[1] (our token). */
const RELEASE_SCRIPT = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** Random bytes per token: 128 bits, unguessable and collision-free in practice. */
const TOKEN_BYTES = 16;

/** `DistributedLock` over an ioredis client or cluster the caller owns (never closed here). */
export class RedisLock implements DistributedLock {
  constructor(private readonly client: Redis | Cluster) {}

  /** `SET key token NX PX ttlMs`. @param ttlMs MILLISECONDS (at least 1). @throws the client's error when Redis fails */
  async acquire(key: string, ttlMs: number): Promise<string | undefined> {
    const token = randomBytes(TOKEN_BYTES).toString("hex");
    const reply = await this.client.set(key, token, "PX", Math.max(1, Math.ceil(ttlMs)), "NX");
    return reply === "OK" ? token : undefined;
  }

  /** Compare-and-delete. @throws the client's error when Redis fails */
  async release(key: string, token: string): Promise<boolean> {
    const deleted = await this.client.eval(RELEASE_SCRIPT, 1, key, token);
    return deleted === 1;
  }
}
