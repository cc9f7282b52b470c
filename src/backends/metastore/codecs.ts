/**
 * Value codecs of SupersetMetastoreCache (Superset's `CODEC` setting) as serializers:
 * JsonKeyValueCodec (stdlib json text, UTF-8) and PickleKeyValueCodec (plain pickle, no `!`).
 */

import { PickleSerializer } from "../../codecs/cachelib/pickle-serializer.js";
import { stdlibJsonLoads } from "../../codecs/json/stdlib-decode.js";
import { stdlibJsonDumps } from "../../codecs/json/stdlib-encode.js";
import type { LoadsOptions } from "../../codecs/pickle/decode/options.js";
import type { Serializer } from "../../codecs/serializer.js";
import type { ResolvedCacheConfig } from "../../config/config-types.js";
import { CacheConfigError } from "../../core/errors.js";
import type { PyValue } from "../../python/values.js";
import type { BackendContext } from "../backend-module.js";

/** Options of {@link metastoreJsonSerializer}. */
export interface MetastoreJsonOptions {
  /** Integral floats decode as `PyFloat` (round-trips `1.0`). Default `false`. */
  exactNumbers?: boolean;
}

/**
 * Superset's `JsonKeyValueCodec`: `bytes(json.dumps(value), "utf-8")` / `json.loads(bytes)`.
 * `dumps` throws CacheEncodeError `METASTORE_JSON_UNSERIALIZABLE`; `loads` throws
 * CacheDecodeError `METASTORE_JSON_INVALID`.
 */
export function metastoreJsonSerializer(options: MetastoreJsonOptions = {}): Serializer {
  return {
    name: "metastore-json",
    // ensure_ascii output is pure ASCII, so Latin-1 encoding is the UTF-8 bytes (and much faster
    // than TextEncoder for small texts).
    dumps: (value: PyValue) => Buffer.from(stdlibJsonDumps(value), "latin1"),
    loads: (bytes: Uint8Array) => stdlibJsonLoads(bytes, options),
  };
}

/** Superset's PickleKeyValueCodec writes `pickle.dumps(value)`: DEFAULT_PROTOCOL, 4 on Python 3.8–3.13. */
export const METASTORE_PICKLE_PROTOCOL = 4;

/** Options of {@link metastorePickleSerializer}. */
export interface MetastorePickleOptions {
  /** Pickle protocol written. Default 4 (Python ≤ 3.13's DEFAULT_PROTOCOL; 3.14 uses 5). Readers accept both. */
  protocol?: 4 | 5;
  /** Passed to `pickle.loads`. */
  load?: LoadsOptions;
}

/**
 * Superset's `PickleKeyValueCodec`: a plain pickle, no `!` prefix (that is cachelib-Redis only).
 * `dumps` throws PickleEncodeError; `loads` throws PickleDecodeError (never executes anything).
 */
export function metastorePickleSerializer(options: MetastorePickleOptions = {}): Serializer {
  const inner = new PickleSerializer({
    dump: { protocol: options.protocol ?? METASTORE_PICKLE_PROTOCOL },
    load: options.load,
  });
  return {
    name: "metastore-pickle",
    dumps: (value: PyValue) => inner.dumps(value),
    loads: (bytes: Uint8Array) => inner.loads(bytes),
  };
}

/**
 * Registry hook: the value codec a metastore cache dict's `CODEC` selects — `"json"`
 * (JsonKeyValueCodec, Superset 3.0+'s default for the filter-state and explore caches) or
 * `"pickle"`; missing → pickle, as SupersetMetastoreCache falls back to PickleKeyValueCodec.
 * @throws CacheConfigError `METASTORE_CODEC_UNKNOWN` at `<path>.CODEC` for another value.
 */
export function metastoreSerializerFromConfig(
  config: ResolvedCacheConfig,
  context: Pick<BackendContext, "path">,
): Serializer {
  const codec = config.CODEC ?? "pickle";
  if (codec === "json") return metastoreJsonSerializer();
  if (codec === "pickle") return metastorePickleSerializer();
  throw new CacheConfigError(
    "METASTORE_CODEC_UNKNOWN",
    `${context.path}.CODEC`,
    `unknown codec ${JSON.stringify(codec)} ("json" or "pickle")`,
  );
}
