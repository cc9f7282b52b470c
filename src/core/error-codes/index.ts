/**
 * Every error code the library uses, in one place: this folder, one file per family group, one
 * list per family, each code with a line on what it means. Each `SupersetCacheError` subclass
 * takes only the codes of its family, so a code missing here is a compile error at its throw
 * site. Codes never change meaning between
 * releases; docs/errors.md gives cause and fix for each one.
 */

import { AUTH_ERROR_CODES, type AuthErrorCode } from "./auth.js";
import { BACKEND_ERROR_CODES, type BackendErrorCode } from "./backend.js";
import {
  ARGUMENT_ERROR_CODES,
  type ArgumentErrorCode,
  OPERATION_ERROR_CODES,
  type OperationErrorCode,
} from "./cache-calls.js";
import {
  ASYNC_EVENTS_ERROR_CODES,
  type AsyncEventsErrorCode,
  CELERY_ERROR_CODES,
  type CeleryErrorCode,
} from "./celery.js";
import { CONFIG_ERROR_CODES, type ConfigErrorCode } from "./config.js";
import { DECODE_ERROR_CODES, type DecodeErrorCode } from "./decode.js";
import { ENCODE_ERROR_CODES, type EncodeErrorCode } from "./encode.js";
import {
  CLI_ERROR_CODES,
  type CliErrorCode,
  WARMUP_ERROR_CODES,
  type WarmupErrorCode,
} from "./operator-tools.js";
import { SUPERSET_ERROR_CODES, type SupersetErrorCode } from "./superset.js";

export * from "./auth.js";
export * from "./backend.js";
export * from "./cache-calls.js";
export * from "./celery.js";
export * from "./config.js";
export * from "./decode.js";
export * from "./encode.js";
export * from "./operator-tools.js";
export * from "./superset.js";

/** Every code a `SupersetCacheError` can carry. */
export type SupersetCacheErrorCode =
  | ConfigErrorCode
  | ArgumentErrorCode
  | BackendErrorCode
  | DecodeErrorCode
  | EncodeErrorCode
  | OperationErrorCode
  | SupersetErrorCode
  | CeleryErrorCode
  | AsyncEventsErrorCode
  | WarmupErrorCode
  | AuthErrorCode
  | CliErrorCode;

/** Every code, once each (`METASTORE_JSON_TOO_DEEP` is in both the decode and encode families). */
export const ERROR_CODES: readonly SupersetCacheErrorCode[] = Object.freeze([
  ...new Set<SupersetCacheErrorCode>([
    ...CONFIG_ERROR_CODES,
    ...ARGUMENT_ERROR_CODES,
    ...BACKEND_ERROR_CODES,
    ...DECODE_ERROR_CODES,
    ...ENCODE_ERROR_CODES,
    ...OPERATION_ERROR_CODES,
    ...SUPERSET_ERROR_CODES,
    ...CELERY_ERROR_CODES,
    ...ASYNC_EVENTS_ERROR_CODES,
    ...WARMUP_ERROR_CODES,
    ...AUTH_ERROR_CODES,
    ...CLI_ERROR_CODES,
  ]),
]);
