/**
 * Chart data over `dataCache`: Superset's `QueryCacheManager` read path and the
 * `set_query_result` + `set_and_log_cache` write path (superset/common/utils/query_cache_manager.py,
 * superset/common/query_context_processor.py), per version.
 * Entries are pickled dicts whose `df` is a pandas DataFrame, here an Arrow `Table`.
 * Keys are logical (unprefixed); the `Cache` applies `CACHE_KEY_PREFIX`.
 */
import { Table } from "apache-arrow";
import type { Cache } from "../cache/cache.js";
import { type Clock, systemClock } from "../core/clock.js";
import type { ChartDataErrorCode } from "../core/error-codes/index.js";
import { SupersetCacheError } from "../core/errors.js";
import { isPlainObject } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";
import { type SupersetVersion, type SupersetVersionProfile, versionProfile } from "./versions.js";

/** Superset's `CACHE_DEFAULT_TIMEOUT` default, SECONDS (one day). */
export const SUPERSET_CACHE_DEFAULT_TIMEOUT = 86400;
/** `CACHE_DISABLED_TIMEOUT`: a timeout of -1 means "do not use the cache". */
export const CACHE_DISABLED_TIMEOUT = -1;

/** Codes: `CHART_DATA_CACHE_LOAD` (force_cached and nothing cached, Superset's CacheLoadError), `CHART_DATA_MALFORMED`. */
export class ChartDataError extends SupersetCacheError {
  declare readonly code: ChartDataErrorCode;
  constructor(code: ChartDataErrorCode, message: string) {
    super(code, message);
  }
}

/** One chart-data entry as Superset stores it. Field names follow the stored dict. */
export interface ChartDataEntry {
  /** The DataFrame. */
  df: Table;
  /** The SQL that produced it. */
  query: string;
  /** `dttm` written by `set_and_log_cache` (`cached_dttm` in responses); null when absent. */
  dttm: string | null;
  applied_template_filters: PyValue[];
  applied_filter_columns: PyValue[];
  rejected_filter_columns: PyValue[];
  annotation_data: PyValue;
  /** 4.0+; null when absent. */
  sql_rowcount: PyValue;
  /** 6.1+; falls back to `dttm` when absent, as Superset does. */
  queried_dttm: string | null;
  /** The whole stored dict, including keys not modelled here. */
  raw: Record<string, PyValue>;
}

/** What a writer supplies; defaults are Superset's. */
export interface ChartDataWrite {
  df: Table;
  query: string;
  /** Default `[]`. */
  applied_template_filters?: PyValue[];
  /**
   * Default: the distinct string `col` values of `filters` (Superset 6.x treats an entry with
   * none while the query has filters as a miss).
   */
  applied_filter_columns?: PyValue[];
  /** Default `[]`. */
  rejected_filter_columns?: PyValue[];
  /** Default `{}`. */
  annotation_data?: PyValue;
  /** Default: the number of rows of `df` (written from 4.0). */
  sql_rowcount?: PyValue;
  /** The query object's filters, used for the `applied_filter_columns` default. */
  filters?: PyValue[];
  /** Extra keys to store (e.g. master's `semantic_cache_hit`). */
  extra?: Record<string, PyValue>;
}

export interface ChartDataOptions {
  /** Superset release whose rules apply. Default: the library default (6.1). */
  supersetVersion?: SupersetVersion;
  /** Override single rules of the version profile. */
  profile?: Partial<Omit<SupersetVersionProfile, "id">>;
  /** Superset's global `CACHE_DEFAULT_TIMEOUT` in SECONDS. Default 86400. */
  cacheDefaultTimeout?: number;
  /** Time source for `dttm`/`queried_dttm`. Default the system clock. */
  clock?: Clock;
  /**
   * Opt-in index of keys per datasource (ops/datasource-key-index.ts): `set(…, datasourceUid)`
   * records each stored key, so `invalidate({ datasourceUids }, { keyIndex })` works without
   * Superset's cache_keys table. Default none.
   */
  keyIndex?: { record(datasourceUid: string, key: string, timeoutSeconds: number): Promise<void> };
}

export interface ChartDataReadOptions {
  /** `force` or a -1 timeout: skip the read. Default false. */
  forceQuery?: boolean;
  /** Throw `CHART_DATA_CACHE_LOAD` on a miss (Superset's `force_cached`). Default false. */
  forceCached?: boolean;
  /** The query has filters (6.0+: an entry without `applied_filter_columns` is then a miss). Default false. */
  queryHasFilters?: boolean;
}

