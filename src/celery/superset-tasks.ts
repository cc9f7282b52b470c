/**
 * Superset's Celery tasks by name, with typed senders that build the same args and kwargs
 * Superset's own callers pass (checked against apache/superset 6.1.0: superset/tasks/cache.py,
 * tasks/thumbnails.py, tasks/scheduler.py, tasks/async_queries.py, sql_lab.py), and a reader
 * for `sql_lab.get_sql_results` messages.
 */
import type { PyValue } from "../python/values.js";
import type { CeleryClient, SendTaskOptions } from "./client.js";
import { CeleryError } from "./errors.js";
import type { DecodedTaskMessage } from "./message.js";
import { supersetJsonDumps } from "./superset-json.js";

/** Registered names of the Superset tasks this module knows. */
export const SUPERSET_TASK_NAMES = {
  cacheWarmup: "cache-warmup",
  fetchUrl: "fetch_url",
  reportsExecute: "reports.execute",
  cacheChartThumbnail: "cache_chart_thumbnail",
  loadChartDataIntoCache: "load_chart_data_into_cache",
  loadExploreJsonIntoCache: "load_explore_json_into_cache",
  sqlLabGetSqlResults: "sql_lab.get_sql_results",
} as const;

/** `cache-warmup` kwargs, as a `beat_schedule` entry gives them. */
export type CacheWarmupStrategyKwargs =
  | { strategy_name: "dummy" }
  | { strategy_name: "top_n_dashboards"; top_n?: number; since?: string }
  | { strategy_name: "dashboard_tags"; tags?: string[] };

/** The body of `PUT /api/v1/chart/warm_up_cache` that `fetch_url` sends. */
export interface WarmUpPayload {
  chart_id: number;
  dashboard_id?: number | null;
}

/** `load_chart_data_into_cache` / `load_explore_json_into_cache` job metadata (`build_job_metadata`). */
export interface AsyncJobMetadata {
  channel_id: string;
  job_id: string;
  user_id: number | null;
  status: string | null;
  errors: PyValue[];
  result_url: string | null;
  /** Set for embedded (guest) users. */
  guest_token?: PyValue;
  [key: string]: PyValue | undefined;
}

/** `cache_chart_thumbnail` keyword arguments. */
export interface ChartThumbnailTask {
  /** Username the screenshot is taken as (`current_user`). */
  currentUser: string | null;
  chartId: number;
  force: boolean;
  /** `[width, height]` in pixels. */
  windowSize?: [number, number] | null;
  thumbSize?: [number, number] | null;
}

/** `sql_lab.get_sql_results` arguments by name. */
export interface SqlLabTask {
  queryId: PyValue;
  renderedQuery: PyValue;
  returnResults: PyValue;
  storeResults: PyValue;
  username: PyValue;
  /** `now_as_float()`: epoch MILLISECONDS as a float. */
  startTime: PyValue;
  expandData: PyValue;
  logParams: PyValue;
}

/** Queue the `cache-warmup` task with a strategy, as Superset's beat schedule does. @returns the task id */
export function sendCacheWarmup(
  client: CeleryClient,
  strategy: CacheWarmupStrategyKwargs,
  options?: SendTaskOptions,
): Promise<string> {
  return client.sendTask(SUPERSET_TASK_NAMES.cacheWarmup, [], { ...strategy }, options);
}

/**
 * Queue `fetch_url(data, headers)` as `cache-warmup` does: `data` is Superset's
 * `json.dumps(payload)`, `headers` usually `{"Cookie": "session=…", "Content-Type":
 * "application/json"}`. The cookie travels in the message in plain base64.
 * @returns the task id
 */
export function sendFetchUrl(
  client: CeleryClient,
  payload: WarmUpPayload,
  headers: Readonly<Record<string, string>>,
  options?: SendTaskOptions,
): Promise<string> {
  const body: Record<string, PyValue> = { chart_id: payload.chart_id };
  if (payload.dashboard_id !== undefined && payload.dashboard_id !== null)
    body.dashboard_id = payload.dashboard_id;
  return client.sendTask(
    SUPERSET_TASK_NAMES.fetchUrl,
    [supersetJsonDumps(body), { ...headers }],
    {},
    options,
  );
}

