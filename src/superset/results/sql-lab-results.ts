/**
 * `SqlLabResults`: SQL Lab's async results over the named `resultsBackend` cache, read and
 * written the way Superset's `/api/v1/sqllab/results/` and `sql_lab.execute_sql_statements` do.
 */
import { randomUUID } from "node:crypto";
import type { Table } from "apache-arrow";
import { SupersetCacheError } from "../../core/errors.js";
import type { PyValue } from "../../python/values.js";
import { ResultsBackendNotConfiguredError, ResultsDecodeError, ResultsExpiredError } from "./errors.js";
import { decodeResultsPayload, encodeResultsPayload } from "./payload-codec.js";
import { columnsOfTable } from "./result-columns.js";
import {
  type ClassicResultsPayload,
  isStatementsPayload,
  type ResultsColumn,
  type StatementResult,
  type StatementsResultsPayload,
} from "./types.js";

/** Superset's default `CACHE_DEFAULT_TIMEOUT`, SECONDS (one day). */
export const SUPERSET_CACHE_DEFAULT_TIMEOUT_SECONDS = 86_400;

/** The slice of `Cache` this API needs (the named `resultsBackend` satisfies it). */
export interface ResultsStore {
  get(key: string): Promise<PyValue | undefined>;
  /** `timeout` in SECONDS; 0 = never expire. */
  set(key: string, value: PyValue, timeout?: number | null): Promise<boolean>;
}

/** Something that owns the named caches, such as `CacheManager`. */
export interface ResultsBackendOwner {
  readonly hasResultsBackend: boolean;
  readonly resultsBackend: ResultsStore;
  readonly resultsBackendUseMsgpack: boolean;
  /** Top-level CACHE_DEFAULT_TIMEOUT, SECONDS. */
  readonly defaultTimeout: number;
}

export interface SqlLabResultsOptions {
  /** The `resultsBackend` cache; `undefined` means RESULTS_BACKEND is not configured. */
  backend: ResultsStore | undefined;
  /** RESULTS_BACKEND_USE_MSGPACK. Default `true`. */
  useMsgpack?: boolean;
  /** Superset's top-level CACHE_DEFAULT_TIMEOUT, SECONDS, used when the database has no cache_timeout. Default 86400. */
  cacheDefaultTimeoutSeconds?: number;
  /** Results-key factory. Default `crypto.randomUUID` (uuid4, as `str(uuid.uuid4())`). */
  newKey?: () => string;
}

/** What the results endpoint serves, with `data` as an Arrow Table. */
export interface SqlLabResult {
  resultsKey: string;
  shape: "classic" | "statements";
  queryId: number | null;
  status: string;
  query: Record<string, unknown>;
  columns: ResultsColumn[];
  selectedColumns: ResultsColumn[];
  expandedColumns: ResultsColumn[];
  /** Classic shape: the rows; statements shape: the last statement's rows (null for DML). */
  data: Table | null;
  /** Statements shape only: every statement with its own Table. */
  statements: StatementResult<Table | null>[];
  /** True when `rows` cut the data (Superset's `displayLimitReached`). */
  displayLimitReached: boolean;
}

export interface ReadResultsOptions {
  /** Return at most this many rows (the endpoint's `rows` parameter). Default: all. */
  rows?: number;
}

export interface WriteResultsInput {
  /** The result rows. */
  table: Table;
  /** `Query.to_dict()` fields (camelCase, e.g. `sql`, `dbId`, `startDttm`); `state` and `resultsKey` are set here. */
  query: Record<string, unknown>;
  /** The `query` table row id. Default `query.id`, else null. */
  queryId?: number | null;
  /** Column descriptions. Default: derived from the Table schema. */
  columns?: ResultsColumn[];
  /** `database.cache_timeout`, SECONDS; null/undefined → CACHE_DEFAULT_TIMEOUT; 0 → never expires. */
  databaseCacheTimeoutSeconds?: number | null;
  /** Use this results key instead of a new uuid4. */
  resultsKey?: string;
  /** Write `query.resultsKey` (Superset 2.1+ does). Default `true`. */
  includeResultsKey?: boolean;
}

