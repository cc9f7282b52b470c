/**
 * pandas DataFrame and Series: the block managers (`REDUCE(BlockManager, (blocks, axes))`
 * and the legacy "0.14.1" BUILD state), `_unpickle_block`, the NEWOBJ+BUILD form written by
 * pandas, and the call forms `DataFrame(dict, index, columns)` / `Series(list, index, dtype)`.
 * A DataFrame (or Series) becomes an Arrow Table once its state is complete.
 */

import { dictEntries, dictGet, isPyDict } from "../../../../../python/dicts.js";
import { PyObject, PyTuple, type PyValue } from "../../../../../python/values.js";
import { dataFrameToTable } from "../../../dataframe/decode-frame.js";
import { PickleDecodeError } from "../../../errors.js";
import { arity, intArg, seqArg, strArg } from "../args.js";
import { PySlice } from "../builtins.js";
import { NdArray } from "../numpy-array.js";
import { type GlobalSpec, type HandlerContext, PyShell } from "../registry.js";
import { MaskedArrayShell, NdArrayBackedShell, PdDtype } from "./arrays.js";
import { type BlockSource, cellValue, ndarraySource, type PdColumn, tzLabel } from "./column.js";
import { PdIndex } from "./index-classes.js";
import { castColumn, categoryWithCategories, datetimeFromInt64, inferColumn } from "./infer.js";

/** Columns and index behind a Series Table, so `DataFrame({name: Series})` can reuse them. */
const SERIES_SOURCES = new WeakMap<object, { column: PdColumn; index: PdIndex | null }>();

/** One block: the values of some DataFrame columns, and the column positions they fill. */
export class PdBlock extends PyObject {
  constructor(
    readonly source: BlockSource,
    readonly placement: number[],
  ) {
    super("pandas._libs.internals", "Block");
  }
}

/** A block manager: blocks plus axes `[columns, index]` (SingleBlockManager: `[index]`). */
export class PdManager extends PyShell {
  blocks: PdBlock[] = [];
  axes: PdIndex[] = [];

  build(state: PyValue, ctx: HandlerContext): undefined {
    // Legacy form: (axes, block_values, block_items, {"0.14.1": {"axes": [...], "blocks": [{values, mgr_locs}]}})
    const legacy = state instanceof PyTuple ? dictGet(state[3], "0.14.1") : undefined;
    if (!isPyDict(legacy)) return ctx.fail("PICKLE_BAD_PANDAS", "unsupported block manager state");
    this.axes = indexList(dictGet(legacy, "axes"), ctx);
    this.blocks = seqArg(dictGet(legacy, "blocks"), ctx, "manager blocks").map((b) =>
      makeBlock(dictGet(b, "values"), dictGet(b, "mgr_locs"), ctx),
    );
    return undefined;
  }
}

function indexList(v: PyValue | undefined, ctx: HandlerContext): PdIndex[] {
  return seqArg(v, ctx, "manager axes").map((a) => {
    if (!(a instanceof PdIndex)) return ctx.fail("PICKLE_BAD_PANDAS", "manager axis is not an Index");
    return a;
  });
}

function blockSource(values: PyValue | undefined, ctx: HandlerContext): BlockSource {
  if (values instanceof NdArray) {
    if (!values.dtype) return ctx.fail("PICKLE_BAD_PANDAS", "block values are an unfilled array");
    return ndarraySource(values, ctx);
  }
  if (values instanceof NdArrayBackedShell || values instanceof MaskedArrayShell) return values;
  if (values instanceof PyObject) {
    // A pandas array we do not model (Period, Interval, Sparse, pyarrow-backed …): fail only when
    // the frame is assembled, so the frame can stay an inert placeholder instead.
    const what = values.qualifiedName;
    return {
      rows: -1,
      rowLength: -1,
      column: (_r, c) => c.fail("PICKLE_UNSUPPORTED", `unsupported block values ${what}`),
    };
  }
  return ctx.fail("PICKLE_BAD_PANDAS", "block values must be an array");
}

