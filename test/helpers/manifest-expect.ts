/**
 * Turns values decoded by our pickle reader into the tagged-JSON conventions of the golden
 * files written by Python, so tests compare against Python's own description of a value:
 * - "manifest": test/fixtures/pickle/manifest.json (`expect`), see that folder's README;
 * - "flask-caching": the `value` field of test/fixtures/flask-caching/*.json.
 * Sets are compared order-free (both sides are sorted by their JSON text).
 */
import type { Table, Vector } from "apache-arrow";
import { Table as ArrowTable } from "apache-arrow";
import {
  PyBytearray,
  PyComplex,
  PyDate,
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyEnum,
  PyFloat,
  PyFrozenSet,
  PyObject,
  PySentinel,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyUUID,
  type PyValue,
} from "#src/python/values.js";

export type Convention = "manifest" | "flask-caching";
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const UNIT_NS: Record<string, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1000n, ns: 1n };

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

/** Python's `repr(float)`: shortest round-trip digits, exponent form outside 1e-4 <= |v| < 1e16. */
export function floatRepr(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Number.POSITIVE_INFINITY) return "inf";
  if (v === Number.NEGATIVE_INFINITY) return "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mant, expText] = v.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const neg = mant.startsWith("-");
  const digits = mant.replace("-", "").replace(".", "");
  let text: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    text = `${intPart}.${frac || "0"}`;
  } else {
    text = `0.${"0".repeat(-exp - 1)}${digits}`;
  }
  return (neg ? "-" : "") + text;
}

function intJson(v: number | bigint): Json {
  const b = BigInt(v);
  return b <= MAX_SAFE && b >= -MAX_SAFE ? Number(b) : { $int: b.toString() };
}

/** pandas `Timestamp.isoformat()` of an epoch count. */
export function timestampIso(value: bigint, unit: string, utc: boolean): string {
  const ns = value * (UNIT_NS[unit] ?? 1n);
  const secs = ns >= 0n ? ns / 1_000_000_000n : -((-ns + 999_999_999n) / 1_000_000_000n);
  const frac = ns - secs * 1_000_000_000n;
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  let f = "";
  if (frac % 1000n !== 0n) f = `.${frac.toString().padStart(9, "0")}`;
  else if (frac !== 0n) f = `.${(frac / 1000n).toString().padStart(6, "0")}`;
  return base + f + (utc ? "+00:00" : "");
}

