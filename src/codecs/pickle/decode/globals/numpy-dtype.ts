/**
 * `numpy.dtype` as a whitelisted BUILD target: `dtype(code, False, True)` then
 * `BUILD((version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]))`.
 */
import { isPyDict } from "../../../../python/dicts.js";
import { PyTuple, type PyValue } from "../../../../python/values.js";
import { arity, intArg, strArg } from "./args.js";
import { type HandlerContext, PyShell } from "./registry.js";

const DTYPE_CODE = /^([biufcOMmSUVa])(\d*)$/;
const DATETIME_UNITS = new Set([
  "Y",
  "M",
  "W",
  "D",
  "h",
  "m",
  "s",
  "ms",
  "us",
  "ns",
  "ps",
  "fs",
  "as",
  "generic",
]);
const FIXED_SIZES: ReadonlyMap<string, readonly number[]> = new Map([
  ["b", [1]],
  ["i", [1, 2, 4, 8]],
  ["u", [1, 2, 4, 8]],
  ["f", [2, 4, 8]],
  ["c", [8, 16]],
  ["O", [4, 8]],
  ["M", [8]],
  ["m", [8]],
]);
const NUMPY_NAMES: Readonly<Record<string, string>> = {
  b: "bool",
  i: "int",
  u: "uint",
  f: "float",
  c: "complex",
};

/** A numpy dtype: kind letter, item size in bytes, byte order, datetime unit. */
export class NpDtype extends PyShell {
  kind: string;
  itemsize: number;
  byteorder: "<" | ">" | "|" = "<";
  /** datetime64/timedelta64 unit (`ns`, `us`, …) and multiplier. */
  unit: string | null = null;
  unitCount = 1;
  /** Structured or sub-array dtypes are recorded but not decoded. */
  structured = false;

  constructor(code: string, ctx: HandlerContext) {
    super("numpy", "dtype", [code, false, true]);
    const m = DTYPE_CODE.exec(code);
    if (!m) ctx.fail("PICKLE_BAD_NUMPY", `unsupported dtype code ${JSON.stringify(code.slice(0, 20))}`);
    const kind = (m[1] === "a" ? "S" : m[1]) as string;
    const size = m[2] === "" ? (kind === "M" || kind === "m" || kind === "O" ? 8 : 0) : Number(m[2]);
    const fixed = FIXED_SIZES.get(kind);
    if (fixed && !fixed.includes(size)) ctx.fail("PICKLE_BAD_NUMPY", `unsupported dtype ${code}`);
    this.kind = kind;
    this.itemsize = kind === "U" ? size * 4 : size;
    if (kind === "b" || kind === "O" || kind === "S" || kind === "U" || kind === "V" || size === 1)
      this.byteorder = "|";
  }

  /** numpy's name: `int64`, `float64`, `bool`, `object`, `datetime64[ns]`, `<U2`, … */
  get numpyName(): string {
    const n = NUMPY_NAMES[this.kind];
    if (this.kind === "b") return "bool";
    if (n) return `${n}${this.itemsize * 8}`;
    if (this.kind === "O") return "object";
    if (this.kind === "M" || this.kind === "m") {
      const base = this.kind === "M" ? "datetime64" : "timedelta64";
      if (!this.unit || this.unit === "generic") return base;
      return `${base}[${this.unitCount === 1 ? "" : this.unitCount}${this.unit}]`;
    }
    if (this.kind === "U") return `<U${this.itemsize / 4}`;
    return `|${this.kind}${this.itemsize}`;
  }

  build(state: PyValue, ctx: HandlerContext): undefined {
    if (!(state instanceof PyTuple) || (state.length !== 8 && state.length !== 9)) {
      ctx.fail("PICKLE_BAD_NUMPY", "dtype state must be an 8- or 9-tuple");
    }
    const version = intArg(state[0], ctx, "dtype state version");
    if (version !== 3 && version !== 4)
      ctx.fail("PICKLE_BAD_NUMPY", `dtype state version ${version} is not supported`);
    const order = strArg(state[1], ctx, "dtype byte order");
    if (order !== "<" && order !== ">" && order !== "|" && order !== "=")
      ctx.fail("PICKLE_BAD_NUMPY", "bad dtype byte order");
    this.byteorder = order === "=" ? "<" : order;
    if (state[2] !== null || state[3] !== null || state[4] !== null) this.structured = true;
    const elsize = intArg(state[5], ctx, "dtype elsize");
    const flexible = this.kind === "S" || this.kind === "U" || this.kind === "V";
    if (elsize < -1) ctx.fail("PICKLE_BAD_NUMPY", "negative dtype elsize");
    if (flexible && elsize >= 0) this.itemsize = elsize;
    intArg(state[6], ctx, "dtype alignment");
    if (state.length === 9 && (this.kind === "M" || this.kind === "m"))
      this.readDatetimeMetadata(state[8] as PyValue, ctx);
    else if ((this.kind === "M" || this.kind === "m") && !this.unit) this.unit = "generic";
    this.state = state;
    return undefined;
  }

  private readDatetimeMetadata(meta: PyValue, ctx: HandlerContext): void {
    if (!(meta instanceof PyTuple) || meta.length !== 2 || !isPyDict(meta[0])) {
      ctx.fail("PICKLE_BAD_NUMPY", "datetime dtype metadata must be (dict, (unit, num, 1, 1))");
    }
    const info = meta[1];
    if (!(info instanceof PyTuple) || info.length < 2 || !(info[0] instanceof Uint8Array)) {
      ctx.fail("PICKLE_BAD_NUMPY", "datetime dtype unit tuple is malformed");
    }
    const unit = String.fromCharCode(...(info[0] as Uint8Array).subarray(0, 16));
    if (!DATETIME_UNITS.has(unit))
      ctx.fail("PICKLE_BAD_NUMPY", `unknown datetime unit ${JSON.stringify(unit)}`);
    const count = intArg(info[1], ctx, "datetime unit multiplier");
    if (count < 1) ctx.fail("PICKLE_BAD_NUMPY", "datetime unit multiplier must be positive");
    this.unit = unit;
    this.unitCount = count;
  }
}

/** `numpy.dtype(code, align, copy)` */
export function dtypeCall(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 1, 3, ctx, "numpy.dtype");
  return new NpDtype(strArg(args[0], ctx, "dtype code"), ctx);
}

/** Require a dtype shell. */
export function dtypeArg(v: PyValue | undefined, ctx: HandlerContext): NpDtype {
  if (v instanceof NpDtype) return v;
  return ctx.fail("PICKLE_BAD_NUMPY", "expected a numpy dtype");
}
