/**
 * `superset-cache/backends/metastore`: Superset's SupersetMetastoreCache (the `key_value`
 * table on PostgreSQL or MySQL), its row codecs and row ids. The drivers (`pg`, `mysql2`) are
 * optional peers, imported when a backend first connects.
 */
export { DEFAULT_MAX_CONNECTIONS, MetastoreBackend, type MetastoreBackendOptions } from "./backend.js";
export {
  type MetastoreJsonOptions,
  type MetastorePickleOptions,
  metastoreJsonSerializer,
  metastorePickleSerializer,
} from "./codecs.js";
export { METASTORE_RESOURCE, type MetastoreDialect } from "./dialect.js";
export { type MetastoreConnectionSettings, type MetastoreDialectName, parseDatabaseUri } from "./dsn.js";
export type { NaiveTimeZone } from "./time.js";
export {
  type MetastoreHashAlgorithm,
  type MetastoreUuidOptions,
  metastoreNamespace,
  metastoreUuid,
} from "./uuid.js";
