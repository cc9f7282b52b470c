/** simplejson-exact JSON for Python values: `pyjson.dumps(value, options)`. */

export { pythonFloatRepr } from "../../python/numbers.js";
export { dumps, type PyJsonDumpsOptions } from "./dumps.js";
export { PyJsonEncodeError, type PyJsonErrorCode } from "./errors.js";
export { compareCodePoints } from "./key-order.js";
