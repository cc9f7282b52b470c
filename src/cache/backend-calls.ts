/**
 * How a `Cache` reaches its backend: the backend and serializer are created once, on first
 * use (a creation failure reaches every caller), and every call runs under the cache's error
 * policy — timed, counted, published, and answered with a fallback under `fail-open`
 * (operation-outcomes.ts). Keys arrive here already prefixed; `Cache` owns the prefix,
 * timeouts and Flask-Caching's return values.
 */
import { type CacheBackend, type ReadMapping, thenMapped } from "../backends/backend.js";
import type { Serializer } from "../codecs/serializer.js";
import type { PyValue } from "../python/values.js";
import { force, type Lazy } from "./cache-options.js";
import type { OperationOutcomes } from "./operation-outcomes.js";
import type { CacheStats } from "./stats.js";

/** A created backend and its serializer. */
export interface Ready {
  backend: CacheBackend;
  serializer: Serializer;
}

/** One cache's backend, created lazily, and the policy every call to it runs under. */
export class BackendCalls {
  /** The backend and serializer once created (the hot paths test this, not a promise). */
  ready: Ready | undefined;
  private setupPromise: Promise<Ready> | undefined;

  constructor(
    private readonly backendSource: Lazy<CacheBackend>,
    private readonly serializerSource: Lazy<Serializer>,
    private readonly outcomes: OperationOutcomes,
    private readonly stats: CacheStats | undefined,
  ) {}

  /** Create backend and serializer once; failures surface to every caller. */
  private setup(): Promise<Ready> {
    this.setupPromise ??= (async () => {
      const [backend, serializer] = await Promise.all([
        force(this.backendSource),
        Promise.resolve().then(() => force(this.serializerSource)),
      ]);
      this.ready = { backend, serializer };
      return this.ready;
    })();
    return this.setupPromise;
  }

  /** The backend and serializer. @throws CacheConfigError or the backend's creation error */
  async use(): Promise<Ready> {
    return this.ready ?? (await this.setup());
  }

  /**
   * Run a backend operation under the policy. Config and argument errors always propagate.
   * In fail-open mode other errors are recorded and `fallback` is returned.
   */
  async guard<T>(operation: string, fallback: T, run: (r: Ready) => Promise<T>): Promise<T> {
    const r = await this.use();
    const started = this.outcomes.start();
    try {
      return this.outcomes.succeeded(operation, started, await run(r));
    } catch (err) {
      return this.outcomes.failed(operation, started, fallback, err);
    }
  }

  /**
   * `set`/`add` once the backend exists: the backend's promise under the policy, without an
   * async frame or `guard` closure (hot path). A backend that throws synchronously is treated
   * like one that rejects.
   */
  write(
    operation: "set" | "add",
    b: CacheBackend,
    storageKey: string,
    bytes: Uint8Array | readonly Uint8Array[],
    t: number,
  ): Promise<boolean> {
    const started = this.outcomes.start();
    let p: Promise<boolean>;
    try {
      if (!(bytes instanceof Uint8Array)) p = b.setParts!(storageKey, bytes, t);
      else p = operation === "set" ? b.set(storageKey, bytes, t) : b.add(storageKey, bytes, t);
    } catch (err) {
      p = Promise.reject(err);
    }
    return p.then(
      (stored) => this.outcomes.succeeded(operation, started, stored),
      (err: unknown) => this.outcomes.failed(operation, started, false, err),
    );
  }

  /** Stored bytes → value; `undefined` for a miss, or for bytes the serializer rejects (fail-open). */
  decode(r: Ready, operation: string, bytes: Uint8Array | undefined): PyValue | undefined {
    if (bytes === undefined) return undefined;
    this.stats?.read(bytes.length);
    try {
      return r.serializer.loads(bytes);
    } catch (err) {
      return this.outcomes.undecodable(operation, err);
    }
  }

  /** `Cache.get` of a storage key: the value, or `undefined` (missing, expired, fail-open). */
  get(storageKey: string): Promise<PyValue | undefined> {
    const r = this.ready;
    if (r === undefined) {
      return this.guard("get", undefined, async (ready) =>
        this.decode(ready, "get", await ready.backend.get(storageKey)),
      );
    }
    // Hot path once the backend exists: no async frames; the backend's own promise settles with
    // the value where it can (`getMapped`), else one hop over it; for the calls not timed (NaN:
    // most, stats sample latency) no closures either.
    const started = this.outcomes.start();
    const mapping = Number.isNaN(started) ? this.untimedGet : new TimedRead(this, r, started);
    const b = r.backend;
    let p: Promise<Uint8Array | undefined>;
    try {
      if (b.getMapped !== undefined) return b.getMapped(storageKey, mapping);
      p = b.get(storageKey);
    } catch (err) {
      p = Promise.reject(err);
    }
    return thenMapped(p, mapping);
  }

  /** A `get`'s reply decoded and counted under the policy. */
  got(r: Ready, started: number, bytes: Uint8Array | undefined): PyValue | undefined {
    let value: PyValue | undefined;
    try {
      value = this.decode(r, "get", bytes);
    } catch (err) {
      return this.outcomes.failed("get", started, undefined, err);
    }
    return this.outcomes.succeeded("get", started, value);
  }

  /** A `get` that failed, under the policy. */
  readFailed(started: number, err: unknown): undefined {
    return this.outcomes.failed("get", started, undefined, err);
  }

  /** `get`'s handlers for an untimed call, built once; only used once `ready` is set. */
  private readonly untimedGet: ReadMapping<PyValue | undefined> = new TimedRead(this, undefined, Number.NaN);

  /**
   * `Cache.peek` of a storage key: synchronous, from the backend's in-process store only.
   * @throws CacheBackendError for undecodable bytes under the `throw` policy
   */
  peek(storageKey: string): PyValue | undefined {
    const r = this.ready;
    if (r?.backend.peek === undefined) return undefined;
    const started = this.outcomes.start();
    try {
      return this.outcomes.succeeded("get", started, this.decode(r, "get", r.backend.peek(storageKey)));
    } catch (err) {
      return this.outcomes.failed("get", started, undefined, err);
    }
  }

  /** Close the backend if it was ever created (a failed creation closes quietly). */
  async close(): Promise<void> {
    if (!this.setupPromise) return; // never used: nothing was created
    const r = await this.setupPromise.catch(() => undefined);
    await r?.backend.close();
  }
}

/**
 * A `get`'s reply handlers: methods, not closures, so a read allocates at most this object (and
 * none when untimed: see `BackendCalls.untimedGet`).
 */
class TimedRead implements ReadMapping<PyValue | undefined> {
  constructor(
    private readonly calls: BackendCalls,
    /** undefined: the calls' `ready`, read when the reply arrives. */
    private readonly r: Ready | undefined,
    private readonly started: number,
  ) {}

  map(bytes: Uint8Array | undefined): PyValue | undefined {
    return this.calls.got(this.r ?? this.calls.ready!, this.started, bytes);
  }

  onError(err: unknown): undefined {
    return this.calls.readFailed(this.started, err);
  }
}
