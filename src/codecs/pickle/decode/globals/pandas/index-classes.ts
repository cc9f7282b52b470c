/**
 * pandas indexes: `_new_Index(cls, d)` for Index / RangeIndex / MultiIndex / the pandas 1.x
 * numeric indexes / CategoricalIndex / TimedeltaIndex, and `_new_DatetimeIndex`. Index
 * classes are whitelisted only as tokens; they are never called.
 */
import { dictGet, isPyDict } from "../../../../../python/dicts.js";
import { PyObject, type PyValue } from "../../../../../python/values.js";
import { arity, intArg, seqArg } from "../args.js";
import { NdArray } from "../numpy-array.js";
import { NpDtype } from "../numpy-dtype.js";
import { type GlobalSpec, type HandlerContext, PyGlobal } from "../registry.js";
import { MaskedArrayShell, NdArrayBackedShell } from "./arrays.js";
import { ndarraySource, type PdColumn } from "./column.js";

export type PdIndexShape =
  | { kind: "range"; start: number; stop: number; step: number }
  /** Index data we do not model (PeriodIndex, IntervalIndex, …): an error only when used. */
  | { kind: "unsupported"; data: PyValue }
  | { kind: "values"; column: PdColumn }
  | { kind: "multi"; levels: PdIndex[]; codes: PdColumn[] };

/** A decoded pandas index (left as this object if it appears outside a DataFrame). */
export class PdIndex extends PyObject {
  constructor(
    /** Index class name: `RangeIndex`, `Index`, `DatetimeIndex`, `MultiIndex`, `Int64Index`, … */
    readonly className: string,
    readonly shape: PdIndexShape,
    /** `name` (or the `names` list of a MultiIndex). */
    readonly labelName: PyValue,
  ) {
    super("pandas", className);
  }

  get length(): number {
    const s = this.shape;
    if (s.kind === "range") return Math.max(0, Math.ceil((s.stop - s.start) / s.step));
    if (s.kind === "values") return s.column.length;
    if (s.kind === "unsupported") return -1;
    return s.codes[0]?.length ?? 0;
  }

  /** The index values as one column (RangeIndex materialised as int64; MultiIndex refused). */
  toColumn(ctx: HandlerContext): PdColumn {
    const s = this.shape;
    if (s.kind === "values") return s.column;
    if (s.kind === "range") {
      const n = this.length;
      if (n > ctx.maxContainerItems)
        ctx.fail("PICKLE_LIMIT_EXCEEDED", "RangeIndex longer than maxContainerItems");
      const values = new BigInt64Array(n);
      for (let i = 0; i < n; i++) values[i] = BigInt(s.start + i * s.step);
      return { kind: "numeric", dtype: new NpDtype("i8", ctx), dtypeName: "int64", values, length: n };
    }
    if (s.kind === "unsupported")
      return ctx.fail("PICKLE_UNSUPPORTED", `unsupported index ${this.className}`);
    return ctx.fail("PICKLE_BAD_PANDAS", "a MultiIndex cannot be used as a single column");
  }
}

/** Index data of any supported kind → one column. */
function dataColumn(data: PyValue | undefined, ctx: HandlerContext): PdColumn {
  if (data instanceof NdArray) {
    if (!data.dtype || data.shape.length !== 1)
      ctx.fail("PICKLE_BAD_PANDAS", "index data must be a 1-D array");
    return ndarraySource(data, ctx).column(0, ctx);
  }
  if (data instanceof NdArrayBackedShell || data instanceof MaskedArrayShell) {
    if (data.rows !== 1) ctx.fail("PICKLE_BAD_PANDAS", "index data must be 1-D");
    return data.column(0, ctx);
  }
  return ctx.fail("PICKLE_BAD_PANDAS", "unsupported index data");
}

function rangeIndex(d: PyValue, ctx: HandlerContext): PdIndex {
  const start = intArg(dictGet(d, "start") ?? 0, ctx, "RangeIndex start");
  const stop = intArg(dictGet(d, "stop") ?? 0, ctx, "RangeIndex stop");
  const step = intArg(dictGet(d, "step") ?? 1, ctx, "RangeIndex step");
  if (step === 0) ctx.fail("PICKLE_BAD_PANDAS", "RangeIndex step must not be zero");
  return new PdIndex("RangeIndex", { kind: "range", start, stop, step }, dictGet(d, "name") ?? null);
}