function sortedByJson(items: Json[]): Json[] {
  return items
    .map((x) => [JSON.stringify(x), x] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((p) => p[1]);
}

function isDictObject(v: unknown): v is Record<string, PyValue> {
  return v !== null && typeof v === "object" && Object.getPrototypeOf(v) === null;
}

/** Our value → the convention's tagged JSON. */
export function toConvention(v: PyValue, conv: Convention): Json {
  const rec = (x: PyValue): Json => toConvention(x, conv);
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    if (!Number.isFinite(v) || Object.is(v, -0)) return { $float: floatRepr(v) };
    return Number.isInteger(v) ? intJson(v) : v;
  }
  if (typeof v === "bigint") return intJson(v);
  if (v instanceof PyFloat) {
    if (conv === "flask-caching" || !Number.isFinite(v.value) || Object.is(v.value, -0))
      return { $float: floatRepr(v.value) };
    return v.value;
  }
  if (v instanceof PyBytearray) return conv === "manifest" ? { $bytes_hex: hex(v) } : { $bytearray: hex(v) };
  if (v instanceof Uint8Array) return conv === "manifest" ? { $bytes_hex: hex(v) } : { $bytes: hex(v) };
  if (v instanceof PyTuple) return { $tuple: v.map(rec) };
  if (Array.isArray(v)) return v.map(rec);
  if (v instanceof PyFrozenSet) return { $frozenset: sortedByJson([...v].map(rec)) };
  if (v instanceof Set) return { $set: sortedByJson([...v].map(rec)) };
  if (v instanceof Map) return dictJson([...v.entries()], conv);
  if (isDictObject(v)) return dictJson(Object.entries(v), conv);
  if (v instanceof PyDecimal) return { $decimal: v.text };
  if (v instanceof PyDatetime) return { $datetime: v.isoformat() };
  if (v instanceof PyDate) return { $date: v.isoformat() };
  if (v instanceof PyTime) return { $time: v.isoformat() };
  if (v instanceof PyTimedelta) return { $timedelta: [v.days, v.seconds, v.microseconds] };
  if (v instanceof PyDatetime64) {
    if (v.kind === "datetime64") return { $datetime64: v.unit, value: v.value.toString() };
    const utc = v.tz !== null;
    const ns = v.value * (UNIT_NS[v.unit] ?? 1n);
    if (conv === "flask-caching") return { $timestamp: timestampIso(v.value, v.unit, utc) };
    return {
      $timestamp: timestampIso(v.value, v.unit, utc),
      value: ns.toString(),
      tz: v.tz ? (v.tz.name ?? "UTC") : null,
    };
  }
  if (v === PySentinel.NaT) return { $nat: conv === "manifest" ? true : null };
  if (v === PySentinel.NA) return { $na: true };
  if (v instanceof PyComplex) {
    return conv === "manifest"
      ? { $complex: [v.real, v.imag] }
      : { $complex: [floatRepr(v.real), floatRepr(v.imag)] };
  }
  if (v instanceof PyUUID) return { $uuid: v.toString() };
  if (v instanceof PyEnum)
    return {
      $enum: `${v.module}.${v.qualname}`,
      name: v.name,
      value: v.value === undefined ? null : rec(v.value),
    };
  if (v instanceof ArrowTable) return tableJson(v, conv);
  if (v instanceof PyObject) {
    const state = isDictObject(v.state)
      ? Object.fromEntries(Object.entries(v.state).map(([k, x]) => [k, rec(x)]))
      : rec(v.state ?? null);
    return { $object: v.qualifiedName, state };
  }
  throw new Error(`no tagged form for ${Object.prototype.toString.call(v)}`);
}

function dictJson(entries: [PyValue, PyValue][], conv: Convention): Json {
  const plain =
    conv === "flask-caching" && entries.every(([k]) => typeof k === "string" && !k.startsWith("$"));
  if (plain) return Object.fromEntries(entries.map(([k, x]) => [k as string, toConvention(x, conv)]));
  return { $dict: entries.map(([k, x]) => [toConvention(k, conv), toConvention(x, conv)]) };
}

/** Tagged JSON written by our decoder (object cells, index metadata) → the convention. */
function fromOurTagged(j: Json, conv: Convention): Json {
  if (j === null || typeof j !== "object") return j;
  if (Array.isArray(j)) return j.map((x) => fromOurTagged(x, conv));
  if ("$datetime64" in j) {
    const value = BigInt(j.value as string);
    if (j.kind === "datetime64") return { $datetime64: j.$datetime64, value: value.toString() };
    return toConvention(
      new PyDatetime64(
        "Timestamp",
        value,
        j.$datetime64 as string,
        j.tz === null ? null : ({ name: String(j.tz) } as never),
      ),
      conv,
    );
  }
  if ("$bytes" in j && conv === "manifest") return { $bytes_hex: j.$bytes };
  if ("$nat" in j) return { $nat: conv === "manifest" ? true : null };
  return Object.fromEntries(Object.entries(j).map(([k, x]) => [k, fromOurTagged(x, conv)]));
}

