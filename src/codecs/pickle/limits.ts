/**
 * Resource limits of the pickle decoder. Every length read from the input is checked
 * against these (and against the bytes that remain) before anything is allocated.
 */

/** Limits; every field is optional in `LoadsOptions.limits` and defaults to `DEFAULT_PICKLE_LIMITS`. */
export interface PickleLimits {
  /** Largest accepted input, in bytes. Default 256 MiB. */
  maxInputBytes: number;
  /** Deepest MARK nesting (metastack depth) and deepest post-processing recursion. Default 10,000. */
  maxDepth: number;
  /** Most memo entries (indices themselves may be up to 2^32−1; the memo is sparse). Default 1,000,000. */
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
   * Upper bound on everything the decoder allocates for values (strings, bytes copies,
   * container slots, array buffers), in bytes, estimated as it goes. Default 2 GiB.
   */
  maxTotalAllocation: number;
  /** Most opcodes executed. Default 100,000,000. */
  maxOpcodes: number;
}

const MIB = 1024 * 1024;

/** The defaults used when a limit is not given. */
export const DEFAULT_PICKLE_LIMITS: Readonly<PickleLimits> = Object.freeze({
  maxInputBytes: 256 * MIB,
  maxDepth: 10_000,
  maxMemo: 1_000_000,
  maxContainerItems: 50_000_000,
  maxStringBytes: 256 * MIB,
  maxBytesLength: 256 * MIB,
  maxIntBytes: 1024,
  maxIntDigits: 4300,
  maxTotalAllocation: 2048 * MIB,
  maxOpcodes: 100_000_000,
});

/** Merge user limits over the defaults. String/bytes limits follow `maxInputBytes` unless given. */
export function resolveLimits(partial: Partial<PickleLimits> | undefined): PickleLimits {
  const merged: PickleLimits = { ...DEFAULT_PICKLE_LIMITS, ...partial };
  if (partial?.maxInputBytes !== undefined) {
    if (partial.maxStringBytes === undefined) merged.maxStringBytes = partial.maxInputBytes;
    if (partial.maxBytesLength === undefined) merged.maxBytesLength = partial.maxInputBytes;
  }
  return merged;
}
