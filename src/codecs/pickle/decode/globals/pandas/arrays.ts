/**
 * pandas extension arrays and dtypes as whitelisted BUILD targets: NDArrayBacked arrays
 * (DatetimeArray, TimedeltaArray, Categorical, StringArray) via Cython's auto-pickle,
 * masked arrays (IntegerArray, FloatingArray, BooleanArray), and the dtype objects.
 */
import { dictGet, isPyDict } from "../../../../../python/dicts.js";
import { PyObject, PyTuple, PyTzInfo, type PyValue } from "../../../../../python/values.js";
import { intArg, strArg } from "../args.js";
import { NdArray } from "../numpy-array.js";
import type { NpDtype } from "../numpy-dtype.js";
import { type HandlerContext, PyGlobal, PyShell } from "../registry.js";
import { type BlockSource, numericRow, objectRow, type PdColumn, tzLabel } from "./column.js";
import type { PdIndex } from "./index-classes.js";

/** pandas extension dtype objects (`DatetimeTZDtype`, `CategoricalDtype`, `StringDtype`, `Int64Dtype`, …). */
export class PdDtype extends PyShell {
  unit = "ns";
  tz: PyTzInfo | null = null;
  categories: PdIndex | null = null;
  ordered = false;
  storage = "python";

  build(state: PyValue, ctx: HandlerContext): undefined {
    this.state = state;
    if (!isPyDict(state)) return undefined;
    if (this.name === "DatetimeTZDtype") {
      const unit = dictGet(state, "unit");
      if (unit !== undefined) this.unit = strArg(unit, ctx, "DatetimeTZDtype unit");
      const tz = dictGet(state, "tz");
      if (tz instanceof PyTzInfo) this.tz = tz;
      else if (tz instanceof PyObject)
        this.tz = new PyTzInfo("other", null, tz.qualifiedName, tz.qualifiedName);
      else ctx.fail("PICKLE_BAD_PANDAS", "DatetimeTZDtype needs a tz");
    } else if (this.name === "CategoricalDtype") {
      const cats = dictGet(state, "categories") ?? dictGet(state, "_categories");
      const ordered = dictGet(state, "ordered") ?? dictGet(state, "_ordered");
      this.categories = (cats ?? null) as PdIndex | null;
      this.ordered = ordered === true;
    } else if (this.name === "StringDtype") {
      const storage = dictGet(state, "storage");
      if (storage !== undefined) this.storage = strArg(storage, ctx, "StringDtype storage");
    }
    return undefined;
  }
}

/** Parse an NDArrayBacked state: `(dtype, ndarray, attrs)` in either order, or a dict. */
function ndArrayBackedState(state: PyValue, ctx: HandlerContext): { dtype: PyValue; data: NdArray } {
  if (state instanceof PyTuple && state.length >= 2) {
    const [a, b] = state;
    if (a instanceof NdArray) return { dtype: b as PyValue, data: a };
    if (b instanceof NdArray) return { dtype: a as PyValue, data: b };
  }
  if (isPyDict(state)) {
    const data = dictGet(state, "_ndarray") ?? dictGet(state, "_data");
    const dtype = dictGet(state, "_dtype");
    if (data instanceof NdArray) return { dtype: dtype ?? data.dtype, data };
  }
  return ctx.fail("PICKLE_BAD_PANDAS", "malformed NDArrayBacked state");
}

/** `__pyx_unpickle_NDArrayBacked(cls, checksum, state)`: a shell that BUILD fills. */
export class NdArrayBackedShell extends PyShell implements BlockSource {
  private dtype: PyValue = null;
  private data: NdArray | null = null;

  build(state: PyValue, ctx: HandlerContext): undefined {
    const s = ndArrayBackedState(state, ctx);
    if (!s.data.dtype) ctx.fail("PICKLE_BAD_PANDAS", "NDArrayBacked data is an unfilled array");
    this.dtype = s.dtype;
    this.data = s.data;
    this.state = state;
    return undefined;
  }

  private arr(ctx: HandlerContext): NdArray {
    if (!this.data) return ctx.fail("PICKLE_BAD_PANDAS", `${this.name} was never filled by BUILD`);
    return this.data;
  }

  get rows(): number {
    const a = this.data;
    return a && a.shape.length === 2 ? (a.shape[0] as number) : 1;
  }

  get rowLength(): number {
    const a = this.data;
    if (!a) return 0;
    return a.shape.length === 2 ? (a.shape[1] as number) : a.size;
  }

