/**
 * `superset-cache/celery`: Superset's Celery tasks over Redis from Node. Enqueue them as
 * `send_task` does (kombu's Redis transport, message protocol 2), look at queues and
 * unacknowledged messages without consuming them, read results from the Redis result backend,
 * and publish or follow Superset's global async-query event streams.
 */
export {
  ASYNC_EVENTS_DEFAULTS,
  type AsyncEvent,
  type AsyncJobStatus,
  AsyncQueryEvents,
  type AsyncQueryEventsOptions,
  type AsyncQueryResult,
  incrementStreamId,
  loadAsyncResult,
  resultKeyOf,
  type StreamIdIncrement,
} from "./async-events.js";
export { DEFAULT_MAX_INFLATED_BODY_BYTES } from "./body-compression.js";
export {
  CeleryClient,
  type CeleryClientOptions,
  type PeekedEntry,
  type PreparedTask,
  type QueueDepth,
  type SendTaskOptions,
  type UnackedEntry,
} from "./client.js";
export { AsyncEventsError, CeleryError } from "./errors.js";
export {
  CELERY_DEFAULT_QUEUE,
  KOMBU_PRIORITY_SEPARATOR,
  KOMBU_PRIORITY_STEPS,
  type KombuKeyOptions,
  KombuKeys,
} from "./kombu-keys.js";
export {
  type CeleryHeaderStyle,
  type DecodedTaskMessage,
  decodeTaskEnvelope,
  decodeTaskMessage,
  encodeTaskMessage,
  type TaskEmbed,
  type TaskMessageSpec,
} from "./message.js";
export { CELERY_REPR_MAXSIZE, celerySaferepr } from "./python-repr.js";
export {
  CELERY_READY_STATES,
  CELERY_TASK_META_PREFIX,
  decodeTaskResult,
  type StoredException,
  type TaskResult,
  taskMetaKey,
} from "./results.js";
export { carriesSessionCookie } from "./session-cookie.js";
export { supersetJsonDumps } from "./superset-json.js";
export {
  type AsyncJobMetadata,
  type CacheWarmupStrategyKwargs,
  type ChartThumbnailTask,
  decodeSqlLabTask,
  type SqlLabTask,
  SUPERSET_TASK_NAMES,
  sendCacheChartThumbnail,
  sendCacheWarmup,
  sendFetchUrl,
  sendLoadChartDataIntoCache,
  sendLoadExploreJsonIntoCache,
  sendReportExecute,
  type WarmUpPayload,
} from "./superset-tasks.js";
export { type ChartToWarm, type FetchUrlWarmTargetOptions, fetchUrlWarmTarget } from "./warm-target.js";
