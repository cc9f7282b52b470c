/**
 * simplejson's C encoder memoises stringified dict keys for the whole `dumps` call, keyed
 * by the Python key object, so keys that are equal in Python (`0 == 0.0 == -0.0 == False
 * == Decimal("0")`, `1 == 1.0 == True`, `1.5 == Decimal("1.5")`) reuse the text of the first
 * one met. That path runs only with `sort_keys=False` and no `indent` (otherwise the keys
 * are stringified afresh). This module gives a JS key its Python equality class.
 */
import { PyDecimal, PyFloat } from "../../python/values.js";

/** `m·10^e` with no trailing zeros in `m`, as text; equal numbers give equal texts. */
function canonical(negative: boolean, digits: string, exponent: number): string {
  let d = digits.replace(/^0+/, "");
  if (d === "") return "0";
  let e = exponent;
  while (d.endsWith("0")) {
    d = d.slice(0, -1);
    e++;
  }
  return `${negative ? "-" : ""}${d}e${e}`;
}

function floatClass(x: number): string | undefined {
  if (Number.isNaN(x)) return undefined; // every NaN object is its own key
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Number.isInteger(x)) return canonical(x < 0, BigInt(Math.abs(x)).toString(), 0);
  // Exact decimal value of the double: mantissa · 2^-k = mantissa · 5^k · 10^-k.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const k = 1075 - (biased === 0 ? 1 : biased);
  return canonical(x < 0, (mantissa * 5n ** BigInt(k)).toString(), -k);
}

function decimalClass(text: string): string | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text.toLowerCase().includes("inf") ? (text.startsWith("-") ? "-inf" : "inf") : undefined;
  const [, sign = "", whole = "", frac = "", exp = "0"] = m;
  return canonical(sign === "-", whole + frac, Number(exp) - frac.length);
}

/** The Python equality class of a non-str dict key, or `undefined` when it equals nothing else. */
export function pythonKeyClass(k: unknown): string | undefined {
  if (k === null) return "None";
  if (typeof k === "boolean") return k ? "1e0" : "0";
  if (typeof k === "number") return floatClass(k);
  if (typeof k === "bigint") return canonical(k < 0n, (k < 0n ? -k : k).toString(), 0);
  if (k instanceof PyFloat) return floatClass(k.value);
  if (k instanceof PyDecimal) return decimalClass(k.text);
  return undefined;
}
