/**
 * One budget per decode, shared by every stage that turns stored bytes into values: the pickle
 * machine, numpy and pandas reconstruction, Arrow building, tagged JSON, msgpack and JSON
 * results. A few kilobytes of hostile input can reference one large value many times; every
 * stage charges what it *produces* (not what it reads), so shared references count each time.
 * The defaults scale with the input, so a legitimate 6 MB chart entry never notices them while a
 * hostile 1 KB input meets them within milliseconds.
 */
import type { DecodeLimitErrorCode } from "../core/error-codes/index.js";
import { CacheDecodeError } from "../core/errors.js";

/** Where a decode spent its budget (named by `DecodeLimitError.stage`). */
export type DecodeStage =
  | "pickle"
  | "numpy"
  | "pandas"
  | "arrow"
  | "tagged-json"
  | "zlib"
  | "msgpack"
  | "json"
  | "results";

/** The limits of one decode; every field is optional where accepted and defaults per `defaultDecodeBudget`. */
export interface DecodeBudgetLimits {
  /** Estimated bytes of everything built (strings at 2 bytes a unit, 8 bytes a slot). */
  maxTotalAllocation: number;
  /** Elements produced: container slots, array items, DataFrame cells, msgpack items, result cells. */
  maxTotalElements: number;
  /** Nodes visited by tree walks (tagged JSON, result records). */
  maxTotalNodes: number;
  /** Wall-clock bound in milliseconds, or `null` (default) for none. */
  maxMillis: number | null;
}

const MIB = 1024 * 1024;

/** Allocation budget per input byte (at least `MIN_TOTAL_ALLOCATION`, at most `MAX_TOTAL_ALLOCATION`). */
export const DEFAULT_ALLOCATION_PER_INPUT_BYTE = 64;
/** Smallest default allocation budget: 64 MiB. */
export const MIN_TOTAL_ALLOCATION = 64 * MIB;
/** Largest default allocation budget: 2 GiB. */
export const MAX_TOTAL_ALLOCATION = 2048 * MIB;
/** Element budget per input byte (at least `MIN_TOTAL_ELEMENTS`, at most 50,000,000). */
export const DEFAULT_ELEMENTS_PER_INPUT_BYTE = 16;
/** Smallest default element budget: 4,194,304. */
export const MIN_TOTAL_ELEMENTS = 4 * MIB;
/** Largest default element budget. */
export const MAX_TOTAL_ELEMENTS = 50_000_000;
/** Node budget per input byte (at least `MIN_TOTAL_NODES`, at most 50,000,000). */
export const DEFAULT_NODES_PER_INPUT_BYTE = 16;
/** Smallest default node budget: 2,000,000. */
export const MIN_TOTAL_NODES = 2_000_000;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** The default limits for an input of `inputBytes` bytes (see the constants above). */
export function defaultDecodeBudget(inputBytes: number): DecodeBudgetLimits {
  return {
    maxTotalAllocation: clamp(
      inputBytes * DEFAULT_ALLOCATION_PER_INPUT_BYTE,
      MIN_TOTAL_ALLOCATION,
      MAX_TOTAL_ALLOCATION,
    ),
    maxTotalElements: clamp(
      inputBytes * DEFAULT_ELEMENTS_PER_INPUT_BYTE,
      MIN_TOTAL_ELEMENTS,
      MAX_TOTAL_ELEMENTS,
    ),
    maxTotalNodes: clamp(inputBytes * DEFAULT_NODES_PER_INPUT_BYTE, MIN_TOTAL_NODES, MAX_TOTAL_ELEMENTS),
    maxMillis: null,
  };
}

/** One decode's budget ran out (`stage` says where); the input is hostile or the limit too low. */
export class DecodeLimitError extends CacheDecodeError {
  declare readonly code: DecodeLimitErrorCode;
  /** The stage that was producing values when the budget ran out. */
  readonly stage: DecodeStage;

  constructor(
    code: DecodeLimitErrorCode,
    stage: DecodeStage,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, `${message} (${stage})`, options);
    this.stage = stage;
  }
}

/** How often (in charges) the clock is read when `maxMillis` is set. */
const CLOCK_MASK = 255;

/**
 * The running totals of one decode. Create one per top-level decode and hand it to every stage;
 * each `charge*` throws `DecodeLimitError` as soon as a total passes its limit.
 */
export class DecodeBudget {
  readonly limits: DecodeBudgetLimits;
  allocated = 0;
  elements = 0;
  nodes = 0;
  private readonly deadline: number;
  private calls = 0;

  /** `limits` fields override `defaultDecodeBudget(inputBytes)`. */
  constructor(inputBytes: number, limits: Partial<DecodeBudgetLimits> = {}) {
    const defaults = defaultDecodeBudget(inputBytes);
    this.limits = {
      maxTotalAllocation: limits.maxTotalAllocation ?? defaults.maxTotalAllocation,
      maxTotalElements: limits.maxTotalElements ?? defaults.maxTotalElements,
      maxTotalNodes: limits.maxTotalNodes ?? defaults.maxTotalNodes,
      maxMillis: limits.maxMillis ?? defaults.maxMillis,
    };
    this.deadline = this.limits.maxMillis === null ? Infinity : performance.now() + this.limits.maxMillis;
  }

  /** Would `bytes` more fit? (For fast paths that must decline rather than fail.) */
  fits(bytes: number): boolean {
    return this.allocated + bytes <= this.limits.maxTotalAllocation;
  }

  /** Account for `bytes` newly allocated (estimated). */
  allocate(bytes: number, stage: DecodeStage): void {
    this.allocated += bytes;
    if (this.allocated > this.limits.maxTotalAllocation)
      this.exceeded("DECODE_ALLOCATION_LIMIT", stage, `decoded data exceeds maxTotalAllocation`);
    this.tick(stage);
  }

  /** Account for `n` elements produced (each also costs a slot of allocation). */
  produce(n: number, stage: DecodeStage): void {
    this.elements += n;
    if (this.elements > this.limits.maxTotalElements)
      this.exceeded("DECODE_ELEMENT_LIMIT", stage, `decoded data has more than maxTotalElements elements`);
    this.allocate(n * 8, stage);
  }

  /** Account for `n` nodes visited by a tree walk. */
  visit(n: number, stage: DecodeStage): void {
    this.nodes += n;
    if (this.nodes > this.limits.maxTotalNodes)
      this.exceeded("DECODE_NODE_LIMIT", stage, `decoding visits more than maxTotalNodes nodes`);
    this.tick(stage);
  }

  /** Check the clock now (cheap when `maxMillis` is null). */
  checkTime(stage: DecodeStage): void {
    if (this.deadline !== Infinity && performance.now() > this.deadline)
      this.exceeded("DECODE_TIME_LIMIT", stage, `decoding took longer than maxMillis`);
  }

  private tick(stage: DecodeStage): void {
    if (this.deadline !== Infinity && (++this.calls & CLOCK_MASK) === 0) this.checkTime(stage);
  }

  private exceeded(code: DecodeLimitErrorCode, stage: DecodeStage, message: string): never {
    throw new DecodeLimitError(code, stage, message);
  }
}

/**
 * Run a decode step, turning the engine's own out-of-range failures (a string or array longer
 * than V8 allows: `RangeError: Invalid string length`, `Invalid array length`) into a typed
 * `DecodeLimitError`, so no untyped error escapes a public decode path.
 */
export function typedEngineLimits<T>(stage: DecodeStage, run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof RangeError)
      throw new DecodeLimitError("DECODE_ALLOCATION_LIMIT", stage, `value too large: ${err.message}`, {
        cause: err,
      });
    throw err;
  }
}