/** Queue `reports.execute(report_schedule_id)` (the scheduler passes `eta` and time limits as options). */
export function sendReportExecute(
  client: CeleryClient,
  reportScheduleId: number,
  options?: SendTaskOptions,
): Promise<string> {
  return client.sendTask(SUPERSET_TASK_NAMES.reportsExecute, [reportScheduleId], {}, options);
}

/** Queue `cache_chart_thumbnail` with keyword arguments, as charts/api.py does. */
export function sendCacheChartThumbnail(
  client: CeleryClient,
  task: ChartThumbnailTask,
  options?: SendTaskOptions,
): Promise<string> {
  const kwargs: Record<string, PyValue> = { current_user: task.currentUser, chart_id: task.chartId };
  if (task.windowSize !== undefined) kwargs.window_size = task.windowSize;
  if (task.thumbSize !== undefined) kwargs.thumb_size = task.thumbSize;
  kwargs.force = task.force;
  return client.sendTask(SUPERSET_TASK_NAMES.cacheChartThumbnail, [], kwargs, options);
}

function checkJob(job: AsyncJobMetadata): Record<string, PyValue> {
  if (typeof job.channel_id !== "string" || typeof job.job_id !== "string")
    throw new CeleryError("CELERY_TASK_ARGUMENTS", "job metadata needs channel_id and job_id strings");
  const out: Record<string, PyValue> = Object.create(null); // a `__proto__` key stays a key
  for (const [k, v] of Object.entries(job)) if (v !== undefined) out[k] = v;
  return out;
}

/** Queue `load_chart_data_into_cache(job_metadata, form_data)` (global async queries). */
export function sendLoadChartDataIntoCache(
  client: CeleryClient,
  job: AsyncJobMetadata,
  formData: Readonly<Record<string, PyValue>>,
  options?: SendTaskOptions,
): Promise<string> {
  return client.sendTask(
    SUPERSET_TASK_NAMES.loadChartDataIntoCache,
    [checkJob(job), { ...formData }],
    {},
    options,
  );
}

/** Queue `load_explore_json_into_cache(job_metadata, form_data, response_type, force)`. */
export function sendLoadExploreJsonIntoCache(
  client: CeleryClient,
  job: AsyncJobMetadata,
  formData: Readonly<Record<string, PyValue>>,
  responseType: string | null = null,
  force = false,
  options?: SendTaskOptions,
): Promise<string> {
  return client.sendTask(
    SUPERSET_TASK_NAMES.loadExploreJsonIntoCache,
    [checkJob(job), { ...formData }, responseType, force],
    {},
    options,
  );
}

const SQL_LAB_PARAMS = [
  ["queryId", "query_id", null],
  ["renderedQuery", "rendered_query", null],
  ["returnResults", "return_results", true],
  ["storeResults", "store_results", false],
  ["username", "username", null],
  ["startTime", "start_time", null],
  ["expandData", "expand_data", false],
  ["logParams", "log_params", null],
] as const;

/**
 * Bind a `sql_lab.get_sql_results` message's args and kwargs to the task's parameters
 * (defaults filled in as Python would).
 * @throws CeleryError `CELERY_MESSAGE_MALFORMED` for another task or a missing query id
 */
export function decodeSqlLabTask(message: DecodedTaskMessage): SqlLabTask {
  if (message.task !== SUPERSET_TASK_NAMES.sqlLabGetSqlResults)
    throw new CeleryError("CELERY_MESSAGE_MALFORMED", `${message.task} is not sql_lab.get_sql_results`);
  const out: Record<string, PyValue> = {};
  SQL_LAB_PARAMS.forEach(([field, name, fallback], i) => {
    out[field] = i < message.args.length ? (message.args[i] as PyValue) : (message.kwargs[name] ?? fallback);
  });
  if (out.queryId === null || out.renderedQuery === null)
    throw new CeleryError("CELERY_MESSAGE_MALFORMED", "get_sql_results without query_id or rendered_query");
  return out as unknown as SqlLabTask;
}
