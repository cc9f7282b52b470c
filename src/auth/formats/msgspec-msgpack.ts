/**
 * MessagePack as Flask-Session 0.6+ stores sessions: `msgspec.msgpack.Encoder().encode(dict)`
 * and an untyped `msgspec.msgpack.Decoder().decode(bytes)`. Smallest int forms, float64 only,
 * str as fixstr/str8/16/32, bytes as bin; an aware datetime is the timestamp extension (-1), a
 * naive one its ISO text; UUIDs, Decimals, dates and times are text; tuples and sets arrays.
 * Decoding is bounded by the input: no length is trusted beyond the bytes present.
 */
import { isPlainObject } from "../../python/dicts.js";
import {
  PyDate,
  PyDatetime,
  PyDecimal,
  PyFloat,
  PyObject,
  PyTime,
  PyUUID,
  type PyValue,
} from "../../python/values.js";
import { AuthError } from "../errors.js";
import { UTC } from "./http-date.js";

/** Nesting deeper than this is refused when decoding. */
const MAX_DEPTH = 256;
const TIMESTAMP_EXT = -1;

/** A value msgspec would refuse to encode. */
function encodeError(message: string): AuthError {
  return new AuthError("AUTH_SESSION_ENCODE_FAILED", message);
}

/** Bytes msgspec would refuse to decode. */
function decodeError(message: string): AuthError {
  return new AuthError("AUTH_SESSION_DECODE_FAILED", message);
}

/** `msgspec.msgpack.encode(value)`. @throws AuthError `AUTH_SESSION_ENCODE_FAILED` for a value msgspec cannot encode */
export function msgspecEncode(value: PyValue): Uint8Array {
  const out: number[] = [];
  write(value, out, 0);
  return Uint8Array.from(out);
}

/** A length header: the fix form below `fixLimit` (when there is one), else the 8/16/32-bit code. */
function lengthHead(
  out: number[],
  n: number,
  fix: number | null,
  fixLimit: number,
  codes: readonly (number | null)[],
): void {
  if (fix !== null && n < fixLimit) out.push(fix | n);
  else if (codes[0] !== null && n < 0x100) out.push(codes[0] as number, n);
  else if (n < 0x10000) out.push(codes[1] as number, n >> 8, n & 0xff);
  else if (n <= 0xffffffff) out.push(codes[2] as number, ...bigEndian(BigInt(n), 4));
  else throw encodeError("length beyond 2**32 - 1");
}

