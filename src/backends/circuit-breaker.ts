/**
 * A circuit breaker around any `CacheBackend`. After `failureThreshold` consecutive failures
 * it opens: every call then fails at once with `CIRCUIT_OPEN` (microseconds, no network),
 * so a dead Redis does not cost each caller a command timeout. After `coolDownMs` one call
 * is let through as a probe (half-open); its success closes the circuit, its failure opens it
 * again for another cool-down. Only failures that mean "the backend is unavailable" count:
 * errors with `transient: false` (bad arguments, WRONGTYPE, …) pass through without
 * tripping the breaker.
 */
import { type Clock, systemClock } from "../core/clock.js";
import { CacheBackendError, SupersetCacheError } from "../core/errors.js";
import type { BackendEntry, CacheBackend } from "./backend.js";

/** closed = calls flow; open = calls fail fast; half-open = one probe call is in flight or allowed. */
export type CircuitState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before a probe, in MILLISECONDS (default 1000). */
  coolDownMs?: number;
  /** Time source (default the system clock); tests inject a fake one. */
  clock?: Clock;
  /**
   * Whether an error counts as a backend failure. Default: errors carrying `transient: false`
   * and our config/encode/decode errors do not count; everything else does.
   */
  isFailure?: (error: unknown) => boolean;
  /** Called on every state change (never throws into the caller). */
  onStateChange?: (from: CircuitState, to: CircuitState) => void;
}

/** Defaults of `CircuitBreakerOptions`. */
export const CIRCUIT_BREAKER_DEFAULTS = { failureThreshold: 5, coolDownMs: 1000 } as const;

/** Error code of calls rejected while the circuit is open. */
export const CIRCUIT_OPEN = "CIRCUIT_OPEN";

/** Counters of one breaker. */
export interface CircuitBreakerStats {
  state: CircuitState;
  consecutiveFailures: number;
  /** Times the circuit opened. */
  opened: number;
  /** Calls rejected without reaching the backend. */
  rejected: number;
  /** Failures counted (transient ones). */
  failures: number;
  /** Calls that reached the backend and succeeded. */
  successes: number;
  /** Probe calls made in half-open state. */
  probes: number;
}

function defaultIsFailure(error: unknown): boolean {
  if (error && typeof error === "object" && "transient" in error)
    return (error as { transient: unknown }).transient !== false;
  // Config, encode and decode errors say nothing about the backend's health.
  if (error instanceof SupersetCacheError && !(error instanceof CacheBackendError)) return false;
  return true;
}

/** A `CacheBackend` decorator that stops calling a failing backend for a while. */
export class CircuitBreakerBackend implements CacheBackend {
  readonly kind: string;
  readonly #inner: CacheBackend;
  readonly #threshold: number;
  readonly #coolDownMs: number;
  readonly #clock: Clock;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #onStateChange: CircuitBreakerOptions["onStateChange"];
  #state: CircuitState = "closed";
  #openedAt = 0;
  #probeInFlight = false;
  readonly #stats = { consecutiveFailures: 0, opened: 0, rejected: 0, failures: 0, successes: 0, probes: 0 };
  readonly incr?: (key: string, delta: number) => Promise<number | bigint>;
  readonly setParts?: (key: string, parts: readonly Uint8Array[], timeout: number) => Promise<boolean>;

  constructor(inner: CacheBackend, options: CircuitBreakerOptions = {}) {
    this.#inner = inner;
    this.kind = inner.kind;
    this.#threshold = options.failureThreshold ?? CIRCUIT_BREAKER_DEFAULTS.failureThreshold;
    this.#coolDownMs = options.coolDownMs ?? CIRCUIT_BREAKER_DEFAULTS.coolDownMs;
    this.#clock = options.clock ?? systemClock;
    this.#isFailure = options.isFailure ?? defaultIsFailure;
    this.#onStateChange = options.onStateChange;
    const incr = inner.incr;
    // Only offer `incr` when the inner backend has it, so Cache keeps its generic fallback otherwise.
    if (incr) this.incr = (key, delta) => this.#call(() => incr.call(inner, key, delta));
    // Likewise `setParts`, so a `bytes` value still reaches e.g. Redis without a copy.
    const setParts = inner.setParts;
    if (setParts)
      this.setParts = (key, parts, timeout) => this.#call(() => setParts.call(inner, key, parts, timeout));
  }