/** Inputs of the timeout chain; every value in SECONDS, `null`/`undefined` = not set. */
export interface ChartTimeoutChain {
  /** `custom_cache_timeout` of the query context. */
  custom?: number | null;
  /** The chart's (`slice`) `cache_timeout`. */
  chart?: number | null;
  /** The dataset's `cache_timeout`. */
  dataset?: number | null;
  /** The database's `cache_timeout`. */
  database?: number | null;
  /** `DATA_CACHE_CONFIG["CACHE_DEFAULT_TIMEOUT"]`. */
  dataCacheDefault?: number | null;
  /** The global `CACHE_DEFAULT_TIMEOUT`. Default 86400. */
  cacheDefault?: number;
}

const isSet = (v: number | null | undefined): v is number => v !== null && v !== undefined;

/**
 * `QueryContextProcessor.get_cache_timeout()`: custom → chart → dataset → database, then
 * `DATA_CACHE_CONFIG` default, then `CACHE_DEFAULT_TIMEOUT`. Up to 6.x a 0 found in the first
 * four is skipped (truthiness); master honours it. Returns SECONDS (-1 = do not cache).
 */
export function chartDataCacheTimeout(chain: ChartTimeoutChain, options: ChartDataOptions = {}): number {
  const profile = versionProfile(options.supersetVersion, options.profile);
  const first = [chain.custom, chain.chart, chain.dataset, chain.database].find(isSet);
  if (isSet(first) && (!profile.timeoutChainTruthy || first !== 0)) return first;
  if (isSet(chain.dataCacheDefault)) return chain.dataCacheDefault;
  return chain.cacheDefault ?? SUPERSET_CACHE_DEFAULT_TIMEOUT;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** `YYYY-MM-DDTHH:MM:SS` in UTC, with `+00:00` when `withOffset`. */
export function utcIsoSeconds(ms: number, withOffset: boolean): string {
  const d = new Date(ms);
  const s = `${String(d.getUTCFullYear()).padStart(4, "0")}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(
    d.getUTCHours(),
  )}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  return withOffset ? `${s}+00:00` : s;
}

function asDict(v: PyValue): Record<string, PyValue> | undefined {
  if (v instanceof Map) {
    const o: Record<string, PyValue> = Object.create(null);
    for (const [k, x] of v) if (typeof k === "string") o[k] = x;
    return o;
  }
  return isPlainObject(v) ? (v as Record<string, PyValue>) : undefined;
}

function isEmptyValue(v: PyValue | undefined): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return true;
  const d = asDict(v);
  return d !== undefined && Object.keys(d).length === 0;
}

function listOr(v: PyValue | undefined): PyValue[] {
  return Array.isArray(v) ? v : [];
}

function filterColumns(filters: PyValue[] | undefined): PyValue[] {
  const cols: PyValue[] = [];
  for (const f of filters ?? []) {
    const col = asDict(f)?.col;
    if (typeof col === "string" && !cols.includes(col)) cols.push(col);
  }
  return cols;
}

/** Superset's `QueryCacheManager` over one cache (normally `CacheManager.dataCache`). */
export class QueryCacheManager {
  private readonly profile: SupersetVersionProfile;
  private readonly cacheDefaultTimeout: number;
  private readonly clock: Clock;
  private readonly keyIndex: ChartDataOptions["keyIndex"];

  constructor(
    readonly cache: Cache,
    options: ChartDataOptions = {},
  ) {
    this.profile = versionProfile(options.supersetVersion, options.profile);
    this.cacheDefaultTimeout = options.cacheDefaultTimeout ?? SUPERSET_CACHE_DEFAULT_TIMEOUT;
    this.clock = options.clock ?? systemClock;
    this.keyIndex = options.keyIndex;
  }

  /**
   * The manager's `dataCache`, with its `CACHE_DEFAULT_TIMEOUT` (SECONDS) as the write default,
   * its `supersetVersion` and its clock unless `options` name their own. (Spread
   * `manager.keyOptions` into the key functions for the same version and HASH_ALGORITHM.)
   */
  static forManager(
    manager: {
      readonly dataCache: Cache;
      readonly defaultTimeout: number;
      readonly supersetVersion?: SupersetVersion | undefined;
      readonly clock?: Clock;
    },
    options: Omit<ChartDataOptions, "cacheDefaultTimeout"> = {},
  ): QueryCacheManager {
    const supersetVersion = options.supersetVersion ?? manager.supersetVersion;
    return new QueryCacheManager(manager.dataCache, {
      ...options,
      ...(supersetVersion ? { supersetVersion } : {}),
      clock: options.clock ?? manager.clock ?? systemClock,
      cacheDefaultTimeout: manager.defaultTimeout,
    });
  }

  /**
   * Read the entry under `key` (logical key). A missing entry, or one without `df` or
   * `query`, is a miss (`undefined`), as in Superset.
   * @throws ChartDataError `CHART_DATA_CACHE_LOAD` on a miss with `forceCached`;
   *   `CHART_DATA_MALFORMED` when the stored value is not a dict or `df` is not a DataFrame.
   */
  async get(key: string, options: ChartDataReadOptions = {}): Promise<ChartDataEntry | undefined> {
    const entry = key && !options.forceQuery ? await this.load(key, options) : undefined;
    if (!entry && options.forceCached) {
      throw new ChartDataError("CHART_DATA_CACHE_LOAD", "Error loading data from cache");
    }
    return entry;
  }

  private async load(key: string, options: ChartDataReadOptions): Promise<ChartDataEntry | undefined> {
    const value = await this.cache.get(key);
    if (isEmptyValue(value)) return undefined;
    const dict = asDict(value as PyValue);
    if (!dict) throw new ChartDataError("CHART_DATA_MALFORMED", `chart-data entry ${key} is not a dict`);
    // Superset logs the KeyError and recomputes.
    if (!("df" in dict) || !("query" in dict)) return undefined;
    const df = dict.df;
    if (!(df instanceof Table)) {
      throw new ChartDataError("CHART_DATA_MALFORMED", `chart-data entry ${key}: df is not a DataFrame`);
    }
    const applied = listOr(dict.applied_filter_columns);
    if (this.profile.emptyAppliedFilterColumnsIsMiss && options.queryHasFilters && applied.length === 0) {
      return undefined;
    }
    const dttm = typeof dict.dttm === "string" ? dict.dttm : null;
    return {
      df,
      query: String(dict.query),
      dttm,
      applied_template_filters: listOr(dict.applied_template_filters),
      applied_filter_columns: applied,
      rejected_filter_columns: listOr(dict.rejected_filter_columns),
      annotation_data: dict.annotation_data ?? Object.create(null),
      sql_rowcount: dict.sql_rowcount ?? null,
      queried_dttm: typeof dict.queried_dttm === "string" ? dict.queried_dttm : dttm,
      raw: dict,
    };
  }

  /** The dict `set_query_result` + `set_and_log_cache` would store now (before pickling). */
  buildValue(entry: ChartDataWrite): Record<string, PyValue> {
    const now = this.clock.now();
    const value: Record<string, PyValue> = {
      df: entry.df,
      query: entry.query,
      applied_template_filters: entry.applied_template_filters ?? [],
      applied_filter_columns: entry.applied_filter_columns ?? filterColumns(entry.filters),
      rejected_filter_columns: entry.rejected_filter_columns ?? [],
      annotation_data: entry.annotation_data ?? {},
    };
    if (this.profile.entrySqlRowcount) value.sql_rowcount = entry.sql_rowcount ?? entry.df.numRows;
    if (this.profile.entryQueriedDttm) value.queried_dttm = utcIsoSeconds(now, true);
    Object.assign(value, entry.extra ?? {});
    value.dttm = utcIsoSeconds(now, this.profile.dttmFormat === "utc-offset");
    return value;
  }

  /**
   * Write an entry Superset will serve (`set_query_result` → `set_and_log_cache`).
   * @param timeout SECONDS, already resolved (see {@link chartDataCacheTimeout}); undefined/null =
   *   `CACHE_DEFAULT_TIMEOUT`; 0 = no expiry; -1 = skipped (6.0+) or stored without expiry (≤ 5.x).
   * @returns true when stored; false for a NullCache, a skipped -1, or a backend failure (fail-open).
   * @throws CacheEncodeError when the value cannot be pickled.
   * @param datasourceUid recorded in the `keyIndex` option (when set) after a successful store
   */
  async set(
    key: string,
    entry: ChartDataWrite,
    timeout?: number | null,
    datasourceUid?: string,
  ): Promise<boolean> {
    if ((await this.cache.backend()).kind === "null") return false;
    const t = timeout ?? this.cacheDefaultTimeout;
    if (t === CACHE_DISABLED_TIMEOUT && this.profile.timeoutMinusOne === "skip-write") return false;
    const stored = await this.cache.set(key, this.buildValue(entry), t);
    if (stored && datasourceUid !== undefined && this.keyIndex) {
      // As Superset's "Could not cache key" path: an index failure never fails the write, but is reported.
      await this.keyIndex.record(datasourceUid, key, t).catch((err: unknown) => {
        process.emitWarning(`could not index cache key ${key} for ${datasourceUid}: ${String(err)}`, {
          code: "CHART_DATA_KEY_INDEX_FAILED",
        });
      });
    }
    return stored;
  }
}
