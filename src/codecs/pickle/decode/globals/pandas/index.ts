/**
 * Whitelisted pandas globals (pandas 1.5 and 2.x names): frames, managers, blocks, indexes,
 * extension arrays and dtypes, and the scalars Timestamp / Timedelta / NaT / NA.
 */
import { PyDatetime64, PySentinel, PyTzInfo, type PyValue } from "../../../../../python/values.js";
import { arity, bigIntArg, intArg } from "../args.js";
import type { GlobalSpec, HandlerContext } from "../registry.js";
import { MaskedArrayShell, PdDtype, unpickleNdArrayBacked } from "./arrays.js";
import { FRAME_GLOBALS } from "./frame.js";
import { INDEX_GLOBALS, PdIndex } from "./index-classes.js";
import { inferColumn } from "./infer.js";

/** numpy NPY_DATETIMEUNIT codes used by pandas' `reso` argument. */
const RESO_UNITS: ReadonlyMap<number, string> = new Map([
  [7, "s"],
  [8, "ms"],
  [9, "us"],
  [10, "ns"],
]);

function resoUnit(v: PyValue | undefined, ctx: HandlerContext): string {
  if (v === undefined) return "ns";
  const unit = RESO_UNITS.get(intArg(v, ctx, "reso"));
  return unit ?? ctx.fail("PICKLE_BAD_PANDAS", "unsupported Timestamp resolution");
}

function timestamp(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 1, 4, ctx, "_unpickle_timestamp");
  const tz = args[2];
  if (tz !== undefined && tz !== null && !(tz instanceof PyTzInfo))
    ctx.fail("PICKLE_BAD_PANDAS", "Timestamp tz must be a tzinfo");
  return new PyDatetime64(
    "Timestamp",
    bigIntArg(args[0], ctx, "Timestamp value"),
    resoUnit(args[3], ctx),
    (tz ?? null) as PyTzInfo | null,
  );
}

function timedelta(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 1, 2, ctx, "_timedelta_unpickle");
  return new PyDatetime64("Timedelta", bigIntArg(args[0], ctx, "Timedelta value"), resoUnit(args[1], ctx));
}

/**
 * Extension dtypes called directly (`CategoricalDtype(categories, ordered)`, `Int64Dtype()`,
 * `DatetimeTZDtype(unit, tz)`), as our encoder and hand-written pickles do.
 */
function dtypeCall(module: string, name: string, args: readonly PyValue[], ctx: HandlerContext): PyValue {
  const d = new PdDtype(module, name, [...args]);
  if (name === "CategoricalDtype") {
    const cats = args[0];
    if (cats instanceof PdIndex) d.categories = cats;
    else if (Array.isArray(cats))
      d.categories = new PdIndex("Index", { kind: "values", column: inferColumn(cats, ctx) }, null);
    else if (cats !== undefined && cats !== null)
      ctx.fail("PICKLE_BAD_PANDAS", "CategoricalDtype categories must be a list or an Index");
    d.ordered = args[1] === true;
  } else if (name === "DatetimeTZDtype") {
    if (typeof args[0] === "string") d.unit = args[0];
    if (args[1] instanceof PyTzInfo) d.tz = args[1];
  }
  return d;
}

const ARRAY_TOKENS: ReadonlyArray<readonly [string, string]> = [
  ["pandas.core.arrays.datetimes", "DatetimeArray"],
  ["pandas.core.arrays.timedeltas", "TimedeltaArray"],
  ["pandas.core.arrays.categorical", "Categorical"],
  ["pandas.core.arrays.string_", "StringArray"],
];

const MASKED_ARRAYS: ReadonlyArray<readonly [string, string]> = [
  ["pandas.core.arrays.integer", "IntegerArray"],
  ["pandas.core.arrays.floating", "FloatingArray"],
  ["pandas.core.arrays.boolean", "BooleanArray"],
];

const DTYPES: ReadonlyArray<readonly [string, string]> = [
  ...["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"].map(
    (n) => ["pandas.core.arrays.integer", `${n}Dtype`] as const,
  ),
  ["pandas.core.arrays.floating", "Float32Dtype"],
  ["pandas.core.arrays.floating", "Float64Dtype"],
  ["pandas.core.arrays.boolean", "BooleanDtype"],
  ["pandas.core.arrays.string_", "StringDtype"],
  ["pandas.core.dtypes.dtypes", "DatetimeTZDtype"],
  ["pandas.core.dtypes.dtypes", "CategoricalDtype"],
];

export const PANDAS_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [
  ...FRAME_GLOBALS,
  ...INDEX_GLOBALS,
  ["pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked", { call: unpickleNdArrayBacked }],
  ...ARRAY_TOKENS.map(([m, n]) => [m, n, {}] as const),
  ...MASKED_ARRAYS.map(([m, n]) => [m, n, { newObj: () => new MaskedArrayShell(m, n) }] as const),
  ...DTYPES.map(
    ([m, n]) =>
      [
        m,
        n,
        {
          newObj: () => new PdDtype(m, n),
          call: (args: readonly PyValue[], ctx: HandlerContext) => dtypeCall(m, n, args, ctx),
        },
      ] as const,
  ),
  ["pandas._libs.tslibs.timestamps", "_unpickle_timestamp", { call: timestamp }],
  ["pandas._libs.tslibs.timedeltas", "_timedelta_unpickle", { call: timedelta }],
  ["pandas._libs.tslibs.nattype", "__nat_unpickle", { call: () => PySentinel.NaT }],
  ["pandas._libs.missing", "NA", { value: PySentinel.NA }],
];
