/**
 * Superset's global async queries (GAQ, Superset 1.0 – 6.1): job events in Redis streams, as
 * `AsyncQueryManager.update_job` writes them and `read_events` / superset-websocket read them.
 * Each event goes to `<prefix><channel_id>` (`MAXLEN ~ 1000`) and `<prefix>full` (`MAXLEN ~
 * 1000000`) as one field `data` holding the JSON job metadata. Master replaced GAQ with its task
 * framework: that profile is refused. Verified against apache/superset 6.1.0
 * (superset/async_events/async_query_manager.py, cache_backend.py, superset-websocket/src/index.ts).
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { parseRedisUrl } from "../backends/redis/url.js";
import type { Cache } from "../cache/cache.js";
import { isStrDict } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";
import type { SupersetVersion } from "../superset/versions.js";
import { AsyncEventsError } from "./errors.js";
import { openRedis } from "./redis-connection.js";
import { supersetJsonDumps } from "./superset-json.js";
import type { AsyncJobMetadata } from "./superset-tasks.js";

/** Superset's defaults for the GAQ stream settings. */
export const ASYNC_EVENTS_DEFAULTS = {
  /** `GLOBAL_ASYNC_QUERIES_REDIS_STREAM_PREFIX`. */
  streamPrefix: "async-events-",
  /** `GLOBAL_ASYNC_QUERIES_REDIS_STREAM_LIMIT`: entries kept per channel stream (approximately). */
  streamLimit: 1000,
  /** `GLOBAL_ASYNC_QUERIES_REDIS_STREAM_LIMIT_FIREHOSE`: entries kept in the `full` stream. */
  streamLimitFirehose: 1_000_000,
  /** `AsyncQueryManager.MAX_EVENT_COUNT`: events per read. */
  maxEventCount: 100,
} as const;

/** Job states Superset writes. */
export type AsyncJobStatus = "pending" | "running" | "error" | "done";

/**
 * How the id after the last one seen is computed: `superset` is `increment_id` in
 * async_query_manager.py (adds 1 to the LAST CHARACTER only, so `…-19` becomes `…-110` and
 * events `…-20` to `…-109` are skipped); `websocket` is superset-websocket's `incrementId`
 * (adds 1 to the sequence number).
 */
export type StreamIdIncrement = "superset" | "websocket";

/** One event as `read_events` returns it: the stream entry id plus the job metadata fields. */
export interface AsyncEvent extends AsyncJobMetadata {
  id: string;
}

export interface AsyncQueryEventsOptions {
  /** The Redis of `GLOBAL_ASYNC_QUERIES_CACHE_BACKEND` (redis:// or rediss://). */
  redisUrl: string;
  streamPrefix?: string;
  streamLimit?: number;
  streamLimitFirehose?: number;
  /** Superset release; `master` has no GAQ and is refused. Default 6.1. */
  supersetVersion?: SupersetVersion;
  /** Rule for the id after `lastId`. Default `superset` (the REST polling endpoint's). */
  idIncrement?: StreamIdIncrement;
  /** Connect and command timeout, MILLISECONDS. Default 5000. */
  timeoutMs?: number;
}

/** What a `done` event's `result_url` points to, read from `CACHE_CONFIG`. */
export type AsyncQueryResult =
  | {
      kind: "chart-data";
      /** The `qc-` key. */
      key: string;
      /** The request's form data (absent before Superset stored it, then null). */
      formData: PyValue | null;
      datasource: PyValue;
      queries: PyValue;
      resultType: PyValue;
      resultFormat: PyValue;
      /** `dttm` written by `set_and_log_cache` (naive UTC text). */
      dttm: string | null;
      raw: Record<string, PyValue>;
    }
  | {
      kind: "explore-json";
      /** The `ejr-` key. */
      key: string;
      formData: PyValue | null;
      responseType: PyValue;
      dttm: string | null;
      raw: Record<string, PyValue>;
    };

