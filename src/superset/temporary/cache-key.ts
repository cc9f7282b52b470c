/**
 * Superset's temporary-cache key joiner `cache_key(*args)`: Python `str()` of every part,
 * joined with `;`, no escaping (superset/temporary_cache/utils.py).
 */

import { isPythonInt, pythonFloatRepr } from "../../python/numbers.js";
import { PyEnum, PyFloat } from "../../python/values.js";

/** The separator Superset uses. */
export const KEY_SEPARATOR = ";";

/** How Python's `str()` renders a `DatasourceType` member: Python ≥ 3.11 `"table"`, 3.10 `"DatasourceType.TABLE"`. */
export type EnumStrStyle = "value" | "qualified";

/** A part of a key; `null`/`undefined` are Python `None`. */
export type KeyPart = string | number | bigint | boolean | null | undefined | PyFloat | DatasourceTypeMember;

/** A `DatasourceType` member as an internal Superset caller passes it (the REST API passes plain strings). */
export class DatasourceTypeMember {
  constructor(
    /** The enum value, e.g. `table`. */
    readonly value: string,
    /** How `str()` renders it (depends on the Python version running Superset). Default `"value"`. */
    readonly style: EnumStrStyle = "value",
  ) {}
  toString(): string {
    return this.style === "value" ? this.value : `DatasourceType.${datasourceTypeMemberName(this.value)}`;
  }
}

/** Member names of Superset's DatasourceType by value. */
export const DATASOURCE_TYPE_NAMES: Readonly<Record<string, string>> = {
  table: "TABLE",
  dataset: "DATASET",
  query: "QUERY",
  saved_query: "SAVEDQUERY",
  view: "VIEW",
};

/** The values `DatasourceType(...)` accepts. */
export const DATASOURCE_TYPES: readonly string[] = Object.keys(DATASOURCE_TYPE_NAMES);

function datasourceTypeMemberName(value: string): string {
  return DATASOURCE_TYPE_NAMES[value] ?? value.toUpperCase();
}

/** Python `str(x)` for the value kinds that appear in temporary-cache keys. */
export function pythonStr(part: KeyPart): string {
  if (part === null || part === undefined) return "None";
  if (part === true) return "True";
  if (part === false) return "False";
  if (typeof part === "number") return isPythonInt(part) ? String(part) : pythonFloatRepr(part);
  if (part instanceof PyFloat) return pythonFloatRepr(part.value);
  if (part instanceof PyEnum) return String(part.value ?? part.name);
  return String(part);
}

/** `cache_key(*parts)`: `";".join(str(p) for p in parts)`. */
export function temporaryCacheKey(...parts: KeyPart[]): string {
  return parts.map(pythonStr).join(KEY_SEPARATOR);
}
