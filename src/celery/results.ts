/**
 * Celery's result meta in a key-value backend (celery/backends/base.py `_get_result_meta`,
 * `KeyValueStoreBackend`): the JSON object under `celery-task-meta-<task id>`, written with
 * SETEX (`result_expires`, one day by default) and PUBLISHed on a channel of the same name.
 */
import { stdlibJsonLoads } from "../codecs/json/stdlib-decode.js";
import { isStrDict } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";
import { CeleryError } from "./errors.js";

/** Celery's `task_keyprefix`. */
export const CELERY_TASK_META_PREFIX = "celery-task-meta-";

/** States after which a result no longer changes (celery.states.READY_STATES). */
export const CELERY_READY_STATES: ReadonlySet<string> = new Set(["SUCCESS", "FAILURE", "REVOKED"]);

/** An exception stored by the JSON result serializer (`prepare_exception`). */
export interface StoredException {
  /** `exc_type`, e.g. `ValueError`. */
  type: string;
  /** `exc_module`, e.g. `builtins`. */
  module: string | null;
  /** `exc_message`: the exception's args. */
  message: PyValue;
}

/** A task's stored state and result. */
export interface TaskResult {
  taskId: string;
  /** `PENDING` is never stored: a missing key reads as undefined. */
  status: string;
  /** The return value (SUCCESS), the exception dict (FAILURE/RETRY), or progress meta. */
  result: PyValue;
  /** The exception as fields when `result` holds one. */
  exception: StoredException | null;
  traceback: string | null;
  children: PyValue[];
  /** `date_done`: naive UTC ISO text, null while not ready. */
  dateDone: string | null;
  /** Present with `result_extended`: task name, args, kwargs, worker, retries, queue. */
  name: string | null;
  args: PyValue;
  kwargs: PyValue;
  worker: string | null;
  queue: string | null;
  /** Every field as stored. */
  raw: Record<string, PyValue>;
}

/**
 * The key of a task's result. `globalKeyPrefix` is `result_backend_transport_options
 * ["global_keyprefix"]` (Celery 5.3+): followed by `_` unless it already ends in `:`, `_`,
 * `-` or `.`.
 */
export function taskMetaKey(taskId: string, globalKeyPrefix = ""): string {
  if (!globalKeyPrefix) return CELERY_TASK_META_PREFIX + taskId;
  const sep = /[:_\-.]$/.test(globalKeyPrefix) ? "" : "_";
  return `${globalKeyPrefix}${sep}${CELERY_TASK_META_PREFIX}${taskId}`;
}

const text = (v: PyValue | undefined): string | null => (typeof v === "string" ? v : null);

/**
 * Read a stored result meta.
 * @throws CeleryError `CELERY_RESULT_MALFORMED` when it is not a JSON object with a string `status`
 */
export function decodeTaskResult(bytes: Uint8Array, taskId: string): TaskResult {
  let meta: PyValue;
  try {
    meta = stdlibJsonLoads(bytes);
  } catch (cause) {
    throw new CeleryError("CELERY_RESULT_MALFORMED", `result of ${taskId} is not JSON`, { cause });
  }
  if (!isStrDict(meta) || typeof meta.status !== "string")
    throw new CeleryError("CELERY_RESULT_MALFORMED", `result of ${taskId} has no status`);
  const result = meta.result ?? null;
  const exception =
    isStrDict(result) && typeof result.exc_type === "string"
      ? { type: result.exc_type, module: text(result.exc_module), message: result.exc_message ?? null }
      : null;
  return {
    taskId: text(meta.task_id) ?? taskId,
    status: meta.status,
    result,
    exception,
    traceback: text(meta.traceback),
    children: Array.isArray(meta.children) ? [...meta.children] : [],
    dateDone: text(meta.date_done),
    name: text(meta.name),
    args: meta.args ?? null,
    kwargs: meta.kwargs ?? null,
    worker: text(meta.worker),
    queue: text(meta.queue),
    raw: { ...meta },
  };
}
