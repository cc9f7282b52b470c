/** `superset.utils.json.dumps` with its defaults, the text Superset puts in task payloads and event streams. */
import { dumps } from "../codecs/json/dumps.js";
import { makeJsonIsoDttmSer } from "../superset/json-hooks.js";

const isoDttmSer = makeJsonIsoDttmSer();

/**
 * `json.dumps(value)` from `superset.utils`: simplejson with `default=json_iso_dttm_ser`,
 * `allow_nan=False`, `ignore_nan=True` (NaN written as null), default separators.
 * @throws PyJsonEncodeError for values Superset could not encode either
 */
export function supersetJsonDumps(value: unknown): string {
  return dumps(value, { default: isoDttmSer, allowNan: false, ignoreNan: true });
}
