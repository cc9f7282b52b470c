/**
 * The metastore backend's connections: up to `max` driver connections, opened on demand and
 * used directly, one statement at a time each. A statement goes to an idle connection, else to a
 * new one while below `max`, else waits in the set's own FIFO for the next connection to finish
 * (a statement is never queued inside a driver connection: `pg` deprecates that). A driver pool
 * checks a connection out and back in per statement (events, listeners, an idle timer re-armed
 * every time), which is measurable against a bare indexed read; this keeps one idle timer per set.
 */
import { CacheBackendError } from "../../core/errors.js";

/** How the set opens, uses and closes one driver connection. */
export interface ConnectionDriver<C, R> {
  /** Open a connection; `onLost` is called once if it later fails or closes (error when known). */
  open(onLost: (error: Error | undefined) => void): Promise<C>;
  /** Run one statement on the connection. */
  query(connection: C, sql: string, values: unknown[]): Promise<R>;
  /** Close a connection; failures are ignored. */
  close(connection: C): Promise<void>;
  /** Whether a statement error means the connection is unusable. */
  isConnectionLost(error: unknown): boolean;
}

/** Options of {@link ConnectionSet}. */
export interface ConnectionSetOptions {
  /** Most connections open at once. */
  maxConnections: number;
  /** MILLISECONDS a connection may stay unused before it is closed. Default {@link DEFAULT_IDLE_MS}. */
  idleMs?: number;
  /** Told about a connection lost while no statement was using it. */
  onIdleLost?: (error: Error) => void;
}

/** Default `idleMs`: 10 s, as `pg`'s pool (mysql2's pool waits 60 s). */
export const DEFAULT_IDLE_MS = 10_000;

interface Slot<C> {
  /** Set once connected. */
  connection: C | undefined;
  opening: Promise<C> | undefined;
  /** A statement is running on it (or it was handed to a waiting one). */
  busy: boolean;
  /** `Date.now()` when it last became idle. */
  idleSince: number;
  lost: boolean;
}

const closedError = (): CacheBackendError =>
  new CacheBackendError("METASTORE_CLOSED", "metastore", "connections are closed");

/** A small fixed-size set of connections (see the file comment). */
export class ConnectionSet<C, R> {
  private slots: Slot<C>[] = [];
  private sweep: ReturnType<typeof setTimeout> | undefined;
  private ended = false;
  private readonly idleMs: number;
  /** Statements waiting for a connection, oldest first. */
  private waiting: { resolve: (slot: Slot<C>) => void; reject: (error: Error) => void }[] = [];

  constructor(
    private readonly driver: ConnectionDriver<C, R>,
    private readonly options: ConnectionSetOptions,
  ) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  }

  /**
   * Run one statement on a connection of the set. A statement that fails because its connection
   * was lost (the server closed it, the network dropped it) is retried once on another: every
   * statement the metastore sends is idempotent.
   * @throws the driver's error (a lost connection is dropped from the set first);
   *   CacheBackendError `METASTORE_CLOSED` after `end()`
   */
  async query(sql: string, values: unknown[]): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      if (this.ended) throw closedError();
      const slot = this.pick() ?? (await this.nextFree());
      try {
        const connection = slot.connection ?? (await slot.opening!);
        return await this.driver.query(connection, sql, values);
      } catch (error) {
        if (!this.driver.isConnectionLost(error)) throw error;
        this.drop(slot);
        if (attempt === 2) throw error;
      } finally {
        this.release(slot);
      }
    }
  }

  /** Close every connection; later queries throw. */
  async end(): Promise<void> {
    this.ended = true;
    if (this.sweep) clearTimeout(this.sweep);
    for (const w of this.waiting.splice(0)) w.reject(closedError());
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => this.closeSlot(s)));
  }

  /** An idle connection, or a new one while below `maxConnections`, marked busy; else undefined. */
  private pick(): Slot<C> | undefined {
    let slot = this.slots.find((s) => !s.busy);
    if (!slot && this.slots.length < this.options.maxConnections) slot = this.openSlot();
    if (slot) slot.busy = true;
    return slot;
  }

  /** The next connection a statement finishes with (handed over busy). */
  private nextFree(): Promise<Slot<C>> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** A statement is done with `slot`: hand it (or, if it was lost, a new one) to the oldest waiter. */
  private release(slot: Slot<C>): void {
    const waiter = this.waiting.shift();
    if (waiter) {
      const next = slot.lost ? this.openSlot() : slot;
      next.busy = true;
      waiter.resolve(next);
      return;
    }
    slot.busy = false;
    if (slot.lost) return;
    slot.idleSince = Date.now();
    this.sweep ??= this.armSweep(this.idleMs);
  }

  private openSlot(): Slot<C> {
    const slot: Slot<C> = {
      connection: undefined,
      opening: undefined,
      busy: false,
      idleSince: 0,
      lost: false,
    };
    const opening = this.driver.open((error) => {
      if (error && !slot.busy && !slot.lost) this.options.onIdleLost?.(error);
      this.drop(slot);
    });
    slot.opening = opening.then(
      (connection) => {
        slot.connection = connection;
        slot.opening = undefined;
        return connection;
      },
      (error: unknown) => {
        this.drop(slot);
        throw error;
      },
    );
    // A failed open is reported by the statement awaiting it; never as an unhandled rejection.
    slot.opening.catch(() => {});
    this.slots.push(slot);
    return slot;
  }

  private drop(slot: Slot<C>): void {
    if (slot.lost) return;
    slot.lost = true;
    this.slots = this.slots.filter((s) => s !== slot);
    void this.closeSlot(slot);
  }

  private async closeSlot(slot: Slot<C>): Promise<void> {
    slot.lost = true;
    const connection = slot.connection ?? (await slot.opening?.catch(() => undefined));
    if (connection !== undefined) await this.driver.close(connection).catch(() => {});
  }

  /** One timer per set closes connections unused for `idleMs`; sockets, not it, keep the process alive. */
  private armSweep(ms: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.sweep = undefined;
      const now = Date.now();
      let next = Number.POSITIVE_INFINITY;
      for (const s of [...this.slots]) {
        if (s.busy) continue;
        const left = s.idleSince + this.idleMs - now;
        if (left <= 0) this.drop(s);
        else next = Math.min(next, left);
      }
      if (next !== Number.POSITIVE_INFINITY) this.sweep = this.armSweep(next);
    }, ms);
    timer.unref();
    return timer;
  }
}