/** The id after `id` under `rule` (see {@link StreamIdIncrement}); both return `id` unchanged when they cannot parse it. */
export function incrementStreamId(id: string, rule: StreamIdIncrement = "superset"): string {
  if (rule === "websocket") {
    const parts = id.split("-");
    if (parts.length < 2) return id;
    return `${parts[0]}-${Number(parts[1]) + 1}`;
  }
  const last = id.at(-1);
  if (last === undefined || !/^[0-9]$/.test(last)) return id;
  return id.slice(0, -1) + String(Number(last) + 1);
}

/**
 * The cache key a `result_url` points to: `/api/v1/chart/data/qc-…` (chart data) or
 * `…/explore_json/data/ejr-…` (legacy explore).
 * @throws AsyncEventsError `ASYNC_RESULT_URL_UNKNOWN`
 */
export function resultKeyOf(resultUrl: string): { kind: "chart-data" | "explore-json"; key: string } {
  const key = resultUrl.split("?")[0]!.split("/").filter(Boolean).at(-1) ?? "";
  if (key.startsWith("qc-")) return { kind: "chart-data", key };
  if (key.startsWith("ejr-")) return { kind: "explore-json", key };
  throw new AsyncEventsError("ASYNC_RESULT_URL_UNKNOWN", `result_url ${resultUrl} names no qc-/ejr- key`);
}

/**
 * Load the entry a `done` event points to from `cache` (Superset's `CACHE_CONFIG` cache).
 * @returns undefined when the entry has expired or was never written
 * @throws AsyncEventsError `ASYNC_RESULT_URL_UNKNOWN` for an event without a qc-/ejr- result_url
 */
export async function loadAsyncResult(
  event: Pick<AsyncEvent, "result_url" | "status">,
  cache: Cache,
): Promise<AsyncQueryResult | undefined> {
  if (event.status !== "done" || typeof event.result_url !== "string")
    throw new AsyncEventsError(
      "ASYNC_RESULT_URL_UNKNOWN",
      `event is ${event.status}, not done with a result_url`,
    );
  const { kind, key } = resultKeyOf(event.result_url);
  const value = await cache.get(key);
  if (!isStrDict(value)) return undefined;
  const dttm = typeof value.dttm === "string" ? value.dttm : null;
  if (kind === "explore-json")
    return {
      kind,
      key,
      formData: value.form_data ?? null,
      responseType: value.response_type ?? null,
      dttm,
      raw: value,
    };
  const data = isStrDict(value.data) ? value.data : {};
  return {
    kind,
    key,
    formData: data.form_data ?? null,
    datasource: data.datasource ?? null,
    queries: data.queries ?? null,
    resultType: data.result_type ?? null,
    resultFormat: data.result_format ?? null,
    dttm,
    raw: value,
  };
}

/** Publisher and reader of Superset's async-query event streams. */
export class AsyncQueryEvents {
  readonly streamPrefix: string;
  private readonly redis: Redis;
  private readonly limit: number;
  private readonly firehoseLimit: number;
  private readonly increment: StreamIdIncrement;

  /** @throws AsyncEventsError `ASYNC_QUERIES_UNAVAILABLE` for `supersetVersion: "master"` */
  constructor(options: AsyncQueryEventsOptions) {
    if (options.supersetVersion === "master")
      throw new AsyncEventsError(
        "ASYNC_QUERIES_UNAVAILABLE",
        "Superset master has no global async queries (replaced by its task framework); pin a release up to 6.1",
      );
    this.streamPrefix = options.streamPrefix ?? ASYNC_EVENTS_DEFAULTS.streamPrefix;
    this.limit = options.streamLimit ?? ASYNC_EVENTS_DEFAULTS.streamLimit;
    this.firehoseLimit = options.streamLimitFirehose ?? ASYNC_EVENTS_DEFAULTS.streamLimitFirehose;
    this.increment = options.idIncrement ?? "superset";
    const timeoutMs = options.timeoutMs ?? 5000;
    this.redis = openRedis(parseRedisUrl(options.redisUrl, "redisUrl", 0).options, timeoutMs);
  }

