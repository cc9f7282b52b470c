/**
 * Value codecs of SupersetMetastoreCache (Superset's `CODEC` setting) as serializers:
 * JsonKeyValueCodec (stdlib json text, UTF-8) and PickleKeyValueCodec (plain pickle, no `!`).
 */

import type { Serializer } from "../cache/serializer.js";
import type { PyValue } from "../codecs/pickle/values.js";
import { stdlibJsonLoads } from "./metastore-json-decode.js";
import { stdlibJsonDumps } from "./metastore-json-encode.js";

/** Options of {@link metastoreJsonSerializer}. */
export interface MetastoreJsonOptions {
  /** Integral floats decode as `PyFloat` (round-trips `1.0`). Default `false`. */
  exactNumbers?: boolean;
}

const utf8 = new TextEncoder();

/**
 * Superset's `JsonKeyValueCodec`: `bytes(json.dumps(value), "utf-8")` / `json.loads(bytes)`.
 * `dumps` throws CacheEncodeError `METASTORE_JSON_UNSERIALIZABLE`; `loads` throws
 * CacheDecodeError `METASTORE_JSON_INVALID`.
 */
export function metastoreJsonSerializer(options: MetastoreJsonOptions = {}): Serializer {
  return {
    name: "metastore-json",
    dumps: (value: PyValue) => utf8.encode(stdlibJsonDumps(value)),
    loads: (bytes: Uint8Array) => stdlibJsonLoads(bytes, options),
  };
}
