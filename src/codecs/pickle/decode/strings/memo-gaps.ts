/**
 * Which cells of a scanned list its MEMOIZEs memoized, held as the few cells they did not
 * (the "gaps": None, BINGET copies, a str without its MEMOIZE), not as one slot per str.
 * CPython memoizes every str it writes, right after it, so the memoized cells are all the
 * others, in memo order; a gap list is short where a slot per cell would be megabytes.
 */

/**
 * Cell index of the `k`-th memoized cell, given the ascending gap cells `gaps[0, gapCount)`.
 * That cell is `k + j`, where `j` gaps lie below it: the first `j` with `gaps[j] - j > k`
 * (`gaps[j] - j` never decreases, so a binary search finds it).
 */
export function memoCell(gaps: Int32Array, gapCount: number, k: number): number {
  let lo = 0;
  let hi = gapCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((gaps[mid] as number) - mid > k) hi = mid;
    else lo = mid + 1;
  }
  return k + lo;
}

/** The memoized cells of one scanned list, in memo order. */
export class MemoCells {
  constructor(
    /** Ascending indices of the cells that were not memoized. */
    private readonly gaps: Int32Array,
    /** Number of memoized cells. */
    readonly length: number,
  ) {}

  /** Cell index of the `k`-th memoized cell (0 ≤ k < length). */
  cell(k: number): number {
    return memoCell(this.gaps, this.gaps.length, k);
  }
}
