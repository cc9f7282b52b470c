/**
 * The SQL Lab results payload as Superset stores it, field names and order exactly as
 * `superset/sql_lab.py` builds them (snake_case at the top level, camelCase inside `query`).
 */
import type { Table } from "apache-arrow";

/** One row of a JSON-mode result (`df_to_records`): column name → value. */
export type ResultRecord = Record<string, unknown>;

/** What a payload's `data` may hold when writing: a Table, records, raw Arrow IPC stream bytes, or nothing (DML). */
export type ResultsDataInput = Table | readonly ResultRecord[] | Uint8Array | null;

/** A column description as Superset's `SupersetResultSet.columns` gives it (`column_name`, `name`, `type`, `is_dttm`). */
export interface ResultsColumn {
  column_name?: string;
  name?: string;
  type?: string | null;
  type_generic?: number | null;
  is_dttm?: boolean;
  [extra: string]: unknown;
}

/**
 * Classic payload (`sql_lab.execute_sql_statements`, Superset 0.3x through 6.x):
 * `{query_id, status, data, columns, selected_columns, expanded_columns, query}` in that order.
 * In msgpack mode `data` is an Arrow IPC stream and `columns` equals `selected_columns`.
 */
export interface ClassicResultsPayload<D = ResultsDataInput> {
  query_id?: number | null;
  status: string;
  data: D;
  columns: ResultsColumn[];
  selected_columns: ResultsColumn[];
  expanded_columns: ResultsColumn[];
  /** `Query.to_dict()` with `state: "success"` and (newer) `resultsKey`. */
  query: Record<string, unknown>;
  [extra: string]: unknown;
}

/** One statement of the newer statements-shaped payload. */
export interface StatementResult<D = ResultsDataInput> {
  statement: string;
  data: D;
  columns: ResultsColumn[];
  row_count: number;
  execution_time_ms: number;
  [extra: string]: unknown;
}

/**
 * Statements payload (`superset/sql/execution/celery_task.py`, master / 6.x new executor):
 * `{query_id, status, statements: [...], total_execution_time_ms, query}`.
 */
export interface StatementsResultsPayload<D = ResultsDataInput> {
  query_id?: number | null;
  status: string;
  statements: StatementResult<D>[];
  total_execution_time_ms?: number;
  query: Record<string, unknown>;
  [extra: string]: unknown;
}

/** Any payload to encode. */
export type ResultsPayload = ClassicResultsPayload | StatementsResultsPayload;

/** A decoded payload: every `data` is an Arrow Table (or null), unless `dataAs: "raw"` was asked. */
export type DecodedResultsPayload<D = Table | null> = ClassicResultsPayload<D> | StatementsResultsPayload<D>;

/** True when the payload has the statements shape (a `statements` array and no top-level `data`). */
export function isStatementsPayload<D>(
  payload: ClassicResultsPayload<D> | StatementsResultsPayload<D>,
): payload is StatementsResultsPayload<D> {
  return Array.isArray((payload as StatementsResultsPayload<D>).statements) && !("data" in payload);
}
