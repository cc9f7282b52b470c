/**
 * Reused buffers for the commands `DirectSetCommand` builds. A set copies the caller's value into
 * its command before returning (the bytes-ownership contract, backend.ts); into a fresh 100 KB
 * buffer that copy costs page faults on new memory and malloc/GC work per call, several times the
 * memcpy itself. A buffer taken from here was used by an earlier command and is already mapped.
 *
 * A command gives its buffer back only once ioredis has settled it with a reply or an error (not
 * when a command timeout rejects its promise: the bytes may still wait in the socket's queue, in
 * ioredis's offline queue, or be resent after a reconnect). A buffer that is never given back
 * (a command ioredis drops) is simply collected; the pool bounds only the idle bytes it keeps.
 */

/**
 * Default bound on a pool's idle bytes (`RedisBackendOptions.writeBufferPoolBytes`): 8 MiB holds
 * one 128 KiB buffer (a 100 KB value's command) for each of 64 sets in flight.
 */
export const DEFAULT_WRITE_BUFFER_POOL_BYTES = 8 * 1024 * 1024;

/**
 * Commands of at most this many bytes are not pooled: `Buffer.allocUnsafe` carves those below it
 * from Node's shared 8 KiB slab (no fresh memory per call), cheaper than a pool round trip.
 */
const SLAB_BYTES = 4 * 1024;
/** Smallest size class (bytes); classes are powers of two. */
const MIN_CLASS_BITS = 13;
/** Largest size class, 4 MiB: larger commands allocate (rare, and each would pin that much). */
const MAX_CLASS_BITS = 22;

/** Power-of-two write buffers from 8 KiB to 4 MiB, idle bytes bounded. */
export class WriteBufferPool {
  readonly #maxIdleBytes: number;
  /** Idle buffers per size class (index = bits − MIN_CLASS_BITS), most recently used last. */
  readonly #idle: Buffer[][] = Array.from({ length: MAX_CLASS_BITS - MIN_CLASS_BITS + 1 }, () => []);
  #idleBytes = 0;

  /** @param maxIdleBytes most bytes of idle buffers kept for reuse; 0 keeps none (every command allocates) */
  constructor(maxIdleBytes = DEFAULT_WRITE_BUFFER_POOL_BYTES) {
    this.#maxIdleBytes = maxIdleBytes > 0 ? maxIdleBytes : 0; // NaN too: keep nothing
  }

  /**
   * A buffer of at least `bytes` bytes (its size class, with stale content), or `undefined` when
   * `bytes` is outside the pooled range (≤ 4 KiB or > 4 MiB) or pooling is off: allocate then.
   * Give it back with `give` once nothing reads it any more.
   */
  take(bytes: number): Buffer | undefined {
    if (bytes <= SLAB_BYTES || this.#maxIdleBytes === 0) return undefined;
    const bits = Math.max(MIN_CLASS_BITS, 32 - Math.clz32(bytes - 1));
    if (bits > MAX_CLASS_BITS) return undefined;
    const buffer = this.#idle[bits - MIN_CLASS_BITS]!.pop();
    if (buffer === undefined) return Buffer.allocUnsafeSlow(1 << bits);
    this.#idleBytes -= buffer.length;
    return buffer;
  }

  /** Keep `buffer` (from `take`, given back once) for reuse, unless that would exceed the bound. */
  give(buffer: Buffer): void {
    if (this.#idleBytes + buffer.length > this.#maxIdleBytes) return;
    this.#idle[31 - Math.clz32(buffer.length) - MIN_CLASS_BITS]!.push(buffer);
    this.#idleBytes += buffer.length;
  }

  /** Bytes of idle buffers held now (tests, health checks). */
  get idleBytes(): number {
    return this.#idleBytes;
  }
}
