/**
 * `cache.getOrSet(key, factory, options)`: read-through with stampede and outage protection.
 *
 * - Single flight: concurrent callers of one key in this process share one factory run.
 * - Optional cross-process lock (`DistributedLock`, e.g. `RedisLock`): one process runs the
 *   factory; the others poll the cache for its value and, past their wait, run their own.
 * - Soft timeout: past it, a caller gets the stale copy (if any) while the run continues.
 * - Hard timeout: bounds the whole call; the factory's AbortSignal fires and the caller gets the
 *   stale copy or a `GetOrSetTimeoutError`.
 * - Grace (stale-if-error): the last good value stays servable `graceSeconds` after the entry's
 *   timeout, from an in-process copy and from a companion key `<key>::grace` holding the same
 *   bytes with timeout + grace. The main entry is written exactly as `cache.set` writes it, so
 *   Superset readers see a normal entry; they never read the companion.
 */

import { SupersetCacheError } from "../../core/errors.js";
import type { PyValue } from "../../python/values.js";
import type { Cache } from "../cache.js";
import {
  type GetOrSetFactory,
  type GetOrSetOptions,
  GRACE_KEY_SUFFIX,
  LOCK_KEY_SUFFIX,
  MS,
  NO_OPTIONS,
  type ResolvedGetOrSetOptions,
  resolveOptions,
} from "./get-or-set-options.js";
import { StaleStore } from "./stale-store.js";

export {
  GET_OR_SET_DEFAULTS,
  type GetOrSetFactory,
  type GetOrSetOptions,
  GRACE_KEY_SUFFIX,
  LOCK_KEY_SUFFIX,
} from "./get-or-set-options.js";

/** Counters since the cache was created. */
export interface GetOrSetStats {
  hits: number;
  misses: number;
  factoryRuns: number;
  factoryErrors: number;
  /** Callers that joined a run already in flight in this process. */
  singleFlightJoins: number;
  locksAcquired: number;
  /** Times another process held the lock. */
  lockWaits: number;
  /** Waits that ended with the other process's value. */
  lockWaitHits: number;
  /** Waits that ran out and ran the factory here. */
  lockWaitTimeouts: number;
  /** Lock store failures (the run then went ahead without the lock). */
  lockErrors: number;
  hardTimeouts: number;
  /** Stale copies served, by reason. */
  staleServed: { softTimeout: number; factoryError: number; hardTimeout: number; backendError: number };
  /** Background runs (finished after their callers were answered stale) that failed. */
  backgroundErrors: number;
}

