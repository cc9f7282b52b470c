/**
 * Superset's chart-data cache keys:
 * - `queryObjectCacheKey`: `QueryObject.cache_key(**kwargs)` as called by
 *   `QueryContextProcessor.query_cache_key` (datasource uid, extra_cache_keys, rls, changed_on);
 * - `timeOffsetQueryCacheKey`: the key of a time-comparison sub-query;
 * - `queryContextCacheKey` (`qc-`) and `generateCacheKey` (`ejr-` …): `generate_cache_key`.
 * The key is the unprefixed logical key; the cache's `CACHE_KEY_PREFIX` is added by `Cache`.
 */

import { compareCodePoints } from "../codecs/json/key-order.js";
import { pythonFloatRepr } from "../python/numbers.js";
import { pyTruthy } from "../python/truthiness.js";
import type { PyValue } from "../python/values.js";
import { hashFromDict } from "./hashing.js";
import { jsonIntDttmSerOf } from "./json-hooks.js";
import {
  annotationLayersOf,
  postProcessingOf,
  type QueryObjectInput,
  queryObjectToDict,
} from "./query-object-dict.js";
import {
  type HashAlgorithm,
  type SupersetVersion,
  type SupersetVersionProfile,
  versionProfile,
} from "./versions.js";

export type { QueryObjectInput } from "./query-object-dict.js";

type Dict = Record<string, PyValue>;

/** `ROW_LIMIT`, `SAMPLES_ROW_LIMIT`, `SQL_MAX_ROW` as in `superset_config.py`. */
export interface RowLimitConfig {
  /** Default 50000. */
  ROW_LIMIT?: number;
  /** Default 1000. */
  SAMPLES_ROW_LIMIT?: number;
  /** Default 100000. */
  SQL_MAX_ROW?: number;
}

const DEFAULT_ROW_LIMITS: Required<RowLimitConfig> = {
  ROW_LIMIT: 50000,
  SAMPLES_ROW_LIMIT: 1000,
  SQL_MAX_ROW: 100000,
};
const DEFAULT_RESULT_TYPE = "full";
const ANNOTATION_FIELDS = [
  "annotationType",
  "descriptionColumns",
  "intervalEndColumn",
  "name",
  "overrides",
  "sourceType",
  "timeColumn",
  "titleColumn",
  "value",
] as const;

/** Options shared by every key function. */
export interface KeyVersionOptions {
  /** Superset release whose rules apply. Default: the library default (6.1). */
  supersetVersion?: SupersetVersion;
  /** `HASH_ALGORITHM`. Default: the version's default (md5 before 6.1, sha256 from 6.1). */
  algorithm?: HashAlgorithm;
  /** Override single rules of the version profile (for release boundaries that are uncertain). */
  profile?: Partial<Omit<SupersetVersionProfile, "id">>;
}

/** What `query_cache_key` adds to a query object's key, plus factory settings. */
export interface QueryObjectKeyOptions extends KeyVersionOptions {
  /**
   * The dataset's `uid` (`"{id}__{type}"`, e.g. `"3__table"`). When set, the key is the
   * chart-data key: `datasource`, `extra_cache_keys`, `rls` and `changed_on` are all added.
   */
  datasourceUid?: string;
  /** `datasource.get_extra_cache_keys(...)` (Jinja-rendered values). Default `[]`. */
  extraCacheKeys?: PyValue[];
  /** `security_manager.get_rls_cache_key(datasource)`: guest-token clauses then `"{clause}-{group_key}"`. Default `[]`. */
  rls?: string[];
  /** The dataset's `changed_on` (naive UTC `PyDatetime`), hashed as epoch milliseconds. Default `null`. */
  changedOn?: PyValue;
  /** `get_impersonation_key(user)` (usually the username) when per-user caching applies. Default none. */
  impersonationKey?: string | null;
  /**
   * The query context's result type, used when the query object has none
   * (`QueryObjectFactory` always sets it). `null` = none. Default `"full"`.
   */
  resultType?: string | null;
  /**
   * `QueryObjectFactory`'s row-limit rule: `min(SQL_MAX_ROW, row_limit or default)`.
   * `null` = take `row_limit` as is (a `QueryObject` built directly). Default: Superset's defaults.
   */
  rowLimits?: RowLimitConfig | null;
  /** More `cache_key(**kwargs)` entries (e.g. `time_offset`, `time_grain`, master's `annotation_context`). */
  extra?: Dict;
}

/** `QueryObjectFactory._process_row_limit`: default by result type, capped by `SQL_MAX_ROW`. */
export function applyRowLimit(
  rowLimit: number | null | undefined,
  resultType: string | null,
  limits: RowLimitConfig = DEFAULT_ROW_LIMITS,
): number {
  const cfg = limits === DEFAULT_ROW_LIMITS ? DEFAULT_ROW_LIMITS : { ...DEFAULT_ROW_LIMITS, ...limits };
  const fallback = resultType === "samples" ? cfg.SAMPLES_ROW_LIMIT : cfg.ROW_LIMIT;
  const limit = rowLimit || fallback;
  return limit !== 0 ? Math.min(cfg.SQL_MAX_ROW, limit) : cfg.SQL_MAX_ROW;
}

