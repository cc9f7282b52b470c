/**
 * Tagged JSON (test/fixtures/flask-caching/README.md) <-> PyValue, both directions, so tests
 * can exchange values with python/peer/flask_peer.py and read the golden fixtures.
 * DataFrames map to Arrow Tables with a RangeIndex; dtypes are mapped for int64, float64,
 * bool, object/string and datetime64[ns] columns (enough for the fixtures and peer tests).
 */
import {
  Bool,
  Float64,
  Int64,
  Table,
  Timestamp,
  TimeUnit,
  Utf8,
  type Vector,
  vectorFromArray,
} from "apache-arrow";
import {
  PyBytearray,
  PyDate,
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyFloat,
  PyFrozenSet,
  PySentinel,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  type PyValue,
} from "#src/python/values.js";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface FromTaggedOptions {
  /** `$float` → `PyFloat` (true, default) or a plain number. */
  exactNumbers?: boolean;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Python's `repr(float)`. */
export function pyFloatRepr(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (!Number.isFinite(n)) return n > 0 ? "inf" : "-inf";
  if (Object.is(n, -0)) return "-0.0";
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mant, exp] = n.toExponential().split("e") as [string, string];
    const e = Number(exp);
    return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const s = String(n);
  return Number.isInteger(n) ? `${s}.0` : s;
}

function fromHex(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

/** UTC offset in seconds of an isoformat suffix (`+05:30`), or null without one. */
function offsetSeconds(s: string): number | null {
  const m = /([+-])(\d\d):(\d\d)(?::(\d\d))?$/.exec(s);
  if (!m) return null;
  return (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0)) * (m[1] === "-" ? -1 : 1);
}

/**
 * The tzinfo of a `datetime`/`time` the peer built with `fromisoformat`: always a
 * `datetime.timezone` (UTC included: `timezone.utc` pickles as `timezone(timedelta(0))`), as the
 * pickle decoder yields it.
 */
function parseOffset(s: string): PyTzInfo | null {
  const secs = offsetSeconds(s);
  return secs === null ? null : new PyTzInfo("fixed", secs, null, "datetime.timezone");
}

/**
 * The tzinfo of a pandas 1.5 `Timestamp` parsed from an isoformat string: pytz's `UTC` for a
 * zero offset, else `pytz.FixedOffset(minutes)`, as the pickle decoder yields them.
 */
function parseTimestampOffset(s: string): PyTzInfo | null {
  const secs = offsetSeconds(s);
  if (secs === null) return null;
  return secs === 0
    ? new PyTzInfo("utc", 0, "UTC", "pytz._UTC")
    : new PyTzInfo("fixed", secs, null, "pytz.FixedOffset");
}

function parseIsoDatetime(s: string): PyDatetime {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?/.exec(s);
  if (!m) throw new Error(`bad $datetime ${s}`);
  const us = m[7] ? Number(m[7].padEnd(6, "0")) : 0;
  return new PyDatetime(
    +m[1]!,
    +m[2]!,
    +m[3]!,
    +m[4]!,
    +m[5]!,
    +m[6]!,
    us,
    parseOffset(s.slice(m[0].length)),
  );
}

function parseTimestampNs(s: string): PyDatetime64 {
  const m = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(.*)$/.exec(s);
  if (!m) throw new Error(`bad $timestamp ${s}`);
  const tz = parseTimestampOffset(m[8] ?? "");
  const wallMs = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  const frac = BigInt((m[7] ?? "").padEnd(9, "0") || "0");
  const ns = BigInt(wallMs) * 1_000_000n + frac - BigInt(tz?.offsetSeconds ?? 0) * 1_000_000_000n;
  return new PyDatetime64("Timestamp", ns, "ns", tz);
}