function multiIndex(d: PyValue, ctx: HandlerContext): PdIndex {
  const levels = seqArg(dictGet(d, "levels"), ctx, "MultiIndex levels").map((l) => {
    if (!(l instanceof PdIndex)) return ctx.fail("PICKLE_BAD_PANDAS", "MultiIndex level must be an Index");
    return l;
  });
  const codes = seqArg(dictGet(d, "codes") ?? dictGet(d, "labels"), ctx, "MultiIndex codes").map((c, k) => {
    const col = dataColumn(c, ctx);
    if (col.kind !== "numeric") return ctx.fail("PICKLE_BAD_PANDAS", "MultiIndex codes must be integers");
    const n = (levels[k] as PdIndex | undefined)?.length ?? 0;
    for (let i = 0; i < col.values.length; i++) {
      const v = Number(col.values[i]);
      if (v < -1 || v >= n) ctx.fail("PICKLE_BAD_PANDAS", "MultiIndex code out of range");
    }
    return col;
  });
  if (codes.length !== levels.length)
    ctx.fail("PICKLE_BAD_PANDAS", "MultiIndex levels and codes differ in number");
  if (codes.some((c) => c.length !== codes[0]?.length))
    ctx.fail("PICKLE_BAD_PANDAS", "MultiIndex codes differ in length");
  return new PdIndex("MultiIndex", { kind: "multi", levels, codes }, dictGet(d, "names") ?? null);
}

/** `_new_Index(cls, d)` */
function newIndex(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 2, 2, ctx, "_new_Index");
  const [cls, d] = args;
  // An index class outside the whitelist (PeriodIndex, IntervalIndex, …): inert until used.
  if (cls instanceof PyGlobal && !cls.spec && isPyDict(d)) {
    return new PdIndex(cls.name, { kind: "unsupported", data: d }, dictGet(d, "name") ?? null);
  }
  if (!(cls instanceof PyGlobal) || !cls.spec || !isPyDict(d)) {
    return ctx.fail("PICKLE_BAD_PANDAS", "_new_Index needs a whitelisted index class and a dict");
  }
  if (cls.name === "RangeIndex") return rangeIndex(d, ctx);
  if (cls.name === "MultiIndex") return multiIndex(d, ctx);
  const data = dictGet(d, "data");
  const modelled =
    data instanceof NdArray || data instanceof NdArrayBackedShell || data instanceof MaskedArrayShell;
  if (data instanceof PyObject && !modelled) {
    return new PdIndex(cls.name, { kind: "unsupported", data }, dictGet(d, "name") ?? null);
  }
  return new PdIndex(cls.name, { kind: "values", column: dataColumn(data, ctx) }, dictGet(d, "name") ?? null);
}

/** Index classes, whitelisted as tokens for `_new_Index`. */
const INDEX_CLASSES: ReadonlyArray<readonly [string, string]> = [
  ["pandas.core.indexes.base", "Index"],
  ["pandas.core.indexes.range", "RangeIndex"],
  ["pandas.core.indexes.multi", "MultiIndex"],
  ["pandas.core.indexes.numeric", "Int64Index"],
  ["pandas.core.indexes.numeric", "UInt64Index"],
  ["pandas.core.indexes.numeric", "Float64Index"],
  ["pandas.core.indexes.numeric", "NumericIndex"],
  ["pandas.core.indexes.datetimes", "DatetimeIndex"],
  ["pandas.core.indexes.category", "CategoricalIndex"],
  ["pandas.core.indexes.timedeltas", "TimedeltaIndex"],
];

export const INDEX_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [
  ...INDEX_CLASSES.map(([m, n]) => [m, n, {}] as const),
  ["pandas.core.indexes.base", "_new_Index", { call: newIndex }],
  ["pandas.core.indexes.datetimes", "_new_DatetimeIndex", { call: newIndex }],
];
