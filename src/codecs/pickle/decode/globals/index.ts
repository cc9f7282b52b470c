/**
 * The whitelist: every global the decoder gives meaning to, as one frozen map keyed by
 * `module \0 qualname` (after the Python-2 name mapping). Everything else is an inert token.
 */
import { BUILTIN_GLOBALS } from "./builtins.js";
import { DATETIME_GLOBALS } from "./datetime.js";
import { ENUM_GLOBALS, SUPERSET_CLASS_GLOBALS } from "./enum-classes.js";
import { NUMPY_GLOBALS } from "./numpy.js";
import { PANDAS_GLOBALS } from "./pandas/index.js";
import { type GlobalSpec, makeRegistry } from "./registry.js";
import { TIMEZONE_GLOBALS } from "./timezones.js";

export const WHITELIST: ReadonlyMap<string, GlobalSpec> = makeRegistry([
  ...BUILTIN_GLOBALS,
  ...DATETIME_GLOBALS,
  ...TIMEZONE_GLOBALS,
  ...ENUM_GLOBALS,
  ...SUPERSET_CLASS_GLOBALS,
  ...NUMPY_GLOBALS,
  ...PANDAS_GLOBALS,
]);

/** The whitelisted globals as `module.qualname` strings, sorted (for docs and tests). */
export function whitelistNames(): string[] {
  return [...WHITELIST.keys()].map((k) => k.replace("\u0000", ".")).sort();
}
