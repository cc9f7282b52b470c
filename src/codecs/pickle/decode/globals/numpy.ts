/**
 * Whitelisted numpy globals, under both numpy 1.x (`numpy.core.*`) and 2.x (`numpy._core.*`)
 * names: `dtype`, `ndarray` (as a token), `_reconstruct`, `_frombuffer` and `scalar`.
 */
import { pyIntValue } from "../../../../python/numbers.js";
import {
  PyComplex,
  PyDatetime64,
  PyFloat,
  PyObject,
  PyTuple,
  type PyValue,
} from "../../../../python/values.js";
import { arity, bytesArg, intArg, seqArg, strArg } from "./args.js";
import { halfToNumber, NdArray, typedView } from "./numpy-array.js";
import { dtypeArg, dtypeCall, type NpDtype } from "./numpy-dtype.js";
import { type GlobalSpec, type HandlerContext, PyGlobal } from "./registry.js";

function float(v: number, ctx: HandlerContext): PyValue {
  return ctx.exactNumbers && Number.isInteger(v) ? new PyFloat(v) : v;
}

/** Code points per `String.fromCodePoint` call: spreading a whole long str overflows the stack. */
const CODE_POINT_CHUNK = 4096;

/** Decode UTF-32LE (numpy `U` dtype), dropping trailing NULs as numpy does. */
function utf32(raw: Uint8Array, ctx: HandlerContext): string {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let end = raw.length - (raw.length % 4);
  while (end >= 4 && dv.getUint32(end - 4, true) === 0) end -= 4;
  ctx.charge(end / 2, "numpy");
  let out = "";
  const cps: number[] = [];
  for (let i = 0; i < end; i += 4) {
    const cp = dv.getUint32(i, true);
    if (cp > 0x10ffff) ctx.fail("PICKLE_BAD_NUMPY", "invalid code point in numpy str");
    cps.push(cp);
    if (cps.length === CODE_POINT_CHUNK) {
      out += String.fromCodePoint(...cps);
      cps.length = 0;
    }
  }
  return out + String.fromCodePoint(...cps);
}

/** One element of raw data (`itemsize` bytes) as a Python value. */
export function elementValue(dtype: NpDtype, raw: Uint8Array, ctx: HandlerContext): PyValue {
  const le = dtype.byteorder !== ">";
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (dtype.kind) {
    case "b":
      return raw[0] !== 0;
    case "i":
    case "u": {
      const size = dtype.itemsize;
      const signed = dtype.kind === "i";
      if (size === 1) return signed ? dv.getInt8(0) : dv.getUint8(0);
      if (size === 2) return signed ? dv.getInt16(0, le) : dv.getUint16(0, le);
      if (size === 4) return signed ? dv.getInt32(0, le) : dv.getUint32(0, le);
      return pyIntValue(signed ? dv.getBigInt64(0, le) : dv.getBigUint64(0, le));
    }
    case "f":
      if (dtype.itemsize === 2) return float(halfToNumber(dv.getUint16(0, le)), ctx);
      return float(dtype.itemsize === 4 ? dv.getFloat32(0, le) : dv.getFloat64(0, le), ctx);
    case "c": {
      const half = dtype.itemsize / 2;
      const re = half === 4 ? dv.getFloat32(0, le) : dv.getFloat64(0, le);
      const im = half === 4 ? dv.getFloat32(4, le) : dv.getFloat64(8, le);
      return new PyComplex(re, im);
    }
    case "M":
    case "m":
      return new PyDatetime64(
        dtype.kind === "M" ? "datetime64" : "timedelta64",
        dv.getBigInt64(0, le),
        dtype.unitCount === 1 ? (dtype.unit ?? "generic") : `${dtype.unitCount}${dtype.unit}`,
      );
    case "U":
      return utf32(raw, ctx);
    case "S": {
      let end = raw.length;
      while (end > 0 && raw[end - 1] === 0) end--;
      return raw.subarray(0, end);
    }
    default:
      return raw;
  }
}

/** `_reconstruct(ndarray, (0,), b'b')`: an empty shell that BUILD fills. */
function reconstruct(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 3, 3, ctx, "_reconstruct");
  const cls = args[0];
  if (!(cls instanceof PyGlobal) || cls.module !== "numpy" || cls.name !== "ndarray") {
    ctx.fail("PICKLE_BAD_NUMPY", "_reconstruct only rebuilds numpy.ndarray (subclasses are not supported)");
  }
  return new NdArray();
}