  /** The wrapped backend. */
  get inner(): CacheBackend {
    return this.#inner;
  }

  /** Current state (an open circuit whose cool-down has passed reports `half-open`). */
  get state(): CircuitState {
    if (this.#state === "open" && this.#clock.now() - this.#openedAt >= this.#coolDownMs) return "half-open";
    return this.#state;
  }

  stats(): CircuitBreakerStats {
    return { state: this.state, ...this.#stats };
  }

  #transition(to: CircuitState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    if (to === "open") {
      this.#openedAt = this.#clock.now();
      this.#stats.opened++;
    }
    try {
      this.#onStateChange?.(from, to);
    } catch {
      // An observer's bug must not turn a cache call into a failure.
    }
  }

  #reject(): Promise<never> {
    this.#stats.rejected++;
    return Promise.reject(
      new CacheBackendError(CIRCUIT_OPEN, this.kind, `${this.kind} backend circuit is open; failing fast`),
    );
  }

  #call<T>(run: () => Promise<T>): Promise<T> {
    let probe = false;
    if (this.#state !== "closed") {
      if (this.#probeInFlight || this.#clock.now() - this.#openedAt < this.#coolDownMs) return this.#reject();
      probe = true;
      this.#probeInFlight = true;
      this.#stats.probes++;
      this.#transition("half-open");
    }
    let p: Promise<T>;
    try {
      p = run();
    } catch (err) {
      p = Promise.reject(err);
    }
    return p.then(
      (value) => {
        if (probe) this.#probeInFlight = false;
        this.#stats.successes++;
        this.#stats.consecutiveFailures = 0;
        if (this.#state !== "closed") this.#transition("closed");
        return value;
      },
      (err: unknown) => {
        if (probe) this.#probeInFlight = false;
        if (this.#isFailure(err)) {
          this.#stats.failures++;
          this.#stats.consecutiveFailures++;
          if (this.#state === "half-open" || this.#stats.consecutiveFailures >= this.#threshold) {
            this.#transition("open");
            // A failed probe restarts the cool-down even if the circuit was already open.
            this.#openedAt = this.#clock.now();
          }
        } else if (probe && this.#state === "half-open") {
          // The backend answered (with a caller error): it is reachable again.
          this.#stats.consecutiveFailures = 0;
          this.#transition("closed");
        }
        throw err;
      },
    );
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.#call(() => this.#inner.get(key));
  }
  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    return this.#call(() => this.#inner.getMany(keys));
  }
  set(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    return this.#call(() => this.#inner.set(key, value, timeout));
  }
  setMany(entries: readonly BackendEntry[]): Promise<boolean[]> {
    return this.#call(() => this.#inner.setMany(entries));
  }
  add(key: string, value: Uint8Array, timeout: number): Promise<boolean> {
    return this.#call(() => this.#inner.add(key, value, timeout));
  }
  delete(key: string): Promise<boolean> {
    return this.#call(() => this.#inner.delete(key));
  }
  deleteMany(keys: readonly string[]): Promise<boolean[]> {
    return this.#call(() => this.#inner.deleteMany(keys));
  }
  has(key: string): Promise<boolean> {
    return this.#call(() => this.#inner.has(key));
  }
  clear(prefix: string): Promise<boolean> {
    return this.#call(() => this.#inner.clear(prefix));
  }
  /** The wrapped backend's reachability check (never blocked by the circuit). */
  async ping(): Promise<void> {
    await this.#inner.ping?.();
  }
  /** Closes the wrapped backend (never blocked by the circuit). */
  close(): Promise<void> {
    return this.#inner.close();
  }

  toString(): string {
    return `CircuitBreaker(${String(this.#inner)}, ${this.state})`;
  }
}
