/**
 * Converts the tagged JSON of the golden files (test/fixtures/flask-caching/README.md) and of
 * python/peer/pickle_peer.py into our Python value classes, so tests can build the exact
 * value Python wrote without going through our decoder.
 */
import {
  PyBytearray,
  PyComplex,
  PyDate,
  PyDatetime,
  PyDecimal,
  PyFloat,
  PyFrozenSet,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "#src/python/values.js";

type Tagged = null | boolean | number | string | Tagged[] | { [k: string]: Tagged };

export function hexToBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, "hex"));
}

function pyFloat(text: string): PyFloat {
  if (text === "nan") return new PyFloat(Number.NaN);
  if (text === "inf") return new PyFloat(Number.POSITIVE_INFINITY);
  if (text === "-inf") return new PyFloat(Number.NEGATIVE_INFINITY);
  return new PyFloat(Number(text));
}

/** `+HH:MM[:SS[.ffffff]]` → a tz; `+00:00` is `datetime.timezone.utc`. */
function tzFromOffset(text: string | undefined, name?: string | null): PyTzInfo | null {
  if (!text) return null;
  const m = /^([+-])(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{6}))?)?$/.exec(text);
  if (!m) throw new Error(`bad offset ${text}`);
  const sign = m[1] === "-" ? -1 : 1;
  const seconds = sign * (Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0));
  const micros = sign * Number(m[5] ?? 0);
  if (seconds === 0 && micros === 0 && !name) return new PyTzInfo("utc", 0);
  return new PyTzInfo("fixed", seconds, name ?? null, null, micros ? { microseconds: micros } : {});
}

const ISO_DT = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{6}))?([+-][\d:.]+)?$/;
const ISO_T = /^(\d\d):(\d\d):(\d\d)(?:\.(\d{6}))?([+-][\d:.]+)?$/;

/** Tagged JSON → PyValue. */
export function fromTagged(v: Tagged): PyValue {
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map(fromTagged);
  const keys = Object.keys(v);
  const tag = keys.length >= 1 && keys[0]?.startsWith("$") ? (keys[0] as string) : null;
  const body = tag ? (v[tag] as Tagged) : null;
  switch (tag) {
    case "$int":
      return BigInt(body as string);
    case "$float":
      return pyFloat(body as string);
    case "$bytes":
      return hexToBytes(body as string);
    case "$bytearray":
      return new PyBytearray(hexToBytes(body as string));
    case "$tuple":
      return PyTuple.fromItems((body as Tagged[]).map(fromTagged));
    case "$set":
      return new Set((body as Tagged[]).map(fromTagged));
    case "$frozenset":
      return new PyFrozenSet((body as Tagged[]).map(fromTagged));
    case "$dict":
      return new Map((body as [Tagged, Tagged][]).map(([k, x]) => [fromTagged(k), fromTagged(x)]));
    case "$odict":
      return new Map((body as [Tagged, Tagged][]).map(([k, x]) => [fromTagged(k), fromTagged(x)]));
    case "$decimal":
      return new PyDecimal(body as string);
    case "$uuid":
      return new PyUUID(body as string);
    case "$complex": {
      const [re, im] = body as [string, string];
      return new PyComplex(pyFloat(re).value, pyFloat(im).value);
    }
    case "$date": {
      const [y, m, d] = (body as string).split("-").map(Number) as [number, number, number];
      return new PyDate(y, m, d);
    }
    case "$datetime": {
      const m = ISO_DT.exec(body as string);
      if (!m) throw new Error(`bad datetime ${String(body)}`);
      const tzName = typeof v.tzname === "string" ? v.tzname : null;
      const fold = v.fold === 1 ? 1 : 0;
      return new PyDatetime(
        Number(m[1]),
        Number(m[2]),
        Number(m[3]),
        Number(m[4]),
        Number(m[5]),
        Number(m[6]),
        Number(m[7] ?? 0),
        tzFromOffset(m[8], tzName),
        fold,
      );
    }
    case "$time": {
      const m = ISO_T.exec(body as string);
      if (!m) throw new Error(`bad time ${String(body)}`);
      const fold = v.fold === 1 ? 1 : 0;
      return new PyTime(
        Number(m[1]),
        Number(m[2]),
        Number(m[3]),
        Number(m[4] ?? 0),
        tzFromOffset(m[5]),
        fold,
      );
    }
    case "$timedelta": {
      const [d, s, us] = body as [number, number, number];
      return new PyTimedelta(d, s, us);
    }
    case "$timezone": {
      const tz = tzFromOffset(body as string, typeof v.name === "string" ? v.name : null);
      return tz ?? new PyTzInfo("utc", 0);
    }
    default: {
      const out: Record<string, PyValue> = {};
      for (const k of keys) out[k] = fromTagged(v[k] as Tagged);
      return out;
    }
  }
}
