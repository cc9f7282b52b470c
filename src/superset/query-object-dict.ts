/**
 * `QueryObject.__init__` + `to_dict()` (superset/common/query_object.py) as a pure
 * function of the request's query object: defaults, legacy field renames and the
 * version's key set. `QueryObjectFactory`'s row-limit rule is applied separately.
 */
import { pyTruthy } from "../python/truthiness.js";
import type { PyValue } from "../python/values.js";
import type { SupersetVersionProfile } from "./versions.js";

/** A chart-data query object as Superset receives it (snake_case, as in the API JSON). */
export interface QueryObjectInput {
  annotation_layers?: Record<string, PyValue>[] | null;
  apply_fetch_values_predicate?: boolean | null;
  columns?: PyValue[] | null;
  extras?: Record<string, PyValue> | null;
  /** Filter clauses (`{col, op, val}`); `to_dict()` calls this `filter`. */
  filters?: PyValue[] | null;
  granularity?: string | null;
  is_rowcount?: boolean | null;
  is_timeseries?: boolean | null;
  metrics?: PyValue[] | null;
  order_desc?: boolean | null;
  orderby?: PyValue[] | null;
  post_processing?: (PyValue | null)[] | null;
  row_limit?: number | null;
  row_offset?: number | null;
  series_columns?: PyValue[] | null;
  series_limit?: number | null;
  series_limit_metric?: PyValue;
  time_range?: string | null;
  time_shift?: string | null;
  /** Resolved bounds (datetimes); dropped from the key unless the version keeps them. */
  from_dttm?: PyValue;
  to_dttm?: PyValue;
  inner_from_dttm?: PyValue;
  inner_to_dttm?: PyValue;
  result_type?: string | null;
  time_offsets?: string[] | null;
  group_others_when_limit_reached?: boolean | null;
  grouping_sets?: PyValue[] | null;
  time_compare_full_range?: boolean | null;
  /** Legacy names, renamed as Superset does (when truthy). */
  granularity_sqla?: string | null;
  groupby?: PyValue[] | null;
  timeseries_limit?: number | null;
  timeseries_limit_metric?: PyValue;
  /** Legacy top-level clauses, moved into `extras` (when truthy). */
  where?: string | null;
  having?: string | null;
}

/** Python's `__timestamp` pseudo-column (`DTTM_ALIAS`). */
const DTTM_ALIAS = "__timestamp";

type Dict = Record<string, PyValue>;

/** A keyword argument with a default: only an absent key takes the default (an explicit null is None). */
function keywordOr<T extends PyValue>(v: T | null | undefined, fallback: T): T | null {
  return v === undefined ? fallback : v;
}

function isAdhocMetric(m: PyValue): boolean {
  return typeof m === "object" && m !== null && !Array.isArray(m) && "expressionType" in m;
}

/** `m if keep(m) else m["label"]` for each metric (a plain loop: no per-call closure). */
function metricNames(list: PyValue[]): PyValue[] {
  const out = new Array<PyValue>(list.length);
  for (let i = 0; i < list.length; i++) {
    const m = list[i] as PyValue;
    out[i] = typeof m === "string" || isAdhocMetric(m) ? m : ((m as Dict).label ?? null);
  }
  return out;
}

function metricsOf(metrics: PyValue[] | null | undefined, profile: SupersetVersionProfile): PyValue[] | null {
  if (profile.emptyMetricsAsNull) return metrics && metrics.length > 0 ? metricNames(metrics) : null;
  // ≤ 5.x: `metrics and [...]` keeps `[]` as `[]` and None as None.
  if (metrics === undefined || metrics === null) return null;
  return metrics.length > 0 ? metricNames(metrics) : metrics;
}

function withoutContributionTotals(step: PyValue): PyValue {
  const s = step as Dict;
  const options = s?.options as Dict | undefined;
  if (
    s?.operation !== "contribution" ||
    !options ||
    typeof options !== "object" ||
    !("contribution_totals" in options)
  ) {
    return step;
  }
  const { contribution_totals: _dropped, ...rest } = options;
  return { ...s, options: rest };
}

const NO_STEPS: readonly PyValue[] = Object.freeze([]);

/** `self.post_processing` (falsy steps dropped), with the version's normalisation. */
export function postProcessingOf(qo: QueryObjectInput, profile: SupersetVersionProfile): PyValue[] {
  const input = qo.post_processing ?? NO_STEPS;
  const steps: PyValue[] = [];
  for (let i = 0; i < input.length; i++) {
    const step = input[i] as PyValue;
    if (pyTruthy(step)) steps.push(profile.stripContributionTotals ? withoutContributionTotals(step) : step);
  }
  return steps;
}

