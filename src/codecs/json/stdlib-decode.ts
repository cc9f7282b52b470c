/**
 * Python stdlib `json.loads(bytes)`: what Superset's JsonKeyValueCodec reads. Keeps Python's
 * int/float split when asked (`exactNumbers`), accepts NaN/Infinity, refuses control
 * characters in strings (strict mode), bounded depth; never evaluates anything.
 */

import { CacheDecodeError } from "../../core/errors.js";
import { pyIntValue } from "../../python/numbers.js";
import { PyFloat, type PyValue } from "../../python/values.js";
import { MAX_JSON_DEPTH } from "./stdlib-encode.js";

/** Options of {@link stdlibJsonLoads}. */
export interface StdlibJsonLoadsOptions {
  /** Integral floats (`1.0`) come back as `PyFloat` so re-encoding writes `1.0`. Default `false`. */
  exactNumbers?: boolean;
  /** Accept the `NaN`, `Infinity`, `-Infinity` literals (stdlib json does). Default `true`. */
  allowNan?: boolean;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decode UTF-8 JSON bytes as `json.loads` does (a leading UTF-8 BOM is skipped, as Python's
 * encoding detection does for bytes). Objects have a null prototype; duplicate keys keep the
 * last value; ints beyond 2^53 are bigints.
 * @throws CacheDecodeError `METASTORE_JSON_INVALID` (bad UTF-8 or syntax), `METASTORE_JSON_TOO_DEEP`.
 */
export function stdlibJsonLoads(bytes: Uint8Array, options: StdlibJsonLoadsOptions = {}): PyValue {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (cause) {
    throw new CacheDecodeError("METASTORE_JSON_INVALID", "stored JSON is not valid UTF-8", { cause });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parser = new Parser(text, options.exactNumbers ?? false, options.allowNan ?? true);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos !== text.length) throw parser.fail("Extra data");
  return value;
}

/** `sys.get_int_max_str_digits()` default. */
const MAX_INT_DIGITS = 4300;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(
    private readonly s: string,
    private readonly exact: boolean,
    private readonly allowNan: boolean,
  ) {}

  fail(message: string): CacheDecodeError {
    return new CacheDecodeError("METASTORE_JSON_INVALID", `${message}: char ${this.pos}`);
  }

  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.pos++;
      else break;
    }
  }

  value(depth: number): PyValue {
    if (depth > MAX_JSON_DEPTH) {
      throw new CacheDecodeError(
        "METASTORE_JSON_TOO_DEEP",
        `JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
      );
    }
    const s = this.s;
    const c = s[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    if (s.startsWith("null", this.pos)) return this.literal(4, null);
    if (s.startsWith("true", this.pos)) return this.literal(4, true);
    if (s.startsWith("false", this.pos)) return this.literal(5, false);
    if (this.allowNan) {
      if (s.startsWith("NaN", this.pos)) return this.literal(3, Number.NaN);
      if (s.startsWith("Infinity", this.pos)) return this.literal(8, Number.POSITIVE_INFINITY);
      if (s.startsWith("-Infinity", this.pos)) return this.literal(9, Number.NEGATIVE_INFINITY);
    }
    return this.number();
  }

  private literal(length: number, v: PyValue): PyValue {
    this.pos += length;
    return v;
  }

  private number(): PyValue {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (!m) throw this.fail("Expecting value");
    this.pos += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      // Python's int limit (ValueError past 4,300 digits); BigInt of a huge literal is quadratic.
      if (m[0].length - (m[0].startsWith("-") ? 1 : 0) > MAX_INT_DIGITS)
        throw this.fail(`Exceeds the limit (${MAX_INT_DIGITS} digits) for integer string conversion`);
      return pyIntValue(BigInt(m[0]));
    }
    const x = Number(m[0]);
    return this.exact && Number.isInteger(x) ? new PyFloat(x) : x;
  }

  private string(): string {
    const s = this.s;
    this.pos++;
    let out = "";
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) throw this.fail("Unterminated string");
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) {
        out += s.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) throw this.fail("Invalid control character");
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(start, this.pos);
      const e = s[this.pos + 1];
      this.pos += 2;
      if (e === "u") {
        const h = s.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(h)) throw this.fail("Invalid \\uXXXX escape");
        out += String.fromCharCode(Number.parseInt(h, 16));
        this.pos += 4;
      } else {
        const mapped = ESCAPES[e ?? ""];
        if (mapped === undefined) throw this.fail("Invalid \\escape");
        out += mapped;
      }
      start = this.pos;
    }
  }

  private array(depth: number): PyValue[] {
    this.pos++;
    const out: PyValue[] = [];
    this.skipSpace();
    if (this.s[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      out.push(this.value(depth + 1));
      this.skipSpace();
      const c = this.s[this.pos++];
      if (c === "]") return out;
      if (c !== ",") throw this.fail("Expecting ',' delimiter");
    }
  }

  private object(depth: number): { [key: string]: PyValue } {
    this.pos++;
    const out: { [key: string]: PyValue } = Object.create(null);
    this.skipSpace();
    if (this.s[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] !== '"') throw this.fail("Expecting property name enclosed in double quotes");
      const key = this.string();
      this.skipSpace();
      if (this.s[this.pos++] !== ":") throw this.fail("Expecting ':' delimiter");
      this.skipSpace();
      out[key] = this.value(depth + 1);
      this.skipSpace();
      const c = this.s[this.pos++];
      if (c === "}") return out;
      if (c !== ",") throw this.fail("Expecting ',' delimiter");
    }
  }
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};
