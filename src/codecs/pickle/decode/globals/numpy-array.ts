/**
 * numpy ndarrays: the `_reconstruct` shell filled by BUILD and the `_frombuffer` form.
 * Raw data stays a view over the pickle bytes; typed views are zero-copy when the offset is
 * aligned and the byte order is little-endian, and a copy otherwise.
 */

import { PyTuple, type PyValue } from "../../../../python/values.js";
import { copyBytes } from "../strings/uninit-buffers.js";
import { Utf8Cells } from "../strings/utf8-cells.js";
import { intArg, seqArg } from "./args.js";
import { NpDtype } from "./numpy-dtype.js";
import { type HandlerContext, PyShell } from "./registry.js";

/** Most dimensions accepted (numpy 2.x allows 64). */
export const MAX_NDIM = 64;

export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

type TypedCtor = {
  new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericArray;
  new (length: number): NumericArray;
  BYTES_PER_ELEMENT: number;
};

/** Typed-array constructor for a dtype kind and item size (f2 and complex are handled apart). */
function ctorFor(kind: string, size: number): TypedCtor | null {
  switch (`${kind}${size}`) {
    case "b1":
    case "u1":
      return Uint8Array as unknown as TypedCtor;
    case "i1":
      return Int8Array as unknown as TypedCtor;
    case "i2":
      return Int16Array as unknown as TypedCtor;
    case "u2":
      return Uint16Array as unknown as TypedCtor;
    case "i4":
      return Int32Array as unknown as TypedCtor;
    case "u4":
      return Uint32Array as unknown as TypedCtor;
    case "i8":
    case "M8":
    case "m8":
      return BigInt64Array as unknown as TypedCtor;
    case "u8":
      return BigUint64Array as unknown as TypedCtor;
    case "f4":
    case "c8":
      return Float32Array as unknown as TypedCtor;
    case "f8":
    case "c16":
      return Float64Array as unknown as TypedCtor;
    default:
      return null;
  }
}

/** IEEE half → double. */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Little-endian, aligned typed view of `raw` for `dtype` (copying only when it must). */
export function typedView(raw: Uint8Array, dtype: NpDtype): NumericArray | null {
  if (dtype.kind === "f" && dtype.itemsize === 2) {
    const out = new Float32Array(raw.length / 2);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const le = dtype.byteorder !== ">";
    for (let i = 0; i < out.length; i++) out[i] = halfToNumber(dv.getUint16(i * 2, le));
    return out;
  }
  const size = dtype.kind === "c" ? dtype.itemsize / 2 : dtype.itemsize;
  const Ctor = ctorFor(dtype.kind, dtype.itemsize);
  if (!Ctor) return null;
  const count = raw.length / size;
  if (dtype.byteorder === ">" && size > 1) {
    const copy = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i += size) {
      for (let b = 0; b < size; b++) copy[i + b] = raw[i + size - 1 - b] as number;
    }
    return new Ctor(copy.buffer, 0, count);
  }
  if (raw.byteOffset % size === 0) return new Ctor(raw.buffer as ArrayBuffer, raw.byteOffset, count);
  // Misaligned offset: one copy into a fresh (so aligned) buffer.
  const aligned = copyBytes(raw);
  return new Ctor(aligned.buffer, 0, count);
}

/** A numpy array: dtype, shape, Fortran flag, and raw bytes (or a list of objects for dtype O). */
export class NdArray extends PyShell {
  dtype: NpDtype | null = null;
  shape: number[] = [];
  fortran = false;
  /** Raw element bytes in storage order (C, or Fortran when `fortran`). */
  raw: Uint8Array | null = null;
  /** Object-dtype elements as str references into the pickle (see utf8-cells.ts), or null. */
  cells: Utf8Cells | null = null;
  private objectList: PyValue[] | null = null;
  private typedCache: NumericArray | null = null;

  constructor() {
    super("numpy", "ndarray");
  }

