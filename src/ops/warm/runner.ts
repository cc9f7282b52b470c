/**
 * Warm a list of charts through a `WarmTarget` (Superset's REST API, Superset's own Celery
 * tasks, or anything else with a `warm` method), a few at a time, with progress events and a
 * summary. A `ColdCheck` can skip charts whose data is already cached.
 */
import { type Clock, systemClock } from "../../core/clock.js";
import { WarmupError } from "./errors.js";
import type { WarmTask } from "./strategies.js";

/** What warming one chart did. `queued`: a task was enqueued, the chart is not warm yet. */
export type WarmStatus = "warmed" | "queued" | "failed" | "skipped";

/** A target's answer for one chart. */
export interface WarmResult {
  status: "warmed" | "queued" | "failed";
  /** Why it failed, or what was queued. */
  detail?: string;
  /** Id of the task enqueued (Celery targets). */
  taskId?: string;
}

/** Where charts are warmed. Implementations: `restWarmTarget` here, `fetchUrlWarmTarget` in superset-cache/celery. */
export interface WarmTarget {
  /** Short name for progress output, e.g. `rest` or `celery`. */
  readonly name: string;
  /** Warm one chart. A rejection counts as `failed` with the error's message. */
  warm(task: WarmTask): Promise<WarmResult>;
}

/** Decides whether a chart's data is already in the data cache. */
export interface ColdCheck {
  /** `true` when every query of the chart has an entry; `reason` says why a chart counts as cold. */
  check(task: WarmTask): Promise<{ warm: boolean; reason?: string }>;
}

export interface WarmOutcome {
  task: WarmTask;
  status: WarmStatus;
  detail?: string;
  taskId?: string;
  /** MILLISECONDS spent on this chart. */
  durationMs: number;
}

/** Emitted once at the start (`done` 0), after each chart, and at the end. */
export interface WarmProgressEvent {
  type: "start" | "chart" | "end";
  total: number;
  /** Charts finished so far. */
  done: number;
  outcome?: WarmOutcome;
}

export interface WarmSummary {
  target: string;
  total: number;
  warmed: number;
  queued: number;
  failed: number;
  skipped: number;
  outcomes: WarmOutcome[];
  /** MILLISECONDS for the whole run. */
  durationMs: number;
}

export interface WarmupRunOptions {
  /** Charts warmed at the same time. Default 4. */
  concurrency?: number;
  /** Skip charts this says are warm ("cold only"). Default: warm every chart. */
  coldCheck?: ColdCheck;
  onProgress?: (event: WarmProgressEvent) => void;
  /** Stops starting new charts when aborted; charts under way finish. */
  signal?: AbortSignal;
  /** Source of durations. Default the system clock. */
  clock?: Clock;
}

/** Warm-up defaults. */
export const WARMUP_DEFAULTS = { concurrency: 4 } as const;

/**
 * Warm `tasks` through `target`, at most `concurrency` at a time. Never throws for one chart:
 * failures are counted. Outcomes keep the order of `tasks`.
 * @throws WarmupError `WARMUP_INVALID_OPTION` for a concurrency below 1
 */
export async function runWarmup(
  tasks: readonly WarmTask[],
  target: WarmTarget,
  options: WarmupRunOptions = {},
): Promise<WarmSummary> {
  const concurrency = options.concurrency ?? WARMUP_DEFAULTS.concurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new WarmupError(
      "WARMUP_INVALID_OPTION",
      `concurrency must be a positive integer, got ${concurrency}`,
    );
  const clock = options.clock ?? systemClock;
  const started = clock.now();
  const outcomes: WarmOutcome[] = new Array(tasks.length);
  let next = 0;
  let done = 0;
  const emit = (event: WarmProgressEvent) => options.onProgress?.(event);
  emit({ type: "start", total: tasks.length, done: 0 });

  const one = async (task: WarmTask): Promise<WarmOutcome> => {
    const t0 = clock.now();
    const finish = (o: Omit<WarmOutcome, "task" | "durationMs">): WarmOutcome => ({
      task,
      ...o,
      durationMs: clock.now() - t0,
    });
    try {
      if (options.coldCheck) {
        const { warm } = await options.coldCheck.check(task);
        if (warm) return finish({ status: "skipped", detail: "already in the data cache" });
      }
      const r = await target.warm(task);
      return finish({
        status: r.status,
        ...(r.detail !== undefined ? { detail: r.detail } : {}),
        ...(r.taskId !== undefined ? { taskId: r.taskId } : {}),
      });
    } catch (err) {
      return finish({ status: "failed", detail: err instanceof Error ? err.message : String(err) });
    }
  };

  const worker = async (): Promise<void> => {
    while (next < tasks.length && !options.signal?.aborted) {
      const i = next++;
      const outcome = await one(tasks[i]!);
      outcomes[i] = outcome;
      done++;
      emit({ type: "chart", total: tasks.length, done, outcome });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, tasks.length)) }, worker));

  const finished = outcomes.filter((o): o is WarmOutcome => o !== undefined);
  const count = (s: WarmStatus) => finished.filter((o) => o.status === s).length;
  emit({ type: "end", total: tasks.length, done });
  return {
    target: target.name,
    total: tasks.length,
    warmed: count("warmed"),
    queued: count("queued"),
    failed: count("failed"),
    skipped: count("skipped") + (tasks.length - finished.length),
    outcomes: finished,
    durationMs: clock.now() - started,
  };
}
