/**
 * Decoded values → JSON-safe display data for `inspect` and `get`, bounded by construction: the
 * shared walk (ops/display/value-walk.ts) marks cycles and counts every value against a budget;
 * here DataFrames print inline with the rows shown, bytes as length + hex preview, and `…` is
 * written where the budget ends.
 */
import type { Table } from "apache-arrow";
import { type DisplayColumn, TRUNCATED, ValueWalk, type WalkLimits } from "../ops/display/value-walk.js";

export { CYCLE_MARKER, TRUNCATED } from "../ops/display/value-walk.js";

/** How much of a value is rendered. */
export interface DisplayLimits extends WalkLimits {
  /** DataFrame rows rendered; the others are never read. */
  maxRows: number;
}

/** Text mode: a preview of 20 rows and 10,000 values. */
export const DEFAULT_TEXT_LIMITS: Readonly<DisplayLimits> = Object.freeze({
  maxRows: 20,
  maxNodes: 10_000,
  maxChars: 1_000_000,
  maxDepth: 64,
});
/** `--json`: every row, up to 200,000 values and 8 M characters (about 20 MB of output at most). */
export const DEFAULT_JSON_LIMITS: Readonly<DisplayLimits> = Object.freeze({
  maxRows: Number.POSITIVE_INFINITY,
  maxNodes: 200_000,
  maxChars: 8_000_000,
  maxDepth: 64,
});

/** Bytes shown as hex for binary values. */
const HEX_PREVIEW_BYTES = 32;

/** A DataFrame as displayed; `rowsShown` is there when fewer than `numRows` rows were rendered. */
export interface DisplayFrame {
  numRows: number;
  columns: DisplayColumn[];
  rows: unknown[][];
  rowsShown?: number;
}

/**
 * A JSON-safe rendering of `value`: tables as `{$dataframe}`, bytes as length + hex preview,
 * bigints beyond 2^53 as strings, dates and timestamps as ISO text, Python classes as `{$py}`.
 * Never throws for any decoded value; its size is bounded by `limits`.
 */
export function toDisplay(value: unknown, limits: Readonly<DisplayLimits> = DEFAULT_JSON_LIMITS): unknown {
  return new DisplayWalk(limits).value(value, 0);
}

class DisplayWalk extends ValueWalk {
  constructor(readonly display: Readonly<DisplayLimits>) {
    super(display);
  }

  protected cut(): unknown {
    return TRUNCATED;
  }

  protected bytes(b: Uint8Array): unknown {
    const hex = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, HEX_PREVIEW_BYTES)).toString("hex");
    return { $bytes: b.length, hex: this.str(hex) };
  }

  protected table(t: Table): unknown {
    const columns = this.columns(t);
    const rows = this.rows(t, 0, this.display.maxRows);
    const frame: DisplayFrame = {
      numRows: t.numRows,
      columns,
      rows,
      ...(rows.length < t.numRows ? { rowsShown: rows.length } : {}),
    };
    return { $dataframe: frame };
  }
}
