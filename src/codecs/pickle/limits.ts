/**
 * Resource limits of the pickle decoder. Every length read from the input is checked
 * against these (and against the bytes that remain) before anything is allocated.
 */

import { defaultDecodeBudget, MAX_TOTAL_ALLOCATION, MAX_TOTAL_ELEMENTS } from "../decode-budget.js";

/** Limits; every field is optional in `LoadsOptions.limits` and defaults to `DEFAULT_PICKLE_LIMITS`. */
export interface PickleLimits {
  /** Largest accepted input, in bytes. Default 256 MiB. */
  maxInputBytes: number;
  /** Deepest MARK nesting (metastack depth) and deepest post-processing recursion. Default 10,000. */
  maxDepth: number;
  /**
   * Most memo entries (indices themselves may be up to 2^32−1; the memo is sparse). Default: one
   * per 4 input bytes (a memoized str cell takes at least 3), at least 1,000,000, at most
   * 67,108,864.
   */
  maxMemo: number;
  /** Most values on the stack and most items in one container (list, dict, set, tuple, ndarray). Default 50,000,000. */
  maxContainerItems: number;
  /** Longest single str, in UTF-8 bytes. Default: the input size limit. */
  maxStringBytes: number;
  /** Longest single bytes/bytearray object, in bytes. Default: the input size limit. */
  maxBytesLength: number;
  /** Longest LONG1/LONG4 integer, in bytes (1 KiB ≈ 2466 decimal digits). Default 1024. */
  maxIntBytes: number;
  /** Most digits in INT/LONG text lines (Python's own int limit is 4300). Default 4300. */
  maxIntDigits: number;
  /**
   * Upper bound on everything one decode allocates for values (strings, container slots,
   * numpy elements, DataFrame columns and cells, tagged JSON), in bytes, estimated as it goes
   * and shared by every stage. Default: 64 × the input size, at least 64 MiB, at most 2 GiB
   * (`DEFAULT_PICKLE_LIMITS` shows the cap). Error `DECODE_ALLOCATION_LIMIT`.
   */
  maxTotalAllocation: number;
  /**
   * Most elements one decode produces (block placements, array items, DataFrame cells).
   * Default: 16 × the input size, at least 4,194,304, at most 50,000,000. Error `DECODE_ELEMENT_LIMIT`.
   */
  maxTotalElements: number;
  /**
   * Most nodes visited converting values to tagged JSON (object columns, metadata), over the
   * whole decode. Default: 16 × the input size, at least 2,000,000. Error `DECODE_NODE_LIMIT`.
   */
  maxTotalNodes: number;
  /** Wall-clock bound of one decode, in milliseconds; `null` (default): none. Error `DECODE_TIME_LIMIT`. */
  maxMillis: number | null;
  /** Most opcodes executed. Default 100,000,000. */
  maxOpcodes: number;
}

const MIB = 1024 * 1024;
/** Input bytes per memo entry allowed by default (`maxMemo`). */
const INPUT_BYTES_PER_MEMO_ENTRY = 4;
/** Smallest default `maxMemo`. */
const MIN_MEMO_ENTRIES = 1_000_000;
/** Largest default `maxMemo` (a dense memo of this many slots is 512 MiB of pointers). */
const MAX_MEMO_ENTRIES = 64 * MIB;

/**
 * The defaults used when a limit is not given. `maxMemo` and the three `maxTotal*` budgets show
 * their caps: unless given, each decode scales them with its input (see `defaultDecodeBudget`).
 */
export const DEFAULT_PICKLE_LIMITS: Readonly<PickleLimits> = Object.freeze({
  maxInputBytes: 256 * MIB,
  maxDepth: 10_000,
  maxMemo: MAX_MEMO_ENTRIES,
  maxContainerItems: 50_000_000,
  maxStringBytes: 256 * MIB,
  maxBytesLength: 256 * MIB,
  maxIntBytes: 1024,
  maxIntDigits: 4300,
  maxTotalAllocation: MAX_TOTAL_ALLOCATION,
  maxTotalElements: MAX_TOTAL_ELEMENTS,
  maxTotalNodes: MAX_TOTAL_ELEMENTS,
  maxMillis: null,
  maxOpcodes: 100_000_000,
});

/**
 * Merge user limits over the defaults for an input of `inputBytes` bytes. String/bytes limits
 * follow `maxInputBytes` unless given; `maxMemo` and the `maxTotal*` budgets scale with the input
 * unless given.
 */
export function resolveLimits(partial: Partial<PickleLimits> | undefined, inputBytes = 0): PickleLimits {
  const merged: PickleLimits = {
    ...DEFAULT_PICKLE_LIMITS,
    maxMemo: Math.min(
      MAX_MEMO_ENTRIES,
      Math.max(MIN_MEMO_ENTRIES, Math.floor(inputBytes / INPUT_BYTES_PER_MEMO_ENTRY)),
    ),
    ...defaultDecodeBudget(inputBytes),
  };
  for (const [k, v] of Object.entries(partial ?? {})) {
    if (v !== undefined) (merged as unknown as Record<string, unknown>)[k] = v;
  }
  if (partial?.maxInputBytes !== undefined) {
    if (partial.maxStringBytes === undefined) merged.maxStringBytes = partial.maxInputBytes;
    if (partial.maxBytesLength === undefined) merged.maxBytesLength = partial.maxInputBytes;
  }
  return merged;
}
