/**
 * Stored entry structures of the temporary caches (Superset's `Entry` and
 * `TemporaryExploreState` TypedDicts) and the read-side normalisation, including
 * `ExploreFormDataCache.get`'s legacy fix-up.
 */
import { dictEntries, dictGet, dictHas, isPyDict, type PyDict } from "../../python/dicts.js";
import { PyEnum, PyObject, type PyValue } from "../../python/values.js";
import { DATASOURCE_TYPE_NAMES, DATASOURCE_TYPES } from "./cache-key.js";
import { TemporaryCacheInvalidDatasourceTypeError } from "./errors.js";

/** A dashboard filter-state entry: `{"owner": user id | None, "value": "<json text>"}`, in this key order. */
export interface FilterStateEntry {
  [key: string]: PyValue;
  owner: number | bigint | null;
  value: string;
}

/**
 * An explore form-data state, key order as Superset writes it. `datasource_id` may be a
 * string when written by Superset's legacy `/superset/explore/` redirect.
 */
export interface ExploreState {
  [key: string]: PyValue;
  owner: number | bigint | null;
  datasource_id: number | string | bigint;
  /** A `DatasourceType` member as Superset pickles it, or the plain value (JSON codec reads). */
  datasource_type: string | PyEnum;
  chart_id: number | bigint | null;
  form_data: string;
}

const DATASOURCE_TYPE_VALUES: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(DATASOURCE_TYPE_NAMES).map(([value, name]) => [name, value]),
);

/** Build a filter-state entry in Superset's key order. */
export function filterStateEntry(owner: number | null, value: string): FilterStateEntry {
  const entry = Object.create(null) as FilterStateEntry;
  entry.owner = owner;
  entry.value = value;
  return entry;
}

/** Superset's enum class of datasource types. */
export const DATASOURCE_TYPE_MODULE = "superset.utils.core";
export const DATASOURCE_TYPE_CLASS = "DatasourceType";

/** How a new explore state stores `datasource_type`: Superset's enum member (default) or its plain value. */
export type DatasourceTypeEncoding = "enum" | "string";

/**
 * The stored form of a datasource type: a `PyEnum` pickles exactly as Superset's
 * `DatasourceType.TABLE` (by name) and JSON-encodes as `"table"`; `"string"` stores the value.
 */
export function storedDatasourceType(value: string, encoding: DatasourceTypeEncoding): string | PyEnum {
  if (encoding === "string") return value;
  return new PyEnum(
    DATASOURCE_TYPE_MODULE,
    DATASOURCE_TYPE_CLASS,
    DATASOURCE_TYPE_NAMES[value] ?? null,
    value,
  );
}

/** Build an explore state in Superset's key order. */
export function exploreState(
  owner: number | null,
  datasourceId: number | string,
  datasourceType: string | PyEnum,
  chartId: number | null,
  formData: string,
): ExploreState {
  const state = Object.create(null) as ExploreState;
  state.owner = owner;
  state.datasource_id = datasourceId;
  state.datasource_type = datasourceType;
  state.chart_id = chartId;
  state.form_data = formData;
  return state;
}

/**
 * `DatasourceType(value)`: accepts the plain string, a decoded enum member (`PyEnum`) or the
 * inert placeholder the pickle decoder gives for `superset.utils.core.DatasourceType('table')`.
 * @throws TemporaryCacheInvalidDatasourceTypeError for anything else.
 */
export function datasourceTypeValue(value: PyValue | undefined): string {
  let text: PyValue | undefined = value;
  if (value instanceof PyEnum) {
    // Python 3.11+ pickles members by name (getattr), so the value may be unknown.
    text = value.value ?? DATASOURCE_TYPE_VALUES[value.name ?? ""];
  } else if (value instanceof PyObject && value.name === "DatasourceType" && value.args?.length === 1) {
    text = value.args[0];
  }
  if (typeof text === "string" && DATASOURCE_TYPES.includes(text)) return text;
  throw new TemporaryCacheInvalidDatasourceTypeError(typeof text === "string" ? text : String(text));
}

/**
 * `ExploreFormDataCache.get` post-processing: falsy → `undefined`; a dict gets `dataset_id`
 * renamed to `datasource_id` (in place, keeping order) and `datasource_type` defaulted to
 * `DatasourceType.TABLE` (appended; see `encoding`) when missing; anything else (contextual-key strings) passes through.
 */
export function fixLegacyExploreValue(
  value: PyValue | undefined,
  truthy: boolean,
  encoding: DatasourceTypeEncoding = "enum",
): PyValue | undefined {
  if (!truthy) return undefined;
  if (!isPyDict(value)) return value;
  const out: { [key: string]: PyValue } = Object.create(null);
  for (const [key, v] of dictEntries(value)) {
    const k = String(key);
    out[k === "dataset_id" ? "datasource_id" : k] = v;
  }
  if (!("datasource_type" in out)) out.datasource_type = storedDatasourceType("table", encoding);
  return out;
}

/** Read a field of a decoded dict (owner, value, …). */
export function field(entry: PyDict, name: string): PyValue | undefined {
  return dictGet(entry, name);
}

/** `true` when the decoded dict has the key. */
export function hasField(entry: PyDict, name: string): boolean {
  return dictHas(entry, name);
}
