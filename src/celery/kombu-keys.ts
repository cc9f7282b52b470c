/**
 * Where kombu's Redis transport (kombu/transport/redis.py, 5.2 – 5.5) keeps a queue: one list
 * per priority step (`celery`, `celery\x06\x163`, `celery\x06\x166`, `celery\x06\x169`), the
 * `unacked` hash and `unacked_index` sorted set of delivered, unacknowledged messages, every
 * key behind the `global_keyprefix` transport option.
 */

/** kombu's `PRIORITY_STEPS`. */
export const KOMBU_PRIORITY_STEPS: readonly number[] = [0, 3, 6, 9];
/** kombu's `Channel.sep`: between a queue name and its priority step. */
export const KOMBU_PRIORITY_SEPARATOR = "\x06\x16";
/** kombu's default queue, Celery's `task_default_queue`. */
export const CELERY_DEFAULT_QUEUE = "celery";

/** The transport options that change key names (`broker_transport_options` in Celery). */
export interface KombuKeyOptions {
  /** `global_keyprefix`, prepended to every key kombu uses. Default none. */
  globalKeyPrefix?: string;
  /** `priority_steps`, ascending. Default [0, 3, 6, 9]. */
  prioritySteps?: readonly number[];
  /** `sep` between queue and step. Default `\x06\x16`. */
  separator?: string;
  /** `unacked_key`. Default `unacked`. */
  unackedKey?: string;
  /** `unacked_index_key`. Default `unacked_index`. */
  unackedIndexKey?: string;
}

/** The key names of one broker, with the transport options applied. */
export class KombuKeys {
  readonly prefix: string;
  readonly steps: readonly number[];
  readonly separator: string;

  constructor(private readonly options: KombuKeyOptions = {}) {
    this.prefix = options.globalKeyPrefix ?? "";
    this.steps = options.prioritySteps ?? KOMBU_PRIORITY_STEPS;
    this.separator = options.separator ?? KOMBU_PRIORITY_SEPARATOR;
  }

  /**
   * kombu's `priority(n)`: the largest step not above `n` (after the 0–9 clamp of
   * `_get_message_priority`); a non-number is the default priority 0.
   */
  step(priority: number | null | undefined): number {
    const p = typeof priority === "number" && Number.isFinite(priority) ? Math.trunc(priority) : 0;
    const clamped = Math.max(0, Math.min(9, p));
    // bisect_right - 1: below the first step Python's index -1 picks the last one.
    let chosen = this.steps[this.steps.length - 1] ?? 0;
    for (const s of this.steps) if (s <= clamped) chosen = s;
    return chosen;
  }

  /** The list a message of `priority` goes to (`_q_for_pri`), with the global prefix. */
  queueKey(queue: string, priority?: number | null): string {
    const step = this.step(priority);
    return this.prefix + (step ? `${queue}${this.separator}${step}` : queue);
  }

  /** Every list of `queue`, in the order workers consume them (step 0 first). */
  queueKeys(queue: string): { step: number; key: string }[] {
    return this.steps.map((step) => ({
      step,
      key: this.prefix + (step ? `${queue}${this.separator}${step}` : queue),
    }));
  }

  /** The hash of delivered, unacknowledged messages (`delivery_tag` → `[message, exchange, routing_key]`). */
  get unacked(): string {
    return this.prefix + (this.options.unackedKey ?? "unacked");
  }

  /** The sorted set of delivery tags by delivery time (restored after `visibility_timeout`). */
  get unackedIndex(): string {
    return this.prefix + (this.options.unackedIndexKey ?? "unacked_index");
  }
}