function pythonTypeName(v: PyValue): string {
  if (v === null) return "NoneType";
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return Number.isInteger(v) && !Object.is(v, -0) ? "int" : "float";
  return typeof v === "object" ? (v.constructor?.name ?? "dict") : typeof v;
}

function pythonStr(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number" && pythonTypeName(v) === "float") return pythonFloatRepr(v);
  return String(v);
}

/** master (PR #42597): `sorted(keys, key=lambda k: (type(k).__name__, str(k)))`. */
function sortExtraCacheKeys(keys: PyValue[]): PyValue[] {
  return [...keys].sort(
    (a, b) =>
      compareCodePoints(pythonTypeName(a), pythonTypeName(b)) ||
      compareCodePoints(pythonStr(a), pythonStr(b)),
  );
}

function normalizeSql(items: PyValue): PyValue {
  if (!Array.isArray(items)) return items;
  return items.map((item) => {
    if (Array.isArray(item)) return normalizeSql(item);
    const d = item as Dict;
    if (d && typeof d === "object" && typeof d.sqlExpression === "string") {
      return { ...d, sqlExpression: d.sqlExpression.replace(/\r\n/g, "\n").trim() };
    }
    return item;
  });
}

/**
 * The dict `QueryObject.cache_key()` hashes, before hashing (useful for debugging a mismatch).
 * Steps and their version rules: superset/common/query_object.py `cache_key` and `to_dict`.
 */
export function queryObjectCacheDict(qo: QueryObjectInput, options: QueryObjectKeyOptions = {}): Dict {
  return cacheDictOf(qo, options, versionProfile(options.supersetVersion, options.profile));
}

function cacheDictOf(
  qo: QueryObjectInput,
  options: QueryObjectKeyOptions,
  profile: SupersetVersionProfile,
): Dict {
  const resultType =
    qo.result_type !== undefined
      ? qo.result_type
      : options.resultType !== undefined
        ? options.resultType
        : DEFAULT_RESULT_TYPE;
  const rowLimit =
    options.rowLimits === null
      ? (qo.row_limit ?? null)
      : applyRowLimit(qo.row_limit, resultType, options.rowLimits ?? DEFAULT_ROW_LIMITS);
  const extra = options.extra;
  // Members Python deletes at the end are never added (`delete` would turn the dict into a
  // slow dictionary-mode object for the encoder), unless `extra` may add them back.
  const dropPredicate = !pyTruthy(qo.apply_fetch_values_predicate);
  const dropBounds = !(profile.keepBoundsWithoutTimeRange && !pyTruthy(qo.time_range));
  const extraAddsDropped = extra !== undefined && addsDropped(extra);
  const postProcessing = postProcessingOf(qo, profile);
  const dict = queryObjectToDict(
    qo,
    profile,
    extraAddsDropped ? {} : { applyFetchValuesPredicate: dropPredicate, bounds: dropBounds },
    { rowLimit, postProcessing },
  );
  if (options.datasourceUid !== undefined) {
    dict.datasource = options.datasourceUid;
    dict.extra_cache_keys = options.extraCacheKeys ?? [];
    dict.rls = options.rls ?? [];
    dict.changed_on = options.changedOn ?? null;
  }
  if (extra !== undefined) Object.assign(dict, extra);
  if (options.datasourceUid !== undefined) dict.datasource = options.datasourceUid;
  if (pyTruthy(resultType)) dict.result_type = resultType as string;
  if (pyTruthy(qo.time_range)) dict.time_range = qo.time_range as string;
  if (postProcessing.length > 0) dict.post_processing = postProcessing;
  if (pyTruthy(qo.time_offsets)) dict.time_offsets = qo.time_offsets as string[];
  const layers = annotationLayersOf(qo);
  if (layers.length > 0) dict.annotation_layers = layers.map(projectAnnotationLayer);
  if (pyTruthy(options.impersonationKey)) dict.impersonation_key = options.impersonationKey as string;
  if (profile.sortExtraCacheKeys && Array.isArray(dict.extra_cache_keys)) {
    dict.extra_cache_keys = sortExtraCacheKeys(dict.extra_cache_keys);
  }
  if (profile.normalizeAdhocSql) {
    for (const field of ["metrics", "columns", "orderby"])
      if (field in dict) dict[field] = normalizeSql(dict[field] as PyValue);
  }
  return extraAddsDropped ? withoutDropped(dict, dropPredicate, dropBounds) : dict;
}

function projectAnnotationLayer(layer: Record<string, PyValue>): Dict {
  const projected: Dict = {};
  for (const field of ANNOTATION_FIELDS) if (field in layer) projected[field] = layer[field] as PyValue;
  return projected;
}

function addsDropped(extra: Dict): boolean {
  return DROPPED_KEYS.some((k) => k in extra);
}