export interface WrittenResults {
  resultsKey: string;
  /** The timeout the entry was stored with, SECONDS (0 = never expires). */
  timeoutSeconds: number;
  /** Size of the stored zlib payload, bytes (before the backend serializer). */
  storedBytes: number;
}

export class SqlLabResults {
  readonly useMsgpack: boolean;
  readonly cacheDefaultTimeoutSeconds: number;
  private readonly backend: ResultsStore | undefined;
  private readonly newKey: () => string;

  constructor(options: SqlLabResultsOptions) {
    this.backend = options.backend;
    this.useMsgpack = options.useMsgpack ?? true;
    this.cacheDefaultTimeoutSeconds =
      options.cacheDefaultTimeoutSeconds ?? SUPERSET_CACHE_DEFAULT_TIMEOUT_SECONDS;
    this.newKey = options.newKey ?? randomUUID;
  }

  /** Use a CacheManager's `resultsBackend`, RESULTS_BACKEND_USE_MSGPACK and CACHE_DEFAULT_TIMEOUT. */
  static fromManager(manager: ResultsBackendOwner): SqlLabResults {
    return new SqlLabResults({
      backend: manager.hasResultsBackend ? manager.resultsBackend : undefined,
      useMsgpack: manager.resultsBackendUseMsgpack,
      cacheDefaultTimeoutSeconds: manager.defaultTimeout,
    });
  }

  /**
   * Read a stored result by results key. The entry is never modified or deleted.
   * @throws ResultsBackendNotConfiguredError when no backend is configured
   * @throws ResultsExpiredError (HTTP 410 in Superset) when the key has no entry
   * @throws ResultsDecodeError when the stored bytes cannot be decoded
   */
  async read(resultsKey: string, options: ReadResultsOptions = {}): Promise<SqlLabResult> {
    const backend = this.requireBackend();
    const blob = await backend.get(resultsKey);
    // Superset tests the blob for truthiness: missing, None and empty bytes all read as gone.
    if (blob === undefined || blob === null || (blob instanceof Uint8Array && blob.length === 0)) {
      throw new ResultsExpiredError(resultsKey);
    }
    if (!(blob instanceof Uint8Array)) {
      throw new ResultsDecodeError("RESULTS_PAYLOAD_INVALID", `entry ${resultsKey} is not bytes`);
    }
    const payload = decodeResultsPayload(blob, { useMsgpack: this.useMsgpack });
    return toResult(resultsKey, payload, options.rows);
  }

  /**
   * Write a classic payload Superset's results endpoint will serve, under a new uuid4 key.
   * Timeout: `databaseCacheTimeoutSeconds` when not null, else CACHE_DEFAULT_TIMEOUT (SECONDS).
   * @throws ResultsBackendNotConfiguredError, ResultsEncodeError, or the backend's error
   */
  async write(input: WriteResultsInput): Promise<WrittenResults> {
    const backend = this.requireBackend();
    const resultsKey = input.resultsKey ?? this.newKey();
    const columns = input.columns ?? columnsOfTable(input.table);
    const payload: ClassicResultsPayload = {
      query_id: input.queryId ?? numberOrNull(input.query.id),
      status: "success",
      data: input.table,
      // msgpack mode stores the selected columns only; expansion happens at read time.
      columns,
      selected_columns: columns,
      expanded_columns: [],
      query: this.queryDict(input, resultsKey),
    };
    return this.store(
      backend,
      resultsKey,
      encodeResultsPayload(payload, { useMsgpack: this.useMsgpack }),
      input,
    );
  }

