/**
 * Parsers for the text arguments of protocol-0 opcodes (INT, LONG, FLOAT, STRING, UNICODE,
 * GET/PUT). They accept exactly what Python's pickle accepts for the forms a pickler writes,
 * and reject the rest with `PICKLE_BAD_TEXT` (no `int(s, 0)` extras such as `0x10` or `1_0`).
 */
import { pyIntValue } from "../../../python/numbers.js";
import { PyStr } from "../../../python/values.js";
import type { ByteReader } from "./reader.js";
import { decodeLatin1 } from "./reader.js";
import { hasSurrogate } from "./strings/surrogate-str.js";

const DECIMAL_INT = /^[+-]?(?:0+|[1-9][0-9]*)$/;
const FLOAT_TEXT = /^[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)$/i;

/** Decimal int text → number when safe, else bigint. Checks the digit limit before parsing. */
export function parseDecimalInt(text: string, maxDigits: number, r: ByteReader): number | bigint {
  if (text.length > maxDigits + 1)
    r.fail("PICKLE_LIMIT_EXCEEDED", `integer text longer than ${maxDigits} digits`);
  if (!DECIMAL_INT.test(text))
    r.fail("PICKLE_BAD_TEXT", `invalid literal for int(): ${JSON.stringify(text.slice(0, 40))}`);
  if (text.length <= 15) return Number(text);
  return pyIntValue(BigInt(text));
}

/** A memo index line (GET/PUT): a non-negative decimal. */
export function parseMemoIndex(text: string, r: ByteReader): number {
  if (!/^[0-9]{1,10}$/.test(text)) r.fail("PICKLE_BAD_TEXT", "invalid memo index");
  const n = Number(text);
  if (n > 0xffffffff) r.fail("PICKLE_BAD_TEXT", "memo index out of range");
  return n;
}

/** FLOAT text (Python `repr(float)` forms). */
export function parseFloatText(text: string, r: ByteReader): number {
  if (!FLOAT_TEXT.test(text))
    r.fail("PICKLE_BAD_TEXT", `could not convert string to float: ${JSON.stringify(text.slice(0, 40))}`);
  const lower = text.toLowerCase();
  const sign = lower.startsWith("-") ? -1 : 1;
  const body = lower.replace(/^[+-]/, "");
  if (body === "nan") return Number.NaN;
  if (body === "inf" || body === "infinity") return sign * Number.POSITIVE_INFINITY;
  return Number(text);
}

const SIMPLE_ESCAPES: ReadonlyMap<number, number> = new Map([
  [0x5c, 0x5c], // \\
  [0x27, 0x27], // \'
  [0x22, 0x22], // \"
  [0x61, 0x07], // \a
  [0x62, 0x08], // \b
  [0x66, 0x0c], // \f
  [0x6e, 0x0a], // \n
  [0x72, 0x0d], // \r
  [0x74, 0x09], // \t
  [0x76, 0x0b], // \v
]);

function hexVal(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** STRING argument: a quoted Python 2 repr, decoded with `codecs.escape_decode` rules → raw bytes. */
export function parseQuotedString(line: Uint8Array, r: ByteReader): Uint8Array {
  const n = line.length;
  const q = line[0];
  if (n < 2 || (q !== 0x27 && q !== 0x22) || line[n - 1] !== q) {
    r.fail("PICKLE_BAD_TEXT", "the STRING opcode argument must be quoted");
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (let i = 1; i < n - 1; i++) {
    const c = line[i] as number;
    if (c !== 0x5c) {
      out[o++] = c;
      continue;
    }
    const e = line[++i];
    if (i >= n - 1 || e === undefined) r.fail("PICKLE_BAD_TEXT", "trailing \\ in string");
    const simple = SIMPLE_ESCAPES.get(e);
    if (simple !== undefined) {
      out[o++] = simple;
    } else if (e === 0x0a) {
      // backslash-newline: line continuation, produces nothing
    } else if (e === 0x78) {
      const h1 = hexVal(line[i + 1]);
      const h2 = hexVal(line[i + 2]);
      if (h1 < 0 || h2 < 0 || i + 2 >= n - 1) r.fail("PICKLE_BAD_TEXT", "invalid \\x escape");
      out[o++] = (h1 << 4) | h2;
      i += 2;
    } else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let k = 0; k < 2 && i + 1 < n - 1; k++) {
        const d = line[i + 1] as number;
        if (d < 0x30 || d > 0x37) break;
        v = v * 8 + (d - 0x30);
        i++;
      }
      out[o++] = v & 0xff;
    } else {
      // Unknown escapes are kept verbatim, as codecs.escape_decode does.
      out[o++] = 0x5c;
      out[o++] = e;
    }
  }
  return out.subarray(0, o);
}

/**
 * UNICODE argument: raw-unicode-escape (only \uXXXX / \UXXXXXXXX; other bytes are latin-1).
 * `exact`: a str with surrogate escapes is a `PyStr` (two escaped surrogates stay two code points).
 */
export function decodeRawUnicodeEscape(line: Uint8Array, r: ByteReader, exact = false): string | PyStr {
  if (line.indexOf(0x5c) < 0) return decodeLatin1(line);
  const parts: string[] = [];
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i] as number;
    if (c !== 0x5c) {
      parts.push(String.fromCharCode(c));
      i++;
      continue;
    }
    let run = 0;
    while (i + run < n && line[i + run] === 0x5c) run++;
    const next = line[i + run];
    if (run % 2 === 1 && (next === 0x75 || next === 0x55)) {
      parts.push("\\".repeat(run - 1));
      const digits = next === 0x75 ? 4 : 8;
      const start = i + run + 1;
      let cp = 0;
      for (let k = 0; k < digits; k++) {
        const h = hexVal(line[start + k]);
        if (h < 0 || start + k >= n)
          r.fail("PICKLE_BAD_TEXT", `truncated \\${next === 0x75 ? "u" : "U"} escape`);
        cp = cp * 16 + h;
      }
      if (cp > 0x10ffff) r.fail("PICKLE_BAD_TEXT", "\\Uxxxxxxxx out of range");
      parts.push(String.fromCodePoint(cp));
      i = start + digits;
    } else {
      parts.push("\\".repeat(run));
      i += run;
    }
  }
  if (exact) {
    // Each part is one character or code point (or a run of backslashes): read them one by one.
    const cps = parts.flatMap((p) => Array.from(p, (c) => c.codePointAt(0) as number));
    if (hasSurrogate(cps)) return new PyStr(cps);
  }
  return parts.join("");
}
