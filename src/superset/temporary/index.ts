/** Superset's temporary caches: dashboard filter state and explore form data. */
export {
  DatasourceTypeMember,
  type EnumStrStyle,
  type KeyPart,
  pythonStr,
  temporaryCacheKey,
} from "./cache-key.js";
export {
  type RequestIdentity,
  refreshTimeoutOnRetrieval,
  type TemporaryCacheBackend,
  type TemporaryStoreOptions,
} from "./context.js";
export {
  type DatasourceTypeEncoding,
  datasourceTypeValue,
  type ExploreState,
  type FilterStateEntry,
  fixLegacyExploreValue,
  storedDatasourceType,
} from "./entries.js";
export {
  TemporaryCacheAccessDeniedError,
  TemporaryCacheCommandFailedError,
  TemporaryCacheError,
  TemporaryCacheInvalidDatasourceTypeError,
  TemporaryCacheInvalidJsonError,
  TemporaryCacheResourceNotFoundError,
} from "./errors.js";
export {
  type ExploreAccessCheck,
  type ExploreFormDataInput,
  ExploreFormDataStore,
  type ExploreFormDataStoreOptions,
} from "./explore-form-data.js";
export { type DashboardAccessCheck, FilterStateStore, type FilterStateStoreOptions } from "./filter-state.js";
export { LEGACY_RANDOM_KEY_BYTES, RANDOM_KEY_BYTES, randomKey } from "./random-key.js";
export {
  flaskLoginIdentifierBase,
  flaskLoginSessionId,
  pythonBytesRepr,
  type SessionIdInput,
} from "./session-id.js";