  column(r: number, ctx: HandlerContext): PdColumn {
    const arr = this.arr(ctx);
    const length = this.rowLength;
    const npDtype = arr.dtype as NpDtype;
    switch (this.name) {
      case "DatetimeArray":
      case "TimedeltaArray": {
        const want = this.name === "DatetimeArray" ? "M" : "m";
        if (npDtype.kind !== want) ctx.fail("PICKLE_BAD_PANDAS", `${this.name} data must be ${want}8`);
        const unit = npDtype.unit ?? "ns";
        const tz = this.dtype instanceof PdDtype ? this.dtype.tz : null;
        const base = want === "M" ? "datetime64" : "timedelta64";
        return {
          kind: want === "M" ? "datetime" : "timedelta",
          dtypeName: tz ? `${base}[${unit}, ${tzLabel(tz)}]` : `${base}[${unit}]`,
          values: numericRow(arr, r) as BigInt64Array,
          unit,
          tz,
          length,
        };
      }
      case "Categorical": {
        const dt = this.dtype;
        if (!(dt instanceof PdDtype) || !dt.categories)
          return ctx.fail("PICKLE_BAD_PANDAS", "Categorical needs a CategoricalDtype");
        if (npDtype.kind !== "i") ctx.fail("PICKLE_BAD_PANDAS", "Categorical codes must be integers");
        const categories = dt.categories.toColumn(ctx);
        const codes = numericRow(arr, r);
        if (!codes) return ctx.fail("PICKLE_BAD_PANDAS", "Categorical codes are not numeric");
        for (let i = 0; i < codes.length; i++) {
          const c = Number(codes[i]);
          if (c < -1 || c >= categories.length)
            ctx.fail("PICKLE_BAD_PANDAS", `category code ${c} out of range`);
        }
        return { kind: "category", dtypeName: "category", codes, categories, ordered: dt.ordered, length };
      }
      case "StringArray":
        return { kind: "string", dtypeName: "string", values: objectRow(arr, r, ctx), length };
      default:
        return { kind: "object", dtypeName: npDtype.numpyName, values: objectRow(arr, r, ctx), length };
    }
  }
}

const MASKED_PREFIX: Readonly<Record<string, string>> = { i: "Int", u: "UInt", f: "Float" };

/** IntegerArray / FloatingArray / BooleanArray: NEWOBJ then BUILD {_data, _mask}. */
export class MaskedArrayShell extends PyShell implements BlockSource {
  private data: NdArray | null = null;
  private mask: NdArray | null = null;
  readonly rows = 1;

  build(state: PyValue, ctx: HandlerContext): undefined {
    const data = dictGet(state, "_data");
    const mask = dictGet(state, "_mask");
    if (!(data instanceof NdArray) || !(mask instanceof NdArray) || !data.dtype || !mask.dtype) {
      return ctx.fail("PICKLE_BAD_PANDAS", `${this.name} state needs _data and _mask arrays`);
    }
    if (mask.dtype.kind !== "b") ctx.fail("PICKLE_BAD_PANDAS", "_mask must be a bool array");
    if (mask.size !== data.size || data.shape.length !== 1)
      ctx.fail("PICKLE_BAD_PANDAS", "_mask and _data lengths differ");
    this.data = data;
    this.mask = mask;
    this.state = state;
    return undefined;
  }

  get rowLength(): number {
    return this.data ? this.data.size : 0;
  }

  column(_r: number, ctx: HandlerContext): PdColumn {
    if (!this.data || !this.mask)
      return ctx.fail("PICKLE_BAD_PANDAS", `${this.name} was never filled by BUILD`);
    const dtype = this.data.dtype as NpDtype;
    const values = numericRow(this.data, 0);
    if (!values) return ctx.fail("PICKLE_BAD_PANDAS", "masked array data must be numeric");
    const prefix = MASKED_PREFIX[dtype.kind];
    const dtypeName = dtype.kind === "b" ? "boolean" : `${prefix ?? "Int"}${dtype.itemsize * 8}`;
    return {
      kind: "masked",
      dtype,
      dtypeName,
      values,
      mask: numericRow(this.mask, 0) as Uint8Array,
      length: values.length,
    };
  }
}

/** `__pyx_unpickle_NDArrayBacked(cls, checksum, state)` */
export function unpickleNdArrayBacked(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  const cls = args[0];
  // A class outside the whitelist (PeriodArray, …): an inert placeholder of that class.
  if (cls instanceof PyGlobal && !cls.spec) return new PyObject(cls.module, cls.name, args.slice(1));
  if (!(cls instanceof PyGlobal) || !cls.spec)
    return ctx.fail("PICKLE_BAD_PANDAS", "NDArrayBacked class must be a class");
  if (args.length < 2) ctx.fail("PICKLE_BAD_ARGUMENT", "__pyx_unpickle_NDArrayBacked takes 3 arguments");
  intArg(args[1], ctx, "checksum");
  const shell = new NdArrayBackedShell(cls.module, cls.name);
  if (args[2] !== undefined && args[2] !== null) shell.build(args[2], ctx);
  return shell;
}