  /**
   * Write a statements-shaped payload (Superset master's new executor).
   * @throws ResultsBackendNotConfiguredError, ResultsEncodeError, or the backend's error
   */
  async writeStatements(
    input: Omit<WriteResultsInput, "table" | "columns"> & {
      statements: StatementResult[];
      totalExecutionTimeMs?: number;
    },
  ): Promise<WrittenResults> {
    const backend = this.requireBackend();
    const resultsKey = input.resultsKey ?? this.newKey();
    const payload: StatementsResultsPayload = {
      query_id: input.queryId ?? numberOrNull(input.query.id),
      status: "success",
      statements: input.statements,
      total_execution_time_ms:
        input.totalExecutionTimeMs ?? sum(input.statements.map((s) => s.execution_time_ms)),
      query: this.queryDict(input, resultsKey),
    };
    return this.store(
      backend,
      resultsKey,
      encodeResultsPayload(payload, { useMsgpack: this.useMsgpack }),
      input,
    );
  }

  private queryDict(input: Pick<WriteResultsInput, "query" | "includeResultsKey">, key: string) {
    const query: Record<string, unknown> = { ...input.query, state: "success" };
    if (input.includeResultsKey ?? true) query.resultsKey = key;
    return query;
  }

  private async store(
    backend: ResultsStore,
    resultsKey: string,
    bytes: Uint8Array,
    input: Pick<WriteResultsInput, "databaseCacheTimeoutSeconds">,
  ): Promise<WrittenResults> {
    const timeoutSeconds = input.databaseCacheTimeoutSeconds ?? this.cacheDefaultTimeoutSeconds;
    const ok = await backend.set(resultsKey, bytes, timeoutSeconds);
    if (!ok) {
      // Superset marks the query FAILED with this text when the write fails.
      throw new SupersetCacheError(
        "RESULTS_BACKEND_ERROR",
        "Failed to store query results. Please try again.",
      );
    }
    return { resultsKey, timeoutSeconds, storedBytes: bytes.length };
  }

  private requireBackend(): ResultsStore {
    if (!this.backend) throw new ResultsBackendNotConfiguredError();
    return this.backend;
  }
}

function toResult(
  resultsKey: string,
  payload: ClassicResultsPayload<Table | null> | StatementsResultsPayload<Table | null>,
  rows: number | undefined,
): SqlLabResult {
  const query = (payload.query ?? {}) as Record<string, unknown>;
  const base = {
    resultsKey,
    queryId: numberOrNull(payload.query_id),
    status: String(payload.status),
    query,
  };
  if (isStatementsPayload(payload)) {
    const statements = payload.statements.map((s) => ({ ...s, columns: withColumnName(s.columns ?? []) }));
    const last = statements[statements.length - 1];
    const limited = limitRows(last?.data ?? null, rows, base.status);
    return {
      ...base,
      shape: "statements",
      columns: last?.columns ?? [],
      selectedColumns: last?.columns ?? [],
      expandedColumns: [],
      data: limited.data,
      statements,
      displayLimitReached: limited.cut,
    };
  }
  const selected = withColumnName(payload.selected_columns ?? []);
  const limited = limitRows(payload.data, rows, base.status);
  return {
    ...base,
    shape: "classic",
    columns: payload.columns ?? selected,
    selectedColumns: selected,
    expandedColumns: payload.expanded_columns ?? [],
    data: limited.data,
    statements: [],
    displayLimitReached: limited.cut,
  };
}

/** Superset sets `column_name = name` on every selected column that has a `name` when reading. */
function withColumnName(columns: ResultsColumn[]): ResultsColumn[] {
  return columns.map((c) => (typeof c.name === "string" ? { ...c, column_name: c.name } : c));
}

/** `apply_display_max_row_configuration_if_require`: cut to `rows` for successful queries. */
function limitRows(
  data: Table | null,
  rows: number | undefined,
  status: string,
): { data: Table | null; cut: boolean } {
  if (!data || rows === undefined || status !== "success" || data.numRows <= rows)
    return { data, cut: false };
  return { data: data.slice(0, rows), cut: true };
}

function numberOrNull(v: unknown): number | null {
  return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : null;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