function frameFromTagged(spec: { [key: string]: Json }, o: FromTaggedOptions): Table {
  const columns = spec.columns as string[];
  const dtypes = (spec.dtypes ?? {}) as Record<string, string>;
  const rows = spec.data as Json[][];
  const arrays: Record<string, Vector> = {};
  columns.forEach((c, ci) => {
    const cells = rows.map((r) => fromTagged(r[ci] as Json, { ...o, exactNumbers: false }));
    const dt = dtypes[c] ?? "object";
    if (dt === "int64")
      arrays[c] = vectorFromArray(
        cells.map((x) => BigInt(x as number)),
        new Int64(),
      );
    else if (dt === "float64") arrays[c] = vectorFromArray(cells as number[], new Float64());
    else if (dt === "bool") arrays[c] = vectorFromArray(cells as boolean[], new Bool());
    else if (dt.startsWith("datetime64")) {
      const ms = cells.map((x) => (x instanceof PyDatetime64 ? Number(x.value / 1_000_000n) : null));
      arrays[c] = vectorFromArray(ms, new Timestamp(TimeUnit.MILLISECOND));
    } else arrays[c] = vectorFromArray(cells as (string | null)[], new Utf8());
  });
  return new Table(arrays);
}

/** Tagged JSON → PyValue. */
export function fromTagged(v: Json, o: FromTaggedOptions = {}): PyValue {
  const exact = o.exactNumbers ?? true;
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => fromTagged(x, o));
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0]!.startsWith("$")) {
    const tag = keys[0]!;
    const a = v[tag] as Json;
    switch (tag) {
      case "$int": {
        const n = BigInt(a as string);
        return n > SAFE || n < -SAFE ? n : Number(n);
      }
      case "$float": {
        const s = a as string;
        const n = s === "nan" ? Number.NaN : s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s);
        return exact ? new PyFloat(n) : n;
      }
      case "$bytes":
        return fromHex(a as string);
      case "$bytearray":
        return new PyBytearray(fromHex(a as string));
      case "$tuple":
        return PyTuple.fromItems((a as Json[]).map((x) => fromTagged(x, o)));
      case "$set":
        return new Set((a as Json[]).map((x) => fromTagged(x, o)));
      case "$frozenset":
        return new PyFrozenSet((a as Json[]).map((x) => fromTagged(x, o)));
      case "$dict":
        return new Map((a as [Json, Json][]).map(([k, x]) => [fromTagged(k, o), fromTagged(x, o)]));
      case "$decimal":
        return new PyDecimal(a as string);
      case "$datetime":
        return parseIsoDatetime(a as string);
      case "$date": {
        const [y, m, d] = (a as string).split("-").map(Number) as [number, number, number];
        return new PyDate(y, m, d);
      }
      case "$time": {
        const dt = parseIsoDatetime(`2000-01-01T${a as string}`);
        return new PyTime(dt.hour, dt.minute, dt.second, dt.microsecond, dt.tzinfo);
      }
      case "$timedelta": {
        const [d, s, us] = a as [number, number, number];
        return new PyTimedelta(d, s, us);
      }
      case "$timestamp":
        return parseTimestampNs(a as string);
      case "$nat":
        return PySentinel.NaT;
      case "$dataframe":
        return frameFromTagged(a as { [key: string]: Json }, o);
      default:
        throw new Error(`unknown tag ${tag}`);
    }
  }
  const out: { [key: string]: PyValue } = Object.create(null);
  for (const k of keys) out[k] = fromTagged(v[k] as Json, o);
  return out;
}

function pad(n: number | bigint, w: number): string {
  return String(n).padStart(w, "0");
}

function timestampIso(t: PyDatetime64): string {
  const perMs = 1_000_000n;
  const off = BigInt(t.tz?.offsetSeconds ?? 0) * 1_000_000_000n;
  const local = t.value + off;
  const ms = local / perMs - (local % perMs < 0n ? 1n : 0n);
  const subMs = local - ms * perMs;
  const d = new Date(Number(ms));
  const nsFrac = BigInt(d.getUTCMilliseconds()) * perMs + subMs;
  let s = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  if (nsFrac !== 0n) s += nsFrac % 1000n === 0n ? `.${pad(nsFrac / 1000n, 6)}` : `.${pad(nsFrac, 9)}`;
  if (t.tz) s += new PyTime(0, 0, 0, 0, t.tz).isoformat().slice(8);
  return s;
}