  /** Object-dtype elements, always in C (row-major) logical order (null for other dtypes). */
  get objects(): PyValue[] | null {
    if (this.objectList === null && this.cells !== null) this.objectList = this.cells.toArray();
    return this.objectList;
  }

  /** Number of elements. */
  get size(): number {
    let n = 1;
    for (const d of this.shape) n *= d;
    return n;
  }

  /** Elements as a typed array in storage order (null for object/str/bytes/void dtypes). */
  typed(): NumericArray | null {
    if (this.typedCache === null && this.raw && this.dtype) this.typedCache = typedView(this.raw, this.dtype);
    return this.typedCache;
  }

  /** Fill from shape, dtype, order and data (shared by BUILD and `_frombuffer`). */
  fill(shapeArg: PyValue, dtype: NpDtype, fortran: boolean, data: PyValue, ctx: HandlerContext): void {
    const dims = seqArg(shapeArg, ctx, "ndarray shape");
    if (dims.length > MAX_NDIM) ctx.fail("PICKLE_BAD_NUMPY", "too many dimensions");
    let count = 1n;
    const shape: number[] = [];
    for (const d of dims) {
      const n = intArg(d, ctx, "ndarray dimension");
      if (n < 0) ctx.fail("PICKLE_BAD_NUMPY", "negative dimension");
      shape.push(n);
      count *= BigInt(n);
    }
    if (count > BigInt(ctx.maxContainerItems))
      ctx.fail("PICKLE_LIMIT_EXCEEDED", "ndarray larger than maxContainerItems");
    if (dtype.structured) ctx.fail("PICKLE_BAD_NUMPY", "structured dtypes are not supported");
    const n = Number(count);
    this.cells = null;
    this.objectList = null;
    this.raw = null;
    if (dtype.kind === "O" && data instanceof Utf8Cells) {
      if (data.count !== n) ctx.fail("PICKLE_BAD_NUMPY", "object array length does not match its shape");
      this.cells = data;
    } else if (dtype.kind === "O") {
      if (!Array.isArray(data) || data instanceof PyTuple)
        ctx.fail("PICKLE_BAD_NUMPY", "object array data must be a list");
      if (data.length !== n) ctx.fail("PICKLE_BAD_NUMPY", "object array length does not match its shape");
      this.objectList = data;
    } else {
      if (!(data instanceof Uint8Array)) ctx.fail("PICKLE_BAD_NUMPY", "array data must be bytes");
      if (count * BigInt(dtype.itemsize) !== BigInt(data.length)) {
        ctx.fail("PICKLE_BAD_NUMPY", "array data length does not match shape and dtype");
      }
      // str/bytes/void items each become a JS value; with item size 0 ("S0", "U0", "V0")
      // any shape matches empty data, so the data length alone bounds nothing.
      if (dtype.kind === "S" || dtype.kind === "U" || dtype.kind === "V") ctx.produce(n, "numpy");
      this.raw = data;
    }
    this.shape = shape;
    this.dtype = dtype;
    this.fortran = fortran && shape.length > 1;
    this.typedCache = null;
  }

  build(state: PyValue, ctx: HandlerContext): undefined {
    if (!(state instanceof PyTuple) || (state.length !== 5 && state.length !== 4)) {
      ctx.fail("PICKLE_BAD_NUMPY", "ndarray state must be (version, shape, dtype, is_fortran, data)");
    }
    const s = state.length === 5 ? state.slice(1) : [...state];
    if (state.length === 5 && intArg(state[0], ctx, "ndarray state version") !== 1) {
      ctx.fail("PICKLE_BAD_NUMPY", "unsupported ndarray state version");
    }
    if (!(s[1] instanceof NpDtype)) ctx.fail("PICKLE_BAD_NUMPY", "ndarray state needs a dtype");
    if (typeof s[2] !== "boolean" && typeof s[2] !== "number")
      ctx.fail("PICKLE_BAD_NUMPY", "is_fortran must be a bool");
    this.fill(s[0] as PyValue, s[1], Boolean(s[2]), s[3] as PyValue, ctx);
    return undefined;
  }
}
