/**
 * Reading Arrow vectors into what the pickle encoder writes: Python-ready cell lists, raw
 * little-endian buffers, and string columns copied as raw UTF-8.
 */
import { isUtf8 } from "node:buffer";
import type { Data, DataType, Vector } from "apache-arrow";
import { PyDate, type PyValue } from "../../../python/values.js";
import { type EncoderContext, SelfPickling } from "../encode/context.js";
import { Op } from "../opcodes.js";

const MS_PER_DAY = 86_400_000;
/** CPython's list batch size (MARK … APPENDS groups). */
const LIST_BATCH = 1000;

/**
 * A string column written as a Python list of str straight from Arrow's UTF-8 buffer (no
 * decode/re-encode). Used when every chunk is valid UTF-8, which Python requires.
 */
export class Utf8List extends SelfPickling {
  constructor(private readonly v: Vector) {
    super();
  }

  static of(v: Vector): PyValue {
    const ok = v.data.every((d) => isUtf8(d.values as Uint8Array));
    return ok ? (new Utf8List(v) as unknown as PyValue) : listOf(v);
  }

  write(ctx: EncoderContext, _depth: number): void {
    const { w } = ctx;
    w.byte(Op.EMPTY_LIST);
    ctx.memoize();
    const n = this.v.length;
    if (n === 0) return;
    let k = 0;
    for (const d of this.v.data) {
      const offsets = d.valueOffsets as Int32Array;
      const bytes = d.values as Uint8Array;
      const nulls = nullBits(d);
      for (let i = 0; i < d.length; i++, k++) {
        if (n > 1 && k % LIST_BATCH === 0) {
          if (k > 0) w.byte(Op.APPENDS);
          w.byte(Op.MARK);
        }
        w.opcodeBoundary();
        if (nulls !== null && !validAt(nulls, d.offset + i)) {
          w.byte(Op.NONE);
          continue;
        }
        const start = offsets[i] as number;
        const end = offsets[i + 1] as number;
        const short = end - start <= 0xff;
        w.payloadRange(short ? Op.SHORT_BINUNICODE : Op.BINUNICODE, short ? 1 : 4, bytes, start, end);
        ctx.memoize();
      }
    }
    w.byte(n === 1 ? Op.APPEND : Op.APPENDS);
  }
}

/** The column's values as Python-ready items (null → None; int64 stays bigint). */
export function listOf(v: Vector): PyValue[] {
  const out: PyValue[] = new Array(v.length);
  let i = 0;
  for (const x of v) out[i++] = (x ?? null) as PyValue;
  return out;
}

export function datesOf(v: Vector): PyValue[] {
  const type = v.type as DataType & { unit: number };
  const out: PyValue[] = new Array(v.length);
  const chunks = v.data;
  let k = 0;
  for (const data of chunks) {
    const values = data.values as Int32Array | BigInt64Array;
    for (let i = 0; i < data.length; i++, k++) {
      if (!data.getValid(i)) {
        out[k] = null;
        continue;
      }
      // Date32 counts days, Date64 milliseconds (unit 0 = DAY).
      const ms = type.unit === 0 ? Number(values[i]) * MS_PER_DAY : Number(values[i]);
      const d = new Date(ms);
      out[k] = new PyDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
    }
  }
  return out;
}

export function dictionaryOf(v: Vector): Vector {
  const dict = v.data[0]?.dictionary;
  if (!dict) return v;
  return dict;
}

/** Little-endian bytes of a null-free primitive column (a view when it has one chunk). */
export function rawBytes(v: Vector): Uint8Array {
  const parts = v.data.map((d) => {
    const ta = d.values as ArrayBufferView & { BYTES_PER_ELEMENT: number };
    return new Uint8Array(ta.buffer, ta.byteOffset, d.length * ta.BYTES_PER_ELEMENT);
  });
  if (parts.length === 1) return parts[0] as Uint8Array;
  return Buffer.concat(parts);
}

/**
 * A chunk's validity bitmap when it has nulls (bit `d.offset + i` clear = null), else null:
 * Arrow's `getValid` for non-union data, read once per chunk instead of once per cell.
 */
export function nullBits(d: Data): Uint8Array | null {
  return d.nullable && d.nullCount > 0 ? (d.nullBitmap as Uint8Array) : null;
}

/** Whether bit `pos` of a validity bitmap is set (the cell is not null). */
export function validAt(bits: Uint8Array, pos: number): boolean {
  return ((bits[pos >> 3] as number) & (1 << (pos & 7))) !== 0;
}

export function floatsWithNaN(v: Vector, bits: 32 | 64): Uint8Array {
  const out = bits === 64 ? new Float64Array(v.length) : new Float32Array(v.length);
  let k = 0;
  for (const d of v.data) {
    out.set((d.values as Float64Array | Float32Array).subarray(0, d.length), k);
    const nulls = nullBits(d);
    if (nulls !== null)
      for (let i = 0; i < d.length; i++) if (!validAt(nulls, d.offset + i)) out[k + i] = Number.NaN;
    k += d.length;
  }
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** A null-free Bool column as numpy `b1` bytes (0/1), unpacked from Arrow's bit-packed values. */
export function boolBytes(v: Vector): Uint8Array {
  const out = new Uint8Array(v.length);
  let k = 0;
  for (const d of v.data) {
    // Bool values are never sliced: cell i is bit `d.offset + i`.
    const packed = d.values as Uint8Array;
    for (let i = 0, pos = d.offset; i < d.length; i++, pos++)
      out[k++] = ((packed[pos >> 3] as number) >> (pos & 7)) & 1;
  }
  return out;
}

export function int64Values(v: Vector): BigInt64Array {
  const out = new BigInt64Array(v.length);
  let k = 0;
  for (const d of v.data) {
    const values = d.values as BigInt64Array;
    out.set(values.subarray(0, d.length), k);
    k += d.length;
  }
  return out;
}

export function bytesOf(a: BigInt64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