/** Expand a placement (slice or int array) to exactly `rows` column positions. */
function expandPlacement(p: PyValue | undefined, rows: number, ctx: HandlerContext): number[] {
  if (p instanceof PySlice) {
    const start = p.start ?? 0;
    const step = p.step ?? 1;
    if (step <= 0) ctx.fail("PICKLE_BAD_PANDAS", "block placement step must be positive");
    if (rows < 0 && p.stop === null) ctx.fail("PICKLE_BAD_PANDAS", "open block placement for unknown values");
    const stop = p.stop ?? start + rows * step;
    const want = rows < 0 ? Math.max(0, Math.ceil((stop - start) / step)) : rows;
    if (want > ctx.maxContainerItems) ctx.fail("PICKLE_LIMIT_EXCEEDED", "block placement too long");
    // Charged before expanding: over values we do not model (rows < 0) only the slice bounds it.
    ctx.produce(want, "pandas");
    const out: number[] = [];
    for (let i = start; i < stop && out.length < want; i += step) out.push(i);
    if (out.length !== want)
      ctx.fail("PICKLE_BAD_PANDAS", "block placement does not match the block's column count");
    return out;
  }
  if (p instanceof NdArray && p.dtype && (p.dtype.kind === "i" || p.dtype.kind === "u")) {
    const typed = p.typed();
    // A Series' one block (1-D values) is placed over its rows, which pandas ignores: an empty
    // Series has an empty placement.
    if (rows === 1 && (typed?.length ?? 0) === 0) return [0];
    ctx.produce(typed?.length ?? 0, "pandas");
    const out: number[] = [];
    if (typed) for (let i = 0; i < typed.length; i++) out.push(Number(typed[i]));
    if (rows >= 0 && out.length !== rows)
      ctx.fail("PICKLE_BAD_PANDAS", "block placement does not match the block's column count");
    return out;
  }
  if (typeof p === "number") return [intArg(p, ctx, "placement")];
  return ctx.fail("PICKLE_BAD_PANDAS", "block placement must be a slice or an int array");
}

function makeBlock(
  values: PyValue | undefined,
  placement: PyValue | undefined,
  ctx: HandlerContext,
): PdBlock {
  const source = blockSource(values, ctx);
  return new PdBlock(source, expandPlacement(placement, source.rows, ctx));
}

/** Assemble columns from blocks: every position covered exactly once, every length = rows. */
function assemble(blocks: PdBlock[], ncols: number, nrows: number, ctx: HandlerContext): PdColumn[] {
  // Check the column count against the real blocks before allocating one slot per column.
  let placed = 0;
  for (const block of blocks) placed += block.placement.length;
  if (placed !== ncols)
    ctx.fail("PICKLE_BAD_PANDAS", "Gaps in blk ref_locs (placements do not cover the columns)");
  const slots: (PdColumn | undefined)[] = new Array(ncols);
  for (const block of blocks) {
    if (block.source.rowLength < 0) block.source.column(0, ctx);
    if (block.source.rowLength !== nrows)
      ctx.fail("PICKLE_BAD_PANDAS", "block length does not match the index length");
    block.placement.forEach((pos, r) => {
      if (pos < 0 || pos >= ncols || !Number.isInteger(pos))
        ctx.fail("PICKLE_BAD_PANDAS", "block placement out of range");
      if (slots[pos]) ctx.fail("PICKLE_BAD_PANDAS", "block placements overlap");
      slots[pos] = block.source.column(r, ctx);
    });
  }
  for (let i = 0; i < ncols; i++) if (!slots[i]) ctx.fail("PICKLE_BAD_PANDAS", "Gaps in blk ref_locs");
  return slots as PdColumn[];
}

/** Labels of an index as Python values (MultiIndex labels are tuples). */
export function indexLabels(idx: PdIndex, ctx: HandlerContext): PyValue[] {
  const s = idx.shape;
  if (s.kind === "multi") {
    const n = idx.length;
    const levels = s.levels.map((l) => indexLabels(l, ctx));
    const out: PyValue[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        PyTuple.fromItems(
          s.codes.map((c, k) => {
            const code = Number((c.kind === "numeric" ? c.values : [])[i]);
            return code < 0 ? null : ((levels[k] as PyValue[])[code] as PyValue);
          }),
        ),
      );
    }
    return out;
  }
  const col = idx.toColumn(ctx);
  const out: PyValue[] = new Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = cellValue(col, i, ctx);
  return out;
}

function frameFromState(state: PyValue, ctx: HandlerContext): PyValue {
  const mgr = dictGet(state, "_mgr") ?? dictGet(state, "_data");
  if (!(mgr instanceof PdManager))
    return ctx.fail("PICKLE_BAD_PANDAS", "DataFrame state has no block manager (_mgr)");
  const [columns, index] = mgr.axes;
  if (mgr.axes.length !== 2 || !columns || !index)
    return ctx.fail("PICKLE_BAD_PANDAS", "DataFrame manager needs two axes");
  for (const axis of [columns, index]) if (axis.length < 0) axis.toColumn(ctx);
  const cols = assemble(mgr.blocks, columns.length, index.length, ctx);
  return dataFrameToTable(
    { labels: indexLabels(columns, ctx), columns: cols, index, attrs: dictGet(state, "attrs") },
    ctx,
  );
}

