/**
 * The UTF-8 check of one run of str cells (str-cells-run.ts), done once over the run's bytes
 * instead of per cell. The run's cells lie back to back in the value buffer, so:
 *   - all of it ASCII ⇒ every cell is ASCII (the common case: one native scan);
 *   - else every cell is strict UTF-8 exactly when the whole run is (Node's `isUtf8`: strict,
 *     no encoded surrogates, as `validateUtf8`) and no cell starts with a continuation byte
 *     (each cell then holds whole characters).
 */
import { isAscii, isUtf8 } from "node:buffer";
import type { ScanState } from "./str-cells-run.js";

/** True when every cell the run added (cells `count0…`, bytes `out0…`) is strict UTF-8. */
export function runIsUtf8(st: ScanState, count0: number, out0: number): boolean {
  if (st.out === out0) return true;
  const run = st.data.subarray(out0, st.out);
  if (isAscii(run)) return true;
  return isUtf8(run) && cellsStartWhole(st, count0);
}

/** True when no cell from `count0` on starts with a UTF-8 continuation byte (10xxxxxx). */
function cellsStartWhole(st: ScanState, count0: number): boolean {
  const { data, offsets, colBases, rowLength } = st;
  for (let i = count0; i < st.count; i++) {
    const c = Math.floor(i / rowLength);
    const start = (colBases[c] as number) + (offsets[i + c] as number);
    const end = (colBases[c] as number) + (offsets[i + c + 1] as number);
    if (end > start && ((data[start] as number) & 0xc0) === 0x80) return false;
  }
  return true;
}
