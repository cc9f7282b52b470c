/**
 * The memo entries of the str-cell lists the decoder scanned (see str-cells-scan.ts): their strs
 * take no dense memo slots and are decoded from the scan's buffers on first read.
 */

import { PyTuple, type PyValue } from "../../../../python/values.js";
import type { MemoCells } from "./memo-gaps.js";
import { Utf8Cells } from "./utf8-cells.js";

/** One scanned list: its strs hold memo indices `memoFrom .. memoFrom + memoCells.length`. */
interface CellRun {
  memoFrom: number;
  memoCells: MemoCells;
  cells: Utf8Cells;
}

export class StrCellMemo {
  private readonly runs: CellRun[] = [];
  /** Scanned strs read from (or PUT over in) the memo, by memo index. */
  private readonly strs = new Map<number, PyValue>();

  add(memoFrom: number, memoCells: MemoCells, cells: Utf8Cells): void {
    this.runs.push({ memoFrom, memoCells, cells });
  }

  /** A str memoized inside a scanned list, decoded on first read (undefined if not one). */
  get(i: number): PyValue | undefined {
    const run = this.runOf(i);
    if (run === null) return undefined;
    let s = this.strs.get(i);
    if (s === undefined) {
      s = run.cells.cell(run.memoCells.cell(i - run.memoFrom)) as PyValue;
      this.strs.set(i, s);
    }
    return s;
  }

  /** PUT to a scanned str's memo index (an index in use): the new value wins. False if not one. */
  overwrite(i: number, v: PyValue): boolean {
    if (this.runOf(i) === null) return false;
    this.strs.set(i, v);
    return true;
  }

  /** Position in the dense memo of a memo index outside every scanned list's str range. */
  denseIndex(i: number): number {
    let j = i;
    for (const run of this.runs) if (i >= run.memoFrom + run.memoCells.length) j -= run.memoCells.length;
    return j;
  }

  /** The scanned list whose strs' memo indices include `i`, or null. */
  private runOf(i: number): CellRun | null {
    for (const run of this.runs) {
      if (i >= run.memoFrom && i < run.memoFrom + run.memoCells.length) return run;
    }
    return null;
  }
}

/** A scanned list as its plain array; a tuple holding one gets the array in place. */
export function materialize(v: PyValue): PyValue {
  if ((v as unknown) instanceof Utf8Cells) return (v as unknown as Utf8Cells).toArray();
  if (v instanceof PyTuple) {
    for (let k = 0; k < v.length; k++) {
      const x = v[k] as unknown;
      if (x instanceof Utf8Cells) v[k] = x.toArray();
    }
  }
  return v;
}

/** True for a scanned list, or a tuple holding one (its BUILD state), read from the memo. */
export function materializesCells(v: PyValue): boolean {
  if ((v as unknown) instanceof Utf8Cells) return true;
  return v instanceof PyTuple && v.some((x) => (x as unknown) instanceof Utf8Cells);
}