const ARROW_DTYPE: Record<string, string> = {
  Int64: "int64",
  Float64: "float64",
  Bool: "bool",
  Utf8: "object",
};

function frameToTagged(t: Table): Json {
  const columns = t.schema.fields.map((f) => f.name);
  const dtypes: Record<string, string> = {};
  for (const f of t.schema.fields) {
    const name = String(f.type);
    dtypes[f.name] = name.startsWith("Timestamp") ? "datetime64[ns]" : (ARROW_DTYPE[name] ?? name);
  }
  const data: Json[][] = [];
  for (let i = 0; i < t.numRows; i++) {
    data.push(
      columns.map((c, ci) => {
        const cell = t.getChildAt(ci)?.get(i) as unknown;
        if (dtypes[c] === "datetime64[ns]") {
          return cell === null
            ? { $nat: null }
            : toTagged(new PyDatetime64("Timestamp", BigInt(cell as number) * 1_000_000n, "ns"));
        }
        if (typeof cell === "bigint") return toTagged(cell);
        if (dtypes[c] === "float64") return toTagged(new PyFloat(cell as number));
        return toTagged((cell ?? null) as PyValue);
      }),
    );
  }
  return { $dataframe: { columns, index: Array.from({ length: t.numRows }, (_, i) => i), dtypes, data } };
}

/** PyValue → tagged JSON (integral JS numbers are Python ints; use PyFloat for floats). */
export function toTagged(v: PyValue): Json {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    if (Number.isInteger(v)) return Number.isSafeInteger(v) ? v : { $int: BigInt(v).toString() };
    return Number.isFinite(v) ? v : { $float: pyFloatRepr(v) };
  }
  if (typeof v === "bigint") return v > SAFE || v < -SAFE ? { $int: v.toString() } : Number(v);
  if (v instanceof PyFloat) {
    return Number.isFinite(v.value) && !Number.isInteger(v.value)
      ? v.value
      : { $float: pyFloatRepr(v.value) };
  }
  if (v instanceof PyBytearray) return { $bytearray: Buffer.from(v).toString("hex") };
  if (v instanceof Uint8Array) return { $bytes: Buffer.from(v).toString("hex") };
  if (v instanceof PyTuple) return { $tuple: v.map((x) => toTagged(x)) };
  if (Array.isArray(v)) return v.map((x) => toTagged(x));
  if (v instanceof PyFrozenSet) return { $frozenset: [...v].map((x) => toTagged(x)) };
  if (v instanceof Set) return { $set: [...v].map((x) => toTagged(x)) };
  if (v instanceof Map) return { $dict: [...v].map(([k, x]) => [toTagged(k), toTagged(x)]) };
  if (v instanceof PyDecimal) return { $decimal: v.text };
  if (v instanceof PyDatetime) return { $datetime: v.isoformat() };
  if (v instanceof PyDate) return { $date: v.isoformat() };
  if (v instanceof PyTime) return { $time: v.isoformat() };
  if (v instanceof PyTimedelta) return { $timedelta: [v.days, v.seconds, v.microseconds] };
  if (v instanceof PySentinel) return { $nat: null };
  if (v instanceof PyDatetime64) return { $timestamp: timestampIso(v) };
  if (v instanceof Table) return frameToTagged(v);
  if (
    typeof v === "object" &&
    (Object.getPrototypeOf(v) === null || Object.getPrototypeOf(v) === Object.prototype)
  ) {
    const entries = Object.entries(v as { [key: string]: PyValue });
    if (entries.some(([k]) => k.startsWith("$"))) return { $dict: entries.map(([k, x]) => [k, toTagged(x)]) };
    return Object.fromEntries(entries.map(([k, x]) => [k, toTagged(x)]));
  }
  throw new Error(`no tagged form for ${String((v as object).constructor?.name)}`);
}
