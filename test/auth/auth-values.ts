/**
 * Values exchanged with python/peer/ops_auth.py: the tagged JSON of test/helpers/tagged.ts plus
 * Flask's own types, `{"$uuid": hex}` and `{"$markup": text}` (markupsafe.Markup, which the
 * library keeps as an inert `PyObject`).
 */
import { markup } from "#src/auth/index.js";
import { isPlainObject } from "#src/python/dicts.js";
import { PyObject, PyTuple, PyUUID, type PyValue } from "#src/python/values.js";
import { fromTagged, type Json, toTagged } from "#test/helpers/tagged.js";

/** PyValue → tagged JSON, Flask types included. */
export function toAuthTagged(v: PyValue): Json {
  if (v instanceof PyUUID) return { $uuid: v.hex };
  if (v instanceof PyObject && v.qualifiedName === "markupsafe.Markup")
    return { $markup: v.args?.[0] as string };
  if (v instanceof PyTuple) return { $tuple: Array.from(v, toAuthTagged) };
  if (Array.isArray(v)) return v.map(toAuthTagged);
  if (v instanceof Map) return { $dict: [...v].map(([k, x]) => [toAuthTagged(k), toAuthTagged(x)]) };
  if (isPlainObject(v)) {
    const entries = Object.entries(v as Record<string, PyValue>);
    if (entries.some(([k]) => k.startsWith("$")))
      return { $dict: entries.map(([k, x]) => [k, toAuthTagged(x)]) };
    return Object.fromEntries(entries.map(([k, x]) => [k, toAuthTagged(x)]));
  }
  return toTagged(v);
}

/** Tagged JSON → PyValue, Flask types included (dicts come back as null-prototype objects). */
export function fromAuthTagged(v: Json): PyValue {
  if (Array.isArray(v)) return v.map(fromAuthTagged);
  if (v !== null && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && keys[0] === "$uuid") return new PyUUID(v.$uuid as string);
    if (keys.length === 1 && keys[0] === "$markup") return markup(v.$markup as string);
    if (keys.length === 1 && keys[0] === "$tuple")
      return PyTuple.fromItems((v.$tuple as Json[]).map(fromAuthTagged));
    if (keys.length === 1 && keys[0] === "$dict") {
      return new Map((v.$dict as [Json, Json][]).map(([k, x]) => [fromAuthTagged(k), fromAuthTagged(x)]));
    }
    if (!(keys.length === 1 && keys[0]?.startsWith("$"))) {
      const out: Record<string, PyValue> = Object.create(null);
      for (const k of keys) out[k] = fromAuthTagged(v[k] as Json);
      return out;
    }
  }
  return fromTagged(v, { exactNumbers: true });
}