  /** The stream of one channel (`<prefix><channel>`); `full` is the firehose. */
  streamName(channel: string): string {
    return this.streamPrefix + channel;
  }

  /** `init_job`: new job metadata with a random job id and status `pending` (nothing is written). */
  initJob(channelId: string, userId: number | null): AsyncJobMetadata {
    return {
      channel_id: channelId,
      job_id: randomUUID(),
      user_id: userId,
      status: "pending",
      errors: [],
      result_url: null,
    };
  }

  /**
   * `update_job`: append `{...job, status, ...updates}` to the channel stream and the firehose.
   * @returns the two entry ids
   * @throws AsyncEventsError `ASYNC_JOB_METADATA_INVALID` without channel_id or job_id
   */
  async updateJob(
    job: Readonly<Record<string, PyValue | undefined>>,
    status: AsyncJobStatus | string,
    updates: Readonly<Record<string, PyValue>> = {},
  ): Promise<{ channelEntryId: string; firehoseEntryId: string }> {
    if (!("channel_id" in job))
      throw new AsyncEventsError("ASYNC_JOB_METADATA_INVALID", "No channel ID specified");
    if (!("job_id" in job)) throw new AsyncEventsError("ASYNC_JOB_METADATA_INVALID", "No job ID specified");
    const merged: Record<string, PyValue> = Object.create(null); // a `__proto__` key stays a key
    for (const [k, v] of Object.entries(job)) if (v !== undefined) merged[k] = v;
    const data = supersetJsonDumps({ ...merged, status, ...updates });
    const channelEntryId = (await this.redis.xadd(
      this.streamName(String(job.channel_id)),
      "MAXLEN",
      "~",
      String(this.limit),
      "*",
      "data",
      data,
    )) as string;
    const firehoseEntryId = (await this.redis.xadd(
      this.streamName("full"),
      "MAXLEN",
      "~",
      String(this.firehoseLimit),
      "*",
      "data",
      data,
    )) as string;
    return { channelEntryId, firehoseEntryId };
  }

  /**
   * `read_events`: up to `count` events of `channel` after `lastId` (from the start without one).
   * @throws AsyncEventsError `ASYNC_EVENT_MALFORMED` for an entry without JSON `data`
   */
  async readEvents(
    channel: string,
    lastId?: string | null,
    options: { count?: number } = {},
  ): Promise<AsyncEvent[]> {
    const start = lastId ? incrementStreamId(lastId, this.increment) : "-";
    const count = options.count ?? ASYNC_EVENTS_DEFAULTS.maxEventCount;
    const entries = await this.redis.xrange(this.streamName(channel), start, "+", "COUNT", count);
    return entries.map(([id, fields]) => parseEvent(id, fields));
  }

  /** Events of every channel (the `full` stream the websocket server follows). */
  readFirehose(lastId?: string | null, options: { count?: number } = {}): Promise<AsyncEvent[]> {
    return this.readEvents("full", lastId, options);
  }

  /** XLEN of a channel's stream (`full` for the firehose). */
  streamLength(channel: string): Promise<number> {
    return this.redis.xlen(this.streamName(channel));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

function parseEvent(id: string, fields: string[]): AsyncEvent {
  const at = fields.indexOf("data");
  const text = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  let data: unknown;
  try {
    data = text === undefined ? undefined : JSON.parse(text);
  } catch (cause) {
    throw new AsyncEventsError("ASYNC_EVENT_MALFORMED", `event ${id} data is not JSON`, { cause });
  }
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw new AsyncEventsError("ASYNC_EVENT_MALFORMED", `event ${id} has no JSON object in its data field`);
  return { id, ...(data as Record<string, PyValue>) } as AsyncEvent;
}
