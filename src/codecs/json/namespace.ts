/**
 * The `pyjson` namespace of `superset-cache/codecs`: the names of this folder's index, declared
 * here. The declaration bundler types a namespace member only when it is declared in the
 * namespace's own chunk; re-exported from a shared chunk, a type (`pyjson.PyJsonErrorCode`)
 * would be typed as a value and break the entry's `.d.ts`. Only `codecs/index.ts` imports this
 * module. `PyJsonEncodeError` is a value here; its instance type is the entry's top-level name.
 */
import * as json from "./index.js";

export const dumps = json.dumps;
export const PyJsonEncodeError = json.PyJsonEncodeError;
export const pythonFloatRepr = json.pythonFloatRepr;
export const compareCodePoints = json.compareCodePoints;
export type PyJsonDumpsOptions = json.PyJsonDumpsOptions;
export type PyJsonErrorCode = json.PyJsonErrorCode;