/** The low `size` bytes of `v`, big-endian (two's complement for negative values). */
function bigEndian(v: bigint, size: number): number[] {
  const out: number[] = [];
  for (let i = size - 1; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

function writeInt(v: bigint, out: number[]): void {
  if (v >= 0n) {
    if (v < 0x80n) out.push(Number(v));
    else if (v < 0x100n) out.push(0xcc, Number(v));
    else if (v < 0x10000n) out.push(0xcd, ...bigEndian(v, 2));
    else if (v < 0x100000000n) out.push(0xce, ...bigEndian(v, 4));
    else if (v < 1n << 64n) out.push(0xcf, ...bigEndian(v, 8));
    else throw encodeError("can't serialize ints < -2**63 or > 2**64 - 1");
  } else if (v >= -32n) out.push(Number(v) & 0xff);
  else if (v >= -128n) out.push(0xd0, Number(v) & 0xff);
  else if (v >= -32768n) out.push(0xd1, ...bigEndian(v, 2));
  else if (v >= -(1n << 31n)) out.push(0xd2, ...bigEndian(v, 4));
  else if (v >= -(1n << 63n)) out.push(0xd3, ...bigEndian(v, 8));
  else throw encodeError("can't serialize ints < -2**63 or > 2**64 - 1");
}

function writeFloat(x: number, out: number[]): void {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  out.push(0xcb, ...b);
}

function writeStr(s: string, out: number[]): void {
  const b = Buffer.from(s, "utf8");
  lengthHead(out, b.length, 0xa0, 32, [0xd9, 0xda, 0xdb]);
  for (const x of b) out.push(x);
}

/** msgspec's `mpack_encode_datetime`: naive → ISO text; aware → timestamp 32, 64 or 96. */
function writeDatetime(dt: PyDatetime, out: number[]): void {
  if (dt.tzinfo === null) {
    writeStr(dt.isoformat(), out);
    return;
  }
  let ms: number;
  try {
    ms = dt.toEpochMillis();
  } catch (cause) {
    throw encodeError(`datetime in a zone of unknown offset: ${String(cause)}`);
  }
  const seconds = BigInt(Math.floor(ms / 1000));
  const nanos = BigInt(dt.microsecond * 1000);
  if (seconds >> 34n === 0n) {
    const data64 = (nanos << 34n) | seconds;
    if (data64 >> 32n === 0n) out.push(0xd6, 0xff, ...bigEndian(data64, 4));
    else out.push(0xd7, 0xff, ...bigEndian(data64, 8));
  } else {
    out.push(0xc7, 12, 0xff, ...bigEndian(nanos, 4), ...bigEndian(seconds, 8));
  }
}

function write(value: PyValue, out: number[], depth: number): void {
  if (depth > MAX_DEPTH) throw encodeError("value nests too deeply");
  if (value === null) out.push(0xc0);
  else if (value === true) out.push(0xc3);
  else if (value === false) out.push(0xc2);
  else if (typeof value === "number") {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) writeInt(BigInt(value), out);
    else writeFloat(value, out);
  } else if (typeof value === "bigint") writeInt(value, out);
  else if (value instanceof PyFloat) writeFloat(value.value, out);
  else if (typeof value === "string") writeStr(value, out);
  else if (value instanceof Uint8Array) {
    lengthHead(out, value.length, null, 0, [0xc4, 0xc5, 0xc6]);
    for (const x of value) out.push(x);
  } else if (Array.isArray(value) || value instanceof Set) {
    const items = [...value];
    lengthHead(out, items.length, 0x90, 16, [null, 0xdc, 0xdd]);
    for (const item of items) write(item, out, depth + 1);
  } else if (value instanceof Map || isPlainObject(value)) {
    const entries: [PyValue, PyValue][] =
      value instanceof Map ? [...value] : Object.keys(value).map((k) => [k, value[k] as PyValue]);
    lengthHead(out, entries.length, 0x80, 16, [null, 0xde, 0xdf]);
    for (const [k, v] of entries) {
      write(k, out, depth + 1);
      write(v, out, depth + 1);
    }
  } else if (value instanceof PyDatetime) writeDatetime(value, out);
  else if (value instanceof PyDate || value instanceof PyTime) writeStr(value.isoformat(), out);
  else if (value instanceof PyUUID) writeStr(value.toString(), out);
  else if (value instanceof PyDecimal) writeStr(value.text, out);
  else {
    const name = value instanceof PyObject ? value.qualifiedName : (value?.constructor?.name ?? typeof value);
    throw encodeError(`Encoding objects of type ${name} is unsupported`);
  }
}

/**
 * `msgspec.msgpack.decode(bytes)` without a type: maps become dicts (an object when every key
 * is a str, else a `Map`), arrays lists, bin bytes, the timestamp extension an aware UTC
 * datetime, any other extension an inert `msgspec.msgpack.Ext` object.
 * @throws AuthError `AUTH_SESSION_DECODE_FAILED` for malformed, truncated or trailing bytes (msgspec's DecodeError)
 */
export function msgspecDecode(bytes: Uint8Array): PyValue {
  const reader = new Reader(bytes);
  const value = reader.value(0);
  if (reader.pos !== bytes.length) throw decodeError("trailing bytes after the MessagePack value");
  return value;
}

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly b: Uint8Array) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  private take(n: number): number {
    if (n > this.b.length - this.pos) throw decodeError("truncated MessagePack input");
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private uint(n: 1 | 2 | 4): number {
    const at = this.take(n);
    return n === 1 ? (this.b[at] as number) : n === 2 ? this.view.getUint16(at) : this.view.getUint32(at);
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) throw decodeError("MessagePack nests too deeply");
    const c = this.uint(1);
    if (c <= 0x7f) return c;
    if (c >= 0xe0) return c - 0x100;
    if (c >= 0xa0 && c <= 0xbf) return this.str(c & 0x1f);
    if (c >= 0x90 && c <= 0x9f) return this.array(c & 0x0f, depth);
    if (c >= 0x80 && c <= 0x8f) return this.map(c & 0x0f, depth);
    switch (c) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
      case 0xc5:
      case 0xc6: {
        const n = this.uint(c === 0xc4 ? 1 : c === 0xc5 ? 2 : 4);
        const at = this.take(n);
        return this.b.slice(at, at + n);
      }
      case 0xca:
        return this.view.getFloat32(this.take(4));
      case 0xcb:
        return this.view.getFloat64(this.take(8));
      case 0xcc:
        return this.uint(1);
      case 0xcd:
        return this.uint(2);
      case 0xce:
        return this.uint(4);
      case 0xcf:
        return narrow(this.view.getBigUint64(this.take(8)));
      case 0xd0:
        return this.view.getInt8(this.take(1));
      case 0xd1:
        return this.view.getInt16(this.take(2));
      case 0xd2:
        return this.view.getInt32(this.take(4));
      case 0xd3:
        return narrow(this.view.getBigInt64(this.take(8)));
      case 0xd9:
      case 0xda:
      case 0xdb:
        return this.str(this.uint(c === 0xd9 ? 1 : c === 0xda ? 2 : 4));
      case 0xdc:
      case 0xdd:
        return this.array(this.uint(c === 0xdc ? 2 : 4), depth);
      case 0xde:
      case 0xdf:
        return this.map(this.uint(c === 0xde ? 2 : 4), depth);
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        return this.ext(1 << (c - 0xd4));
      case 0xc7:
      case 0xc8:
      case 0xc9:
        return this.ext(this.uint(c === 0xc7 ? 1 : c === 0xc8 ? 2 : 4));
      default:
        throw decodeError(`invalid MessagePack type byte 0x${c.toString(16)}`);
    }
  }

  private str(n: number): string {
    const at = this.take(n);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(this.b.subarray(at, at + n));
    } catch {
      throw decodeError("invalid UTF-8 in a MessagePack str");
    }
  }

  private array(n: number, depth: number): PyValue[] {
    // Every item takes at least one byte: a count beyond the remaining input is a lie.
    if (n > this.b.length - this.pos) throw decodeError("truncated MessagePack input");
    const out: PyValue[] = [];
    for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
    return out;
  }

  private map(n: number, depth: number): PyValue {
    if (n * 2 > this.b.length - this.pos) throw decodeError("truncated MessagePack input");
    const entries: [PyValue, PyValue][] = [];
    for (let i = 0; i < n; i++) entries.push([this.value(depth + 1), this.value(depth + 1)]);
    if (!entries.every(([k]) => typeof k === "string")) return new Map(entries);
    const out: Record<string, PyValue> = Object.create(null);
    for (const [k, v] of entries) out[k as string] = v;
    return out;
  }

  private ext(n: number): PyValue {
    const type = this.view.getInt8(this.take(1));
    const at = this.take(n);
    const data = this.b.subarray(at, at + n);
    if (type !== TIMESTAMP_EXT) return new PyObject("msgspec.msgpack", "Ext", [type, data.slice()]);
    return timestamp(data);
  }
}

