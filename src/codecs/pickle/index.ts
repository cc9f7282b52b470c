/**
 * The public `pickle` namespace: `pickle.loads(bytes, options?)` (the safe decoder, never
 * executes anything) and `pickle.dumps(value, options?)` (protocol 5, CPython's byte layout).
 */

export {
  type DecodeBudgetLimits,
  DecodeLimitError,
  type DecodeStage,
} from "../decode-budget.js";
export { loads } from "./decode/decoder.js";
export type { LoadsOptions } from "./decode/options.js";
export type { PickleDumpOptions } from "./encode/encoder.js";
export { dumps } from "./encode/encoder.js";
export type { PickleEncodeErrorCode } from "./encode/errors.js";
export { PickleEncodeError } from "./encode/errors.js";
export type { PickleDecodeErrorCode } from "./errors.js";
export { PickleDecodeError, PickleSecurityError } from "./errors.js";
export type { PickleLimits } from "./limits.js";
export { DEFAULT_PICKLE_LIMITS } from "./limits.js";