const DROPPED_KEYS = ["apply_fetch_values_predicate", "from_dttm", "to_dttm"] as const;

/** `dict` without `apply_fetch_values_predicate` and/or the bounds, order kept. */
function withoutDropped(dict: Dict, dropPredicate: boolean, dropBounds: boolean): Dict {
  if (dropPredicate && dropBounds) {
    const { apply_fetch_values_predicate: _p, from_dttm: _f, to_dttm: _t, ...rest } = dict;
    return rest;
  }
  if (dropPredicate) {
    const { apply_fetch_values_predicate: _p, ...rest } = dict;
    return rest;
  }
  if (dropBounds) {
    const { from_dttm: _f, to_dttm: _t, ...rest } = dict;
    return rest;
  }
  return dict;
}

/**
 * `QueryObject.cache_key(...)`: the logical (unprefixed) chart-data key of one query.
 * `extras.where`/`extras.having` must already be in the form Superset hashes (4.1 – 6.x:
 * sqlglot-regenerated); see docs/superset-keys.md.
 * @throws PyJsonEncodeError for unencodable values; CacheConfigError `UNSUPPORTED_SUPERSET_VERSION`.
 */
export function queryObjectCacheKey(qo: QueryObjectInput, options: QueryObjectKeyOptions = {}): string {
  const profile = versionProfile(options.supersetVersion, options.profile);
  return hashFromDict(cacheDictOf(qo, options, profile), {
    algorithm: options.algorithm ?? profile.hashAlgorithm,
    jsonMode: profile.hashJson,
    ignoreNan: true,
    default: jsonIntDttmSerOf(profile),
  });
}

/** A time-comparison sub-query (`processing_time_offsets`). */
export interface TimeOffsetOptions extends QueryObjectKeyOptions {
  /** The offset, e.g. `"1 year ago"`. */
  offset: string;
  /** 4.1+: when the offset is a date range, Superset keys `"{offset}_{originalOffset}"`. */
  originalOffset?: string;
  /** The time grain (`extras.time_grain_sqla`), passed as `time_grain`. */
  timeGrain?: string | null;
  /** The outer query's resolved bounds (datetimes), which become the inner bounds. */
  outerFromDttm: PyValue;
  outerToDttm: PyValue;
  /** Label of the x-axis column: its filter is removed and it is the default granularity. */
  xAxisLabel?: string | null;
}

/**
 * Key of the sub-query Superset runs for one time offset: a clone with inner bounds set to
 * the outer bounds, no time offsets/post-processing, the x-axis filter removed, plus
 * `time_offset`/`time_grain` kwargs (superset/common/query_context_processor.py).
 */
export function timeOffsetQueryCacheKey(qo: QueryObjectInput, options: TimeOffsetOptions): string {
  const profile = versionProfile(options.supersetVersion, options.profile);
  const x = options.xAxisLabel ?? null;
  const clone: QueryObjectInput = {
    ...qo,
    inner_from_dttm: options.outerFromDttm,
    inner_to_dttm: options.outerToDttm,
    time_offsets: [],
    post_processing: [],
    filters: (qo.filters ?? []).filter((f) => x === null || (f as Dict)?.col !== x),
    granularity: qo.granularity || x,
  };
  const timeOffset =
    profile.timeOffsetJoinedName && options.originalOffset
      ? `${options.offset}_${options.originalOffset}`
      : options.offset;
  return queryObjectCacheKey(clone, {
    ...options,
    extra: { ...(options.extra ?? {}), time_offset: timeOffset, time_grain: options.timeGrain ?? null },
  });
}

/**
 * `generate_cache_key(values, prefix)`: `prefix + hash(values, default=json_int_dttm_ser)`
 * (ignore_nan False), e.g. `ejr-` keys of legacy async explore_json.
 * @throws PyJsonEncodeError (NaN under 4.1 – 6.0, unencodable values).
 */
export function generateCacheKey(values: Dict, prefix = "", options: KeyVersionOptions = {}): string {
  const profile = versionProfile(options.supersetVersion, options.profile);
  return (
    prefix +
    hashFromDict(values, {
      algorithm: options.algorithm ?? profile.hashAlgorithm,
      jsonMode: profile.hashJson,
      ignoreNan: false,
      default: jsonIntDttmSerOf(profile),
    })
  );
}

/** The `qc-` prefix of whole-query-context keys. */
export const QUERY_CONTEXT_KEY_PREFIX = "qc-";
/** The `ejr-` prefix of legacy explore_json async keys. */
export const EXPLORE_JSON_KEY_PREFIX = "ejr-";

/**
 * `QueryContext.cache_key()`: `qc-` + hash of `cache_values` (`datasource`, `queries`,
 * `result_type`, `result_format`) merged with `extra`.
 */
export function queryContextCacheKey(
  cacheValues: Dict,
  options: KeyVersionOptions & { extra?: Dict } = {},
): string {
  return generateCacheKey({ ...cacheValues, ...(options.extra ?? {}) }, QUERY_CONTEXT_KEY_PREFIX, options);
}