/** Cell `i` of an Arrow column, using the field metadata our decoder writes. */
function cellJson(col: Vector, meta: Map<string, string>, i: number, conv: Convention): Json {
  const dtype = meta.get("pandas_dtype") ?? "";
  const enc = meta.get("pandas_object_encoding");
  const typeId = String(col.type);
  if (!col.isValid(i)) {
    if (typeId.startsWith("Timestamp")) return { $nat: conv === "manifest" ? true : null };
    if (typeId.startsWith("Dictionary")) return { $float: "nan" };
    if (dtype === "string" || /^(U?Int|Float)\d+$|^boolean$/.test(dtype)) return { $na: true };
    return null;
  }
  if (typeId.startsWith("Timestamp")) {
    const raw = col.data[0]?.values as BigInt64Array;
    const unit = ["s", "ms", "us", "ns"][(col.type as { unit: number }).unit] as string;
    const tz = (col.type as { timezone: string | null }).timezone;
    return toConvention(
      new PyDatetime64("Timestamp", raw[i] as bigint, unit, tz ? ({ name: tz } as never) : null),
      conv,
    );
  }
  const v = col.get(i) as unknown;
  if (enc === "tagged-json") return fromOurTagged(JSON.parse(v as string) as Json, conv);
  if (enc === "decimal") return { $decimal: v as string };
  if (enc === "date") {
    const d = new Date(v as number);
    return { $date: d.toISOString().slice(0, 10) };
  }
  if (typeof v === "bigint") return intJson(v);
  if (typeof v === "number") {
    if (dtype.startsWith("float") && conv === "flask-caching" && Number.isInteger(v))
      return { $float: floatRepr(v) };
    return toConvention(v, conv);
  }
  if (v instanceof Uint8Array) return toConvention(v, conv);
  return v as Json;
}

function tableJson(t: Table, conv: Convention): Json {
  const meta = t.schema.metadata;
  const index = JSON.parse(meta.get("pandas_index") ?? "null") as Record<string, Json>;
  const fields = t.schema.fields.filter((f) => !f.metadata.has("pandas_index_level"));
  const columns = fields.map((f) =>
    f.metadata.has("pandas_label")
      ? fromOurTagged(JSON.parse(f.metadata.get("pandas_label") as string), conv)
      : f.name,
  );
  const dtypes = fields.map((f) => f.metadata.get("pandas_dtype") ?? "");
  const data = fields.map((f) => {
    const col = t.getChild(f.name) as Vector;
    const out: Json[] = [];
    for (let i = 0; i < t.numRows; i++) out.push(cellJson(col, f.metadata, i, conv));
    return out;
  });
  let indexJson: Json;
  if (index.kind === "range") {
    indexJson = {
      $type: "RangeIndex",
      start: index.start ?? 0,
      stop: index.stop ?? 0,
      step: index.step ?? 1,
      name: index.name ?? null,
    };
  } else {
    indexJson = {
      $type: index.class as string,
      dtype: index.dtype ?? null,
      name: index.name ?? null,
      values: fromOurTagged(index.values ?? [], conv),
    };
  }
  if (conv === "manifest") return { $type: "DataFrame", columns, index: indexJson, dtypes, data };
  const rows: Json[] = [];
  for (let i = 0; i < t.numRows; i++) rows.push(data.map((c) => c[i] as Json));
  const rangeValues =
    index.kind === "range"
      ? Array.from({ length: t.numRows }, (_, i) => (index.start as number) + i * (index.step as number))
      : (indexJson as { values: Json }).values;
  return {
    $dataframe: {
      columns,
      index: rangeValues,
      dtypes: Object.fromEntries(columns.map((c, i) => [String(c), dtypes[i] as string])),
      data: rows,
    },
  };
}

/** Normalise Python's side (sorts set items) so it compares with `toConvention`. */
export function normaliseExpected(j: Json): Json {
  if (j === null || typeof j !== "object") return j;
  if (Array.isArray(j)) return j.map(normaliseExpected);
  const out = Object.fromEntries(Object.entries(j).map(([k, x]) => [k, normaliseExpected(x)]));
  if ("$set" in out && Array.isArray(out.$set)) out.$set = sortedByJson(out.$set);
  if ("$frozenset" in out && Array.isArray(out.$frozenset)) out.$frozenset = sortedByJson(out.$frozenset);
  return out;
}
