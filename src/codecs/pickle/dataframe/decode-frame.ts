/**
 * pandas DataFrame (as decoded columns) → Apache Arrow `Table`. Column types follow the
 * pandas dtypes; the pandas dtype string of every column is kept in field metadata
 * (`pandas_dtype`) and schema metadata (`pandas_dtypes`) so an encoder can round-trip it;
 * the row index goes to schema metadata (`pandas_index`) or to leading columns, by option.
 */
import { type Data, Field, makeData, RecordBatch, Schema, Struct, Table } from "apache-arrow";
import { PyStr, type PyValue } from "../../../python/values.js";
import type { NumericArray } from "../decode/globals/numpy-array.js";
import { cellValue, type PdColumn } from "../decode/globals/pandas/column.js";
import type { PdIndex } from "../decode/globals/pandas/index-classes.js";
import type { HandlerContext } from "../decode/globals/registry.js";
import { ARROW_METADATA, columnData, tagged } from "./frame-columns.js";

export { ARROW_METADATA };

export interface FrameParts {
  labels: PyValue[];
  columns: PdColumn[];
  index: PdIndex;
  attrs: PyValue | undefined;
  series?: boolean;
}

/** JSON description of an index (metadata mode). */
function indexDescription(idx: PdIndex, ctx: HandlerContext): unknown {
  const s = idx.shape;
  const name = JSON.parse(tagged(idx.labelName, ctx));
  if (s.kind === "range")
    return { kind: "range", class: idx.className, name, start: s.start, stop: s.stop, step: s.step };
  if (s.kind === "multi") {
    return {
      kind: "multi",
      class: idx.className,
      names: name,
      levels: s.levels.map((l) => indexDescription(l, ctx)),
      codes: s.codes.map((c) => Array.from({ length: c.length }, (_, i) => Number(cellValue(c, i, ctx)))),
    };
  }
  const col = idx.toColumn(ctx);
  const values = Array.from({ length: col.length }, (_, i) =>
    JSON.parse(tagged(cellValue(col, i, ctx), ctx)),
  );
  return { kind: "values", class: idx.className, dtype: col.dtypeName, name, values };
}

function labelName(label: PyValue, fallback: string): string {
  if (typeof label === "string") return label;
  if (label instanceof PyStr) return label.toString();
  if (label === null) return fallback;
  if (typeof label === "number" || typeof label === "bigint" || typeof label === "boolean")
    return String(label);
  return fallback;
}

/**
 * Build the Arrow Table of a DataFrame (or a one-column Series).
 * @throws PickleDecodeError (via ctx) when a column cannot be represented or a limit is hit.
 */
export function dataFrameToTable(parts: FrameParts, ctx: HandlerContext): Table {
  const fields: Field[] = [];
  const children: Data[] = [];
  const schemaMeta = new Map<string, string>();
  schemaMeta.set(ARROW_METADATA.kind, parts.series ? "Series" : "DataFrame");
  schemaMeta.set(ARROW_METADATA.dtypes, JSON.stringify(parts.columns.map((c) => c.dtypeName)));
  const nrows = parts.index.length;
  // Every cell of every column (and index level turned column) is charged before any is built.
  const indexColumns =
    ctx.dataFrameIndex === "columns"
      ? parts.index.shape.kind === "multi"
        ? parts.index.shape.levels.length
        : 1
      : 0;
  ctx.produce(nrows * (parts.columns.length + indexColumns), "arrow");
  if (ctx.dataFrameIndex === "columns") {
    const idx = parts.index;
    const levels =
      idx.shape.kind === "multi" ? idx.shape.levels.map((l, k) => ({ l, k })) : [{ l: idx, k: 0 }];
    const names: string[] = [];
    for (const { l, k } of levels) {
      let col: PdColumn;
      if (idx.shape.kind === "multi") {
        const codes = idx.shape.codes[k] as PdColumn;
        const lc = l.toColumn(ctx);
        const cells = Array.from({ length: nrows }, (_, i) => {
          const code = Number(cellValue(codes, i, ctx));
          return code < 0 ? null : cellValue(lc, code, ctx);
        });
        col = { kind: "object", dtypeName: lc.dtypeName, values: cells, length: nrows };
      } else col = l.toColumn(ctx);
      const levelName =
        idx.shape.kind === "multi"
          ? Array.isArray(idx.labelName)
            ? (idx.labelName[k] ?? null)
            : null
          : idx.labelName;
      const name = labelName(levelName, `__index_level_${k}__`);
      names.push(name);
      const { data, meta } = columnData(col, ctx);
      meta.set(ARROW_METADATA.indexLevel, String(k));
      fields.push(new Field(name, data.type, true, meta));
      children.push(data);
    }
    schemaMeta.set(
      ARROW_METADATA.index,
      JSON.stringify({
        kind: "columns",
        class: idx.className,
        columns: names,
        name: JSON.parse(tagged(idx.labelName, ctx)),
      }),
    );
  } else {
    schemaMeta.set(ARROW_METADATA.index, JSON.stringify(indexDescription(parts.index, ctx)));
  }
  parts.columns.forEach((col, i) => {
    if (col.length !== nrows) ctx.fail("PICKLE_BAD_PANDAS", "column length does not match the index length");
    const label = parts.labels[i] as PyValue;
    const { data, meta } = columnData(col, ctx);
    if (typeof label !== "string") meta.set(ARROW_METADATA.label, tagged(label, ctx));
    fields.push(new Field(labelName(label, parts.series ? "0" : String(i)), data.type, true, meta));
    children.push(data);
  });
  const attrs = parts.attrs;
  if (attrs !== undefined && attrs !== null && typeof attrs === "object" && Object.keys(attrs).length > 0) {
    schemaMeta.set(ARROW_METADATA.attrs, tagged(attrs, ctx));
  }
  const schema = new Schema(fields, schemaMeta);
  const struct = makeData({ type: new Struct(fields), length: nrows, nullCount: 0, children });
  return new Table([new RecordBatch(schema, struct)]);
}

export type { NumericArray };