function seriesFromState(state: PyValue, ctx: HandlerContext): PyValue {
  const mgr = dictGet(state, "_mgr") ?? dictGet(state, "_data");
  if (!(mgr instanceof PdManager))
    return ctx.fail("PICKLE_BAD_PANDAS", "Series state has no block manager (_mgr)");
  const index = mgr.axes[0];
  if (mgr.axes.length !== 1 || !index || mgr.blocks.length !== 1)
    return ctx.fail("PICKLE_BAD_PANDAS", "Series manager needs one axis and one block");
  if (index.length < 0) index.toColumn(ctx);
  const [column] = assemble(mgr.blocks, 1, index.length, ctx);
  return seriesTable(column as PdColumn, index, dictGet(state, "name") ?? null, ctx);
}

function seriesTable(column: PdColumn, index: PdIndex, name: PyValue, ctx: HandlerContext): PyValue {
  const table = dataFrameToTable(
    { labels: [name], columns: [column], index, attrs: undefined, series: true },
    ctx,
  );
  SERIES_SOURCES.set(table as object, { column, index });
  return table;
}

class FrameShell extends PyShell {
  build(state: PyValue, ctx: HandlerContext): PyValue | undefined {
    if (!isPyDict(state)) return ctx.fail("PICKLE_BAD_PANDAS", `${this.name} state must be a dict`);
    try {
      return this.name === "DataFrame" ? frameFromState(state, ctx) : seriesFromState(state, ctx);
    } catch (e) {
      // Valid pandas content we do not model: keep the frame as an inert placeholder (lenient mode).
      if (ctx.lenient && e instanceof PickleDecodeError && e.code === "PICKLE_UNSUPPORTED") {
        this.state = state;
        return undefined;
      }
      throw e;
    }
  }
}

function rangeOf(n: number): PdIndex {
  return new PdIndex("RangeIndex", { kind: "range", start: 0, stop: n, step: 1 }, null);
}

function indexArg(v: PyValue | undefined, n: number, ctx: HandlerContext): PdIndex {
  if (v === undefined || v === null) return rangeOf(n);
  if (v instanceof PdIndex) return v;
  if (Array.isArray(v)) return new PdIndex("Index", { kind: "values", column: inferColumn(v, ctx) }, null);
  return ctx.fail("PICKLE_BAD_PANDAS", "index argument must be an Index or a list");
}

function columnFrom(v: PyValue, ctx: HandlerContext): PdColumn {
  if (Array.isArray(v)) return inferColumn(v, ctx);
  if (v instanceof NdArray && v.dtype && v.shape.length === 1) return ndarraySource(v, ctx).column(0, ctx);
  const series = typeof v === "object" && v !== null ? SERIES_SOURCES.get(v) : undefined;
  if (series) return series.column;
  return ctx.fail("PICKLE_BAD_PANDAS", "DataFrame column data must be a list, a 1-D array or a Series");
}

/** `DataFrame(data_dict, index=None, columns=None, ...)` */
function dataFrameCall(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 0, 5, ctx, "DataFrame");
  const data = args[0] ?? null;
  const entries =
    data === null
      ? []
      : isPyDict(data)
        ? dictEntries(data)
        : ctx.fail("PICKLE_BAD_PANDAS", "DataFrame(data) must be a dict");
  const byLabel = new Map<PyValue, PdColumn>(entries.map(([k, v]) => [k, columnFrom(v, ctx)]));
  let labels = entries.map(([k]) => k);
  if (args[2] !== undefined && args[2] !== null) {
    labels = seqArg(args[2], ctx, "DataFrame columns");
    for (const l of labels)
      if (!byLabel.has(l)) ctx.fail("PICKLE_BAD_PANDAS", `column ${String(l)} is not in the data`);
  }
  const columns = labels.map((l) => byLabel.get(l) as PdColumn);
  const n = columns[0]?.length ?? 0;
  if (columns.some((c) => c.length !== n))
    ctx.fail("PICKLE_BAD_PANDAS", "DataFrame columns differ in length");
  return dataFrameToTable({ labels, columns, index: indexArg(args[1], n, ctx), attrs: undefined }, ctx);
}