/** `_frombuffer(buf, dtype, shape, order[, axis_order])`. */
function frombuffer(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 4, 5, ctx, "_frombuffer");
  const buf = bytesArg(args[0], ctx, "_frombuffer buffer");
  const dtype = dtypeArg(args[1], ctx);
  const order = strArg(args[3], ctx, "_frombuffer order");
  let shape = seqArg(args[2], ctx, "_frombuffer shape");
  let fortran: boolean;
  if (order === "C") fortran = false;
  else if (order === "F") fortran = true;
  else if (order === "K") {
    const axes =
      args[4] === undefined || args[4] === null
        ? null
        : seqArg(args[4], ctx, "axis_order").map((a) => intArg(a, ctx, "axis"));
    const isPermutation =
      axes !== null &&
      axes.length === shape.length &&
      [...axes].sort((a, b) => a - b).every((a, i) => a === i);
    if (axes !== null && !isPermutation)
      ctx.fail("PICKLE_BAD_NUMPY", "axis_order is not a permutation of the axes");
    const identity = axes === null || axes.every((a, i) => a === i);
    const reversed = axes?.every((a, i) => a === axes.length - 1 - i);
    if (identity) fortran = false;
    else if (reversed) {
      // C data for `shape`, transposed: Fortran data for the reversed shape.
      shape = [...shape].reverse();
      fortran = true;
    } else
      return ctx.fail("PICKLE_BAD_NUMPY", "axis_order other than identity or full reversal is not supported");
  } else
    return ctx.fail("PICKLE_BAD_NUMPY", `_frombuffer order must be C, F or K, not ${JSON.stringify(order)}`);
  if (dtype.kind === "O") ctx.fail("PICKLE_BAD_NUMPY", "_frombuffer cannot carry object arrays");
  const arr = new NdArray();
  arr.fill(PyTuple.fromItems(shape), dtype, fortran, buf, ctx);
  return arr;
}

/**
 * `scalar(dtype, raw)` → a plain value (numbers, bool, str, bytes, datetime64, complex). In
 * exact mode a scalar that would become a plain JS value stays an inert `PyObject` of the call
 * (`module.scalar(dtype, raw)`), so it is written back as the same numpy type.
 */
function scalar(args: readonly PyValue[], ctx: HandlerContext, module: string): PyValue {
  arity(args, 1, 2, ctx, "numpy scalar");
  const dtype = dtypeArg(args[0], ctx);
  if (dtype.kind === "O") return args[1] ?? null;
  const raw = bytesArg(args[1], ctx, "scalar data");
  if (raw.length !== dtype.itemsize)
    ctx.fail("PICKLE_BAD_NUMPY", "scalar data length does not match its dtype");
  if (dtype.structured || dtype.kind === "V")
    return ctx.fail("PICKLE_BAD_NUMPY", "structured scalars are not supported");
  // datetime64/timedelta64 already decode to PyDatetime64, which keeps the numpy type.
  if (ctx.exact && dtype.kind !== "M" && dtype.kind !== "m")
    return new PyObject(module, "scalar", [dtype, raw]);
  return elementValue(dtype, raw, ctx);
}

/** Element `i` (storage order) of an array, as a Python value. */
export function arrayElement(arr: NdArray, i: number, ctx: HandlerContext): PyValue {
  if (arr.objects) return arr.objects[i] as PyValue;
  const dtype = arr.dtype as NpDtype;
  const raw = arr.raw as Uint8Array;
  return elementValue(dtype, raw.subarray(i * dtype.itemsize, (i + 1) * dtype.itemsize), ctx);
}

export { typedView };

const CORE_PREFIXES = ["numpy.core", "numpy._core"] as const;

export const NUMPY_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [
  ["numpy", "dtype", { call: dtypeCall }],
  ["numpy", "ndarray", {}],
  ...CORE_PREFIXES.flatMap((p) => [
    [`${p}.multiarray`, "_reconstruct", { call: reconstruct }] as const,
    [`${p}.numeric`, "_frombuffer", { call: frombuffer }] as const,
    [
      `${p}.multiarray`,
      "scalar",
      { call: (args: readonly PyValue[], ctx: HandlerContext) => scalar(args, ctx, `${p}.multiarray`) },
    ] as const,
  ]),
];
