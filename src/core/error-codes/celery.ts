/** Codes of `superset-cache/celery`: Celery messages and results, async-query events. */

/** Codes of `CeleryError` (`superset-cache/celery`): Celery messages, queues and results in Redis. */
export const CELERY_ERROR_CODES = [
  /** A broker or result-backend URL other than redis:// or rediss:// (kombu's Redis transport only). */
  "CELERY_BROKER_URL_UNSUPPORTED",
  /** Task args that are not a list, kwargs that are not an object, or a value kombu's JSON cannot carry. */
  "CELERY_TASK_ARGUMENTS",
  /** A send option out of range (negative countdown, a priority outside 0–255, an empty task name). */
  "CELERY_INVALID_OPTION",
  /** A `celery-task-meta-*` value that is not a JSON object with a `status`. */
  "CELERY_RESULT_MALFORMED",
  /** A broker message that is not a protocol-2 task message Node can read. */
  "CELERY_MESSAGE_MALFORMED",
  /** A message body compressed with a codec Node has no decoder for (kombu's bzip2, lzma/xz, zstd). */
  "CELERY_COMPRESSION_UNSUPPORTED",
  /** `waitForResult` saw no ready state (SUCCESS, FAILURE, REVOKED) within its timeout. */
  "CELERY_RESULT_TIMEOUT",
  /** The task needs a result backend and the client has none (`resultBackendUrl`). */
  "CELERY_NO_RESULT_BACKEND",
] as const;
/** A code of `CeleryError`. */
export type CeleryErrorCode = (typeof CELERY_ERROR_CODES)[number];

/** Codes of `AsyncEventsError`: Superset's global async-query event streams. */
export const ASYNC_EVENTS_ERROR_CODES = [
  /** The Superset version has no global async queries (master replaced them with its task framework). */
  "ASYNC_QUERIES_UNAVAILABLE",
  /** Job metadata without `channel_id` or `job_id` (Superset's AsyncQueryJobException). */
  "ASYNC_JOB_METADATA_INVALID",
  /** A stream entry without a `data` field holding a JSON object. */
  "ASYNC_EVENT_MALFORMED",
  /** An event whose `result_url` names no `qc-`/`ejr-` key, or an event that is not `done`. */
  "ASYNC_RESULT_URL_UNKNOWN",
] as const;
/** A code of `AsyncEventsError`. */
export type AsyncEventsErrorCode = (typeof ASYNC_EVENTS_ERROR_CODES)[number];