/** `annotation_layers` minus FORMULA layers (Python drops them in `__init__`). */
export function annotationLayersOf(qo: QueryObjectInput): Record<string, PyValue>[] {
  const layers = qo.annotation_layers;
  if (layers === undefined || layers === null || layers.length === 0) return [];
  return layers.filter((layer) => layer.annotationType !== "FORMULA");
}

/** Members of `to_dict()` that `cache_key()` deletes, left out from the start when asked. */
export interface ToDictOmissions {
  /** Leave out `apply_fetch_values_predicate`. Default `false`. */
  applyFetchValuesPredicate?: boolean;
  /** Leave out `from_dttm` and `to_dttm`. Default `false`. */
  bounds?: boolean;
}

/** What the caller already knows, so `to_dict()` need not work it out (or copy `qo`) again. */
export interface ToDictInputs {
  /** `row_limit` after `QueryObjectFactory`'s rule. Default `qo.row_limit`. */
  rowLimit?: number | null;
  /** `postProcessingOf(qo, profile)`. Default: computed. */
  postProcessing?: PyValue[];
}

/**
 * The dict `QueryObject(**qo).to_dict()` returns under `profile`, minus `omit`ted members
 * (built without them rather than deleted: `delete` makes a slow dictionary-mode object).
 */
export function queryObjectToDict(
  qo: QueryObjectInput,
  profile: SupersetVersionProfile,
  omit: ToDictOmissions = {},
  inputs: ToDictInputs = {},
): Dict {
  const columnsArg = qo.columns ?? [];
  const extras: Dict = { ...(qo.extras ?? {}) };
  const isTimeseries =
    qo.is_timeseries !== undefined && qo.is_timeseries !== null
      ? qo.is_timeseries
      : columnsArg.includes(DTTM_ALIAS);
  // `_init_series_columns` sees the raw `is_timeseries` and `metrics` arguments.
  const seriesColumns = pyTruthy(qo.series_columns)
    ? (qo.series_columns as PyValue[])
    : pyTruthy(qo.is_timeseries) && pyTruthy(qo.metrics)
      ? columnsArg
      : [];
  let columns: PyValue[] = columnsArg;
  let granularity: PyValue = qo.granularity ?? null;
  let seriesLimit: PyValue = keywordOr(qo.series_limit, 0);
  let seriesLimitMetric: PyValue = qo.series_limit_metric ?? null;
  // Deprecated names replace the new ones only when truthy, after the above.
  if (pyTruthy(qo.granularity_sqla)) granularity = qo.granularity_sqla as string;
  if (pyTruthy(qo.groupby)) columns = qo.groupby as PyValue[];
  if (pyTruthy(qo.timeseries_limit)) seriesLimit = qo.timeseries_limit as number;
  if (pyTruthy(qo.timeseries_limit_metric)) seriesLimitMetric = qo.timeseries_limit_metric as PyValue;
  if (pyTruthy(qo.where)) extras.where = qo.where as string;
  if (pyTruthy(qo.having)) extras.having = qo.having as string;

  // Members in to_dict()'s order; named stores keep one hidden-class chain per omission set.
  const dict: Dict = {};
  if (!omit.applyFetchValuesPredicate)
    dict.apply_fetch_values_predicate = qo.apply_fetch_values_predicate ?? false;
  dict.columns = columns;
  dict.extras = extras;
  dict.filter = qo.filters ?? [];
  if (!omit.bounds) dict.from_dttm = qo.from_dttm ?? null;
  dict.granularity = granularity;
  dict.inner_from_dttm = qo.inner_from_dttm ?? null;
  dict.inner_to_dttm = qo.inner_to_dttm ?? null;
  dict.is_rowcount = keywordOr(qo.is_rowcount, false);
  dict.is_timeseries = isTimeseries;
  dict.metrics = metricsOf(qo.metrics, profile);
  dict.order_desc = keywordOr(qo.order_desc, true);
  dict.orderby = qo.orderby ?? [];
  dict.row_limit = ("rowLimit" in inputs ? inputs.rowLimit : qo.row_limit) ?? null;
  dict.row_offset = qo.row_offset || 0;
  dict.series_columns = seriesColumns;
  dict.series_limit = seriesLimit;
  dict.series_limit_metric = seriesLimitMetric;
  if (!omit.bounds) dict.to_dttm = qo.to_dttm ?? null;
  if (profile.toDictTimeShift) dict.time_shift = qo.time_shift ?? null;
  if (profile.toDictGroupOthers)
    dict.group_others_when_limit_reached = keywordOr(qo.group_others_when_limit_reached, false);
  if (profile.toDictPostProcessing)
    dict.post_processing = inputs.postProcessing ?? postProcessingOf(qo, profile);
  if (profile.toDictGroupingSets) {
    dict.grouping_sets = qo.grouping_sets ?? [];
    dict.time_compare_full_range = keywordOr(qo.time_compare_full_range, false);
  }
  return dict;
}
