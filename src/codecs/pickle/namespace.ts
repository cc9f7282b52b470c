/**
 * The root entry's `pickle` namespace: the names of `superset-cache/pickle`, declared here.
 * The declaration bundler types a namespace member only when it is declared in the namespace's
 * own chunk; re-exported from a shared chunk, every member would be typed as a value and the
 * types (`pickle.LoadsOptions`) would break `dist/index.d.ts`. Only the root imports this module.
 * The error classes are values here; their instance types come from `superset-cache/pickle`.
 */
import * as entry from "./index.js";

export const loads = entry.loads;
export const dumps = entry.dumps;
export const DEFAULT_PICKLE_LIMITS = entry.DEFAULT_PICKLE_LIMITS;
export const PickleDecodeError = entry.PickleDecodeError;
export const PickleEncodeError = entry.PickleEncodeError;
export const PickleSecurityError = entry.PickleSecurityError;
export const DecodeLimitError = entry.DecodeLimitError;
export type LoadsOptions = entry.LoadsOptions;
export type PickleDumpOptions = entry.PickleDumpOptions;
export type PickleDecodeErrorCode = entry.PickleDecodeErrorCode;
export type PickleEncodeErrorCode = entry.PickleEncodeErrorCode;
export type PickleLimits = entry.PickleLimits;
export type DecodeBudgetLimits = entry.DecodeBudgetLimits;
export type DecodeStage = entry.DecodeStage;