/** A call ran past its hard timeout with no stale copy to serve. Code `GET_OR_SET_HARD_TIMEOUT`. */
export class GetOrSetTimeoutError extends SupersetCacheError {
  constructor(key: string, seconds: number) {
    super("GET_OR_SET_HARD_TIMEOUT", `getOrSet("${key}") exceeded its hard timeout of ${seconds} s`);
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves `undefined` after `ms` unless `p` settles first; the timer never outlives the race. */
function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(r, Math.max(0, ms), undefined);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

type Outcome = { kind: "fresh"; value: PyValue } | { kind: "soft" } | { kind: "error"; error: unknown };

/** Per-cache state of `getOrSet`: flights in progress, stale copies, counters. */
export class GetOrSetCoordinator {
  private readonly flights = new Map<string, { work: Promise<PyValue>; deadline: number }>();
  readonly stale = new StaleStore();
  readonly counters: GetOrSetStats = {
    hits: 0,
    misses: 0,
    factoryRuns: 0,
    factoryErrors: 0,
    singleFlightJoins: 0,
    locksAcquired: 0,
    lockWaits: 0,
    lockWaitHits: 0,
    lockWaitTimeouts: 0,
    lockErrors: 0,
    hardTimeouts: 0,
    staleServed: { softTimeout: 0, factoryError: 0, hardTimeout: 0, backendError: 0 },
    backgroundErrors: 0,
  };

  constructor(private readonly cache: Cache) {}

  /** See `Cache.getOrSet`. */
  getOrSet<T extends PyValue>(
    key: string,
    factory: GetOrSetFactory<T>,
    options: GetOrSetOptions = NO_OPTIONS,
  ): Promise<T | PyValue> {
    let o: ResolvedGetOrSetOptions;
    try {
      o = resolveOptions(options);
    } catch (err) {
      return Promise.reject(err); // invalid options reject, as from an async function
    }
    const start = Date.now();
    if (o.forceRefresh || o.graceSeconds > 0) return this.readWithGrace(key, factory, o, start);
    // Hot path (no grace): one promise hop over `get`, no async frame.
    return this.cache.get(key).then((value) => {
      if (value === undefined) return this.fill(key, factory, o, start);
      this.counters.hits++;
      return value;
    });
  }

  /** `getOrSet` with grace copies (stale-if-error) or a forced refresh. */
  private async readWithGrace<T extends PyValue>(
    key: string,
    factory: GetOrSetFactory<T>,
    o: ResolvedGetOrSetOptions,
    start: number,
  ): Promise<T | PyValue> {
    if (!o.forceRefresh) {
      const errorsBefore = o.graceSeconds > 0 ? this.errorTotal() : 0;
      const read = this.cache.get(key);
      let value: PyValue | undefined;
      if (o.graceSeconds > 0 && o.softMs !== undefined) {
        // A backend that hangs (server gone, connect timeout pending) must not hold the caller
        // past its soft timeout when a copy can answer.
        const answered = await within(
          read.then((v) => ({ v })),
          start + o.softMs - Date.now(),
        );
        if (answered === undefined) {
          const copy = this.stale.recall(key, Date.now());
          if (copy) {
            this.counters.staleServed.softTimeout++;
            read.catch(() => this.counters.backgroundErrors++);
            return copy.value;
          }
          value = await read;
        } else value = answered.v;
      } else value = await read;
      if (value !== undefined) {
        this.counters.hits++;
        // The entry may expire any moment from now; its copy stays servable for the grace period.
        if (o.graceSeconds > 0) this.stale.remember(key, value, Date.now() + o.graceSeconds * MS);
        return value;
      }
      // A read that failed (fail-open turned it into a miss) while a stale copy exists: serve it.
      if (o.graceSeconds > 0 && this.errorTotal() > errorsBefore) {
        const copy = this.stale.recall(key, Date.now());
        if (copy) {
          this.counters.staleServed.backendError++;
          return copy.value;
        }
      }
    }
    return this.fill(key, factory, o, start);
  }

  /** The miss path: join this key's run in flight or start one, then answer (stale rules apply). */
  private fill<T extends PyValue>(
    key: string,
    factory: GetOrSetFactory<T>,
    o: ResolvedGetOrSetOptions,
    start: number,
  ): Promise<T | PyValue> {
    this.counters.misses++;
    let flight = this.flights.get(key);
    if (flight) {
      this.counters.singleFlightJoins++;
    } else {
      const deadline = start + o.hardMs;
      const work = this.run(key, factory, o, deadline);
      flight = { work, deadline };
      const current = flight;
      this.flights.set(key, current);
      // Callers answered stale no longer await `work`; its failure is counted, never unhandled.
      work.then(
        () => this.endFlight(key, current),
        () => this.endFlight(key, current),
      );
    }
    return this.answer(key, flight.work, o, start, flight.deadline);
  }

  private endFlight(key: string, flight: { work: Promise<PyValue> }): void {
    if (this.flights.get(key) === flight) this.flights.delete(key);
  }

  private errorTotal(): number {
    let total = 0;
    for (const n of Object.values(this.cache.errorCounts())) total += n;
    return total;
  }

  /** Wait for `work` up to the soft timeout; fall back to the stale copy on timeout or failure. */
  private async answer(
    key: string,
    work: Promise<PyValue>,
    o: ResolvedGetOrSetOptions,
    start: number,
    deadline: number,
  ): Promise<PyValue> {
    if (o.graceSeconds === 0 && o.softMs === undefined) return work;
    const outcome = await this.settle(
      work,
      o.softMs === undefined ? undefined : start + o.softMs - Date.now(),
    );
    if (outcome.kind === "fresh") return outcome.value;
    const copy = await this.findStale(key, o, deadline);
    if (copy) {
      const served = this.counters.staleServed;
      if (outcome.kind === "soft") served.softTimeout++;
      else if (outcome.error instanceof GetOrSetTimeoutError) served.hardTimeout++;
      else served.factoryError++;
      if (outcome.kind === "soft") work.catch(() => this.counters.backgroundErrors++);
      return copy.value;
    }
    if (outcome.kind === "soft") return work;
    throw outcome.error;
  }

  private settle(work: Promise<PyValue>, softMs: number | undefined): Promise<Outcome> {
    const settled = work.then(
      (value): Outcome => ({ kind: "fresh", value }),
      (error: unknown): Outcome => ({ kind: "error", error }),
    );
    if (softMs === undefined) return settled;
    return within(settled, softMs).then((o) => o ?? { kind: "soft" });
  }

  /** The in-process copy, else the companion key (read no longer than the call may still take). */
  private async findStale(
    key: string,
    o: ResolvedGetOrSetOptions,
    deadline: number,
  ): Promise<{ value: PyValue } | undefined> {
    if (o.graceSeconds === 0) return undefined;
    const local = this.stale.recall(key, Date.now());
    if (local) return local;
    const remote = await within(
      this.cache.get(key + GRACE_KEY_SUFFIX).catch(() => undefined),
      deadline - Date.now(),
    );
    return remote === undefined ? undefined : { value: remote };
  }

  /** One flight: take the lock (or wait for the holder's value), run the factory, store, release. */
  private async run(
    key: string,
    factory: GetOrSetFactory,
    o: ResolvedGetOrSetOptions,
    deadline: number,
  ): Promise<PyValue> {
    const lockKey = this.cache.storageKey(key) + LOCK_KEY_SUFFIX;
    let token: string | undefined;
    if (o.lock) {
      const lock = o.lock;
      const taken = await within(
        lock.acquire(lockKey, o.hardMs).then(
          (t) => ({ t }),
          () => undefined,
        ),
        deadline - Date.now(),
      );
      if (taken === undefined) this.counters.lockErrors++;
      else if (taken.t !== undefined) {
        token = taken.t;
        this.counters.locksAcquired++;
      } else {
        const value = await this.waitForHolder(key, o, deadline);
        if (value !== undefined) return value;
      }
    }
    const release = async () => {
      if (token !== undefined && o.lock) {
        await o.lock.release(lockKey, token).catch(() => this.counters.lockErrors++);
      }
    };
    let value: PyValue;
    try {
      value = await this.runFactory(key, factory, o, deadline);
    } catch (error) {
      await release();
      throw error;
    }
    // The lock is released only after the value is stored, so waiters polling find it.
    const storing = this.store(key, value, o).finally(release);
    // A slow or dead backend must not hold callers past the hard timeout: they get the fresh
    // value and the write finishes (or fails, counted) in the background.
    const stored = await within(
      storing.then(() => true),
      deadline - Date.now(),
    );
    if (stored === undefined) storing.catch(() => this.counters.backgroundErrors++);
    return value;
  }

  /** Poll the cache while another process runs the factory; `undefined` when the wait ran out. */
  private async waitForHolder(
    key: string,
    o: ResolvedGetOrSetOptions,
    deadline: number,
  ): Promise<PyValue | undefined> {
    this.counters.lockWaits++;
    const until = Math.min(deadline, Date.now() + o.lockWaitMs);
    while (Date.now() + o.lockPollMs < until) {
      await sleep(o.lockPollMs);
      const value = await this.cache.get(key);
      if (value !== undefined) {
        this.counters.lockWaitHits++;
        if (o.graceSeconds > 0) this.stale.remember(key, value, Date.now() + o.graceSeconds * MS);
        return value;
      }
    }
    this.counters.lockWaitTimeouts++;
    return undefined;
  }

  private async runFactory(
    key: string,
    factory: GetOrSetFactory,
    o: ResolvedGetOrSetOptions,
    deadline: number,
  ): Promise<PyValue> {
    this.counters.factoryRuns++;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const hard = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          this.counters.hardTimeouts++;
          const error = new GetOrSetTimeoutError(key, o.hardMs / MS);
          controller.abort(error);
          reject(error);
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      return await Promise.race([Promise.resolve().then(() => factory({ signal: controller.signal })), hard]);
    } catch (error) {
      if (!(error instanceof GetOrSetTimeoutError)) this.counters.factoryErrors++;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The entry as `cache.set` writes it, plus the grace copy (companion key and in-process). */
  private async store(key: string, value: PyValue, o: ResolvedGetOrSetOptions): Promise<void> {
    if (o.graceSeconds === 0) {
      await this.cache.set(key, value, o.timeout);
      return;
    }
    const timeout = o.timeout ?? this.cache.defaultTimeout;
    // timeout 0 (never expires) keeps the grace copy forever too; negatives are left to the backend.
    // Whole seconds: cache.set refuses fractional timeouts (INVALID_TIMEOUT), grace may be fractional.
    const graceTimeout = timeout > 0 ? Math.ceil(timeout + o.graceSeconds) : timeout;
    const until = timeout === 0 ? Number.POSITIVE_INFINITY : Date.now() + graceTimeout * MS;
    this.stale.remember(key, value, until);
    await Promise.all([
      this.cache.set(key, value, o.timeout),
      this.cache.set(key + GRACE_KEY_SUFFIX, value, graceTimeout),
    ]);
  }

  /** Counters since the cache was created (a copy). */
  stats(): GetOrSetStats {
    return { ...this.counters, staleServed: { ...this.counters.staleServed } };
  }
}

const coordinators = new WeakMap<Cache, GetOrSetCoordinator>();

/** The coordinator of `cache`, created on first use. */
export function coordinatorFor(cache: Cache): GetOrSetCoordinator {
  let c = coordinators.get(cache);
  if (!c) {
    c = new GetOrSetCoordinator(cache);
    coordinators.set(cache, c);
  }
  return c;
}