function narrow(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** The timestamp extension (32, 64 or 96 bit) as an aware UTC datetime with microseconds. */
function timestamp(data: Uint8Array): PyDatetime {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let seconds: bigint;
  let nanos: number;
  if (data.length === 4) {
    seconds = BigInt(view.getUint32(0));
    nanos = 0;
  } else if (data.length === 8) {
    const v = view.getBigUint64(0);
    seconds = v & ((1n << 34n) - 1n);
    nanos = Number(v >> 34n);
  } else if (data.length === 12) {
    nanos = view.getUint32(0);
    seconds = view.getBigInt64(4);
  } else throw decodeError("invalid timestamp extension length");
  if (nanos > 999_999_999) throw decodeError("invalid timestamp nanoseconds");
  // Python's datetime spans years 1–9999.
  if (seconds < -62135596800n || seconds > 253402300799n) throw decodeError("timestamp out of range");
  const d = new Date(Number(seconds) * 1000);
  // msgspec's datetime_from_epoch rounds nanoseconds to the closest microsecond, halves up.
  let micro = Math.floor((nanos + 500) / 1000);
  if (micro === 1_000_000) {
    d.setTime(d.getTime() + 1000);
    micro = 0;
  }
  return new PyDatetime(
    d.getUTCFullYear(),
    d.getUTCMonth() + 1,
    d.getUTCDate(),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    micro,
    UTC,
  );
}