/** An array column given an explicit, different dtype (e.g. int64 nanoseconds → `datetime64[ns, UTC]`). */
function recast(column: PdColumn, dtype: string, ctx: HandlerContext): PdColumn {
  if ((column.kind === "numeric" || column.kind === "datetime") && column.values instanceof BigInt64Array) {
    const dt = datetimeFromInt64(column.values, dtype);
    if (dt) return dt;
  }
  const cells: PyValue[] = [];
  for (let i = 0; i < column.length; i++) cells.push(cellValue(column, i, ctx));
  return castColumn(cells, dtype, ctx);
}

/** The dtype string of an extension dtype object (`Int64Dtype()` → `Int64`, `StringDtype()` → `string`, …). */
function extensionDtypeString(d: PdDtype, ctx: HandlerContext): string {
  if (d.name === "StringDtype") return "string";
  if (d.name === "BooleanDtype") return "boolean";
  if (d.name === "DatetimeTZDtype")
    return d.tz ? `datetime64[${d.unit}, ${tzLabel(d.tz)}]` : `datetime64[${d.unit}]`;
  const m = /^((?:U?Int|Float)\d+)Dtype$/.exec(d.name);
  return m ? (m[1] as string) : ctx.fail("PICKLE_UNSUPPORTED", `Series dtype ${d.name} is not supported`);
}

/** `Series(data, index=None, dtype=None, name=None)` */
function seriesCall(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 1, 4, ctx, "Series");
  const data = args[0] as PyValue;
  const dtypeArg = args[2];
  let column: PdColumn;
  if (dtypeArg instanceof PdDtype && Array.isArray(data)) {
    if (dtypeArg.name === "CategoricalDtype" && dtypeArg.categories) {
      const cats = dtypeArg.categories.toColumn(ctx);
      column = categoryWithCategories(data, cats, dtypeArg.ordered, (c, i) => cellValue(c, i, ctx));
    } else column = castColumn(data, extensionDtypeString(dtypeArg, ctx), ctx);
  } else {
    const dtype = dtypeArg === undefined || dtypeArg === null ? null : strArg(dtypeArg, ctx, "Series dtype");
    if (Array.isArray(data)) column = dtype ? castColumn(data, dtype, ctx) : inferColumn(data, ctx);
    else {
      column = columnFrom(data, ctx);
      if (dtype && dtype !== column.dtypeName) column = recast(column, dtype, ctx);
    }
  }
  return seriesTable(column, indexArg(args[1], column.length, ctx), args[3] ?? null, ctx);
}

export const FRAME_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [
  [
    "pandas.core.frame",
    "DataFrame",
    { newObj: () => new FrameShell("pandas.core.frame", "DataFrame"), call: dataFrameCall },
  ],
  [
    "pandas.core.series",
    "Series",
    { newObj: () => new FrameShell("pandas.core.series", "Series"), call: seriesCall },
  ],
  [
    "pandas.core.internals.managers",
    "BlockManager",
    {
      newObj: () => new PdManager("pandas.core.internals.managers", "BlockManager"),
      call(args, ctx) {
        arity(args, 2, 3, ctx, "BlockManager");
        const m = new PdManager("pandas.core.internals.managers", "BlockManager");
        m.blocks = seqArg(args[0], ctx, "blocks").map((b) =>
          b instanceof PdBlock ? b : ctx.fail("PICKLE_BAD_PANDAS", "block expected"),
        );
        m.axes = indexList(args[1], ctx);
        return m;
      },
    },
  ],
  [
    "pandas.core.internals.managers",
    "SingleBlockManager",
    {
      newObj: () => new PdManager("pandas.core.internals.managers", "SingleBlockManager"),
      call(args, ctx) {
        arity(args, 2, 3, ctx, "SingleBlockManager");
        const m = new PdManager("pandas.core.internals.managers", "SingleBlockManager");
        const block = args[0];
        if (!(block instanceof PdBlock)) return ctx.fail("PICKLE_BAD_PANDAS", "block expected");
        m.blocks = [block];
        m.axes = [args[1] instanceof PdIndex ? args[1] : ctx.fail("PICKLE_BAD_PANDAS", "index expected")];
        return m;
      },
    },
  ],
  [
    "pandas._libs.internals",
    "_unpickle_block",
    {
      call(args, ctx) {
        arity(args, 2, 3, ctx, "_unpickle_block");
        if (args[2] !== undefined) {
          const ndim = intArg(args[2], ctx, "ndim");
          if (ndim !== 1 && ndim !== 2) ctx.fail("PICKLE_BAD_PANDAS", "block ndim must be 1 or 2");
        }
        return makeBlock(args[0], args[1], ctx);
      },
    },
  ],
];
