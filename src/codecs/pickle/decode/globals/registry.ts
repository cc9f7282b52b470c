/**
 * The whitelist contract: a frozen map from (module, qualname) to a pure handler. Handlers
 * receive already-decoded data and return data; nothing is imported, evaluated or called.
 */

import { PyObject, type PyValue } from "../../../../python/values.js";
import type { DecodeBudget, DecodeStage } from "../../../decode-budget.js";
import type { PickleDecodeErrorCode } from "../../errors.js";

/** What a handler may use from the running decoder. */
export interface HandlerContext {
  /** Throw a `PickleDecodeError` at the current opcode. */
  fail(code: PickleDecodeErrorCode, message: string): never;
  /** Account for `bytes` of newly allocated memory against the decode's `maxTotalAllocation`. */
  charge(bytes: number, stage?: DecodeStage): void;
  /** Account for `n` produced elements (and their slots) against the decode's budget. */
  produce(n: number, stage: DecodeStage): void;
  /** The decode's budget, shared by every stage (see decode-budget.ts). */
  readonly budget: DecodeBudget;
  /** Integral Python floats come back as `PyFloat` (the `exactNumbers` option). */
  readonly exactNumbers: boolean;
  /** The `exact` option: keep values (numpy scalars) in a form that re-encodes to the same Python value. */
  readonly exact: boolean;
  /** `unknownGlobals: "placeholder"`: valid but unsupported pandas content leaves an inert placeholder. */
  readonly lenient: boolean;
  /** `dataFrameIndex` option. */
  readonly dataFrameIndex: "metadata" | "columns";
  /** Limits the handlers must respect. */
  readonly maxContainerItems: number;
  readonly maxDepth: number;
  /** Resolve another global by name (for handlers that return class tokens). */
  global(module: string, name: string): PyValue;
}

/** A whitelisted global. At least one of `call`, `newObj`, `value` is set (or none for a bare class token). */
export interface GlobalSpec {
  /** REDUCE (and INST/OBJ with arguments): `f(*args)`. */
  call?(args: readonly PyValue[], ctx: HandlerContext): PyValue;
  /** NEWOBJ / NEWOBJ_EX (and INST/OBJ without arguments): `cls.__new__(cls, *args)`. */
  newObj?(args: readonly PyValue[], ctx: HandlerContext): PyValue;
  /** The global itself is a value (e.g. `pandas._libs.missing.NA`). */
  value?: PyValue;
}

/**
 * A global as it sits on the pickle stack: an inert token naming the class or function.
 * If it ends up in the output it is a `PyObject` with no arguments.
 */
export class PyGlobal extends PyObject {
  constructor(
    module: string,
    name: string,
    /** The whitelist entry, or undefined for a global outside the whitelist. */
    readonly spec: GlobalSpec | undefined,
  ) {
    super(module, name);
  }
}

/**
 * An object under construction by a whitelisted handler that accepts BUILD (numpy dtype and
 * array shells, pandas arrays, DataFrame). `build` may return a replacement value, which the
 * decoder puts on the stack in place of the shell (and returns for later memo lookups).
 */
export abstract class PyShell extends PyObject {
  /** Set when BUILD produced a different value (e.g. a DataFrame shell became an Arrow Table). */
  replacement: PyValue | undefined = undefined;
  abstract build(state: PyValue, ctx: HandlerContext): PyValue | undefined;
}

/** Key of the registry map. */
export function globalKey(module: string, name: string): string {
  return `${module}\u0000${name}`;
}

/** Build a frozen registry from `[module, name, spec]` rows. */
export function makeRegistry(
  rows: ReadonlyArray<readonly [string, string, GlobalSpec]>,
): ReadonlyMap<string, GlobalSpec> {
  const map = new Map<string, GlobalSpec>();
  for (const [m, n, spec] of rows) map.set(globalKey(m, n), Object.freeze(spec));
  return map;
}

/** Python-2 module names mapped to their Python 3 names before lookup (`_compat_pickle`, the part that matters here). */
export const PY2_MODULES: ReadonlyMap<string, string> = new Map([
  ["__builtin__", "builtins"],
  ["copy_reg", "copyreg"],
  ["exceptions", "builtins"],
  ["UserDict", "collections"],
  ["UserList", "collections"],
  ["UserString", "collections"],
  ["_abcoll", "collections.abc"],
]);

/** Python-2 (module, name) pairs that moved. */
export const PY2_NAMES: ReadonlyMap<string, readonly [string, string]> = new Map([
  [globalKey("__builtin__", "xrange"), ["builtins", "range"] as const],
  [globalKey("__builtin__", "unicode"), ["builtins", "str"] as const],
  [globalKey("__builtin__", "basestring"), ["builtins", "str"] as const],
  [globalKey("__builtin__", "long"), ["builtins", "int"] as const],
  [globalKey("UserDict", "UserDict"), ["collections", "UserDict"] as const],
]);
