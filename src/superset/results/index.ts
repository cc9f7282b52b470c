/** SQL Lab results backend: payload codec (pure) and the typed API over `resultsBackend`. */
export { ipcStreamToTable, tableToIpcStream } from "./arrow-ipc.js";
export { recordsToTable, tableToRecords } from "./arrow-records.js";
export {
  ResultsBackendNotConfiguredError,
  type ResultsDecodeCode,
  ResultsDecodeError,
  ResultsEncodeError,
  ResultsExpiredError,
} from "./errors.js";
export {
  type DecodeResultsOptions,
  decodeResultsPayload,
  type EncodeResultsOptions,
  encodeResultsPayload,
} from "./payload-codec.js";
export { columnsOfTable, GenericDataType } from "./result-columns.js";
export {
  type ReadResultsOptions,
  type ResultsBackendOwner,
  type ResultsStore,
  type SqlLabResult,
  SqlLabResults,
  type SqlLabResultsOptions,
  SUPERSET_CACHE_DEFAULT_TIMEOUT_SECONDS,
  type WriteResultsInput,
  type WrittenResults,
} from "./sql-lab-results.js";
export {
  type ClassicResultsPayload,
  type DecodedResultsPayload,
  isStatementsPayload,
  type ResultRecord,
  type ResultsColumn,
  type ResultsDataInput,
  type ResultsPayload,
  type StatementResult,
  type StatementsResultsPayload,
} from "./types.js";
