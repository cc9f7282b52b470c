/**
 * `superset-cache/codecs`: the value codecs on their own. cachelib's serializers
 * (`RedisSerializer`, `PickleSerializer`), simplejson-exact `pyjson.dumps`, and stdlib `json`
 * dumps/loads as Superset's metastore stores them. Pickle itself is `superset-cache/pickle`.
 */
export { PickleSerializer, type PickleSerializerOptions } from "./cachelib/pickle-serializer.js";
export { RedisSerializer, type RedisSerializerOptions } from "./cachelib/redis-serializer.js";
export { type PyJsonDumpsOptions, PyJsonEncodeError, type PyJsonErrorCode } from "./json/index.js";
export * as pyjson from "./json/namespace.js";
export { type StdlibJsonLoadsOptions, stdlibJsonLoads } from "./json/stdlib-decode.js";
export { stdlibJsonDumps } from "./json/stdlib-encode.js";
export type { Serializer } from "./serializer.js";
