/**
 * `encodeResultsPayload` / `decodeResultsPayload`: the bytes SQL Lab stores in the results
 * backend (before the backend's own serializer), as pure functions.
 *
 * Write (`sql_lab._serialize_payload` + `zlib_compress`): msgpack mode →
 * `zlib(msgpack.dumps(payload, default=json_iso_dttm_ser, use_bin_type=True))` with `data` an
 * Arrow IPC stream; JSON mode → `zlib(simplejson.dumps(payload, default=json_iso_dttm_ser,
 * ignore_nan=True).encode("utf-8"))` with `data` as rows of records.
 * The stored bytes do not say which mode wrote them: reader and writer must agree
 * (`RESULTS_BACKEND_USE_MSGPACK`).
 */
import { Table, Type } from "apache-arrow";
import { DecodeBudget, type DecodeBudgetLimits, typedEngineLimits } from "../../codecs/decode-budget.js";
import { dumps as pyjsonDumps } from "../../codecs/json/index.js";
import { stdlibJsonLoads } from "../../codecs/json/stdlib-decode.js";
import { ipcStreamToTable, tableToIpcStream } from "./arrow-ipc.js";
import { recordsToTable, tableToRecords } from "./arrow-records.js";
import { ResultsDecodeError, ResultsEncodeError } from "./errors.js";
import { scanJson, scanMsgpack } from "./payload-scan.js";
import { isoDttmDefault, toMsgpackNative } from "./python-default.js";
import { packPython, unpackPython } from "./python-msgpack.js";
import type {
  ClassicResultsPayload,
  DecodedResultsPayload,
  ResultRecord,
  ResultsColumn,
  ResultsPayload,
  StatementsResultsPayload,
} from "./types.js";
import { isStatementsPayload } from "./types.js";
import { DEFAULT_MAX_INFLATED_BYTES, zlibCompress, zlibDecompress } from "./zlib-codec.js";

/** Options of {@link encodeResultsPayload}. */
export interface EncodeResultsOptions {
  /** `RESULTS_BACKEND_USE_MSGPACK`: msgpack + Arrow IPC (true) or simplejson text (false). Default `true`. */
  useMsgpack?: boolean;
}

/** Options of {@link decodeResultsPayload}. */
export interface DecodeResultsOptions {
  /** `RESULTS_BACKEND_USE_MSGPACK` of the writer. Default `true`. */
  useMsgpack?: boolean;
  /**
   * `"table"` (default): every `data` becomes an Arrow Table (JSON rows with inferred types).
   * `"raw"`: leave `data` as stored (IPC stream bytes in msgpack mode, records in JSON mode).
   */
  dataAs?: "table" | "raw";
  /** Cap on the inflated payload size, bytes. Default 1 GiB. */
  maxInflatedBytes?: number;
  /**
   * The decode's budget (see docs/hostile-input.md): elements, bytes and nodes that msgpack,
   * JSON and record→Arrow conversion may build, scaled by default with the stored (compressed)
   * size: 16 elements and 64 bytes per stored byte, at least 4,194,304 elements and 64 MiB.
   */
  limits?: Partial<DecodeBudgetLimits>;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Serialize and zlib-compress a results payload exactly as SQL Lab writes it.
 * @throws ResultsEncodeError `RESULTS_ENCODE_UNSUPPORTED` for values Python could not serialize
 *   either, or IPC bytes given as `data` in JSON mode
 */
export function encodeResultsPayload(
  payload: ResultsPayload,
  options: EncodeResultsOptions = {},
): Uint8Array {
  const useMsgpack = options.useMsgpack ?? true;
  const prepared = mapPayloadData(payload, (data, columns) =>
    useMsgpack ? dataForMsgpack(data, columns) : dataForJson(data),
  );
  if (useMsgpack) return zlibCompress(packPython(toMsgpackNative(prepared)));
  const text = pyjsonDumps(prepared, { ignoreNan: true, default: isoDttmDefault });
  return zlibCompress(utf8Encoder.encode(text));
}

/**
 * Inflate and parse a stored results payload; `data` comes back as an Arrow Table (or null).
 * @throws ResultsDecodeError with code `RESULTS_ZLIB_INVALID`, `RESULTS_TOO_LARGE`,
 *   `RESULTS_MSGPACK_INVALID`, `RESULTS_JSON_INVALID`, `RESULTS_ARROW_INVALID` or `RESULTS_PAYLOAD_INVALID`;
 *   DecodeLimitError (`DECODE_*_LIMIT`, with the stage) when `limits` run out
 */
export function decodeResultsPayload(
  bytes: Uint8Array,
  options: DecodeResultsOptions & { dataAs: "raw" },
): DecodedResultsPayload<unknown>;
export function decodeResultsPayload(
  bytes: Uint8Array,
  options?: DecodeResultsOptions,
): DecodedResultsPayload;
export function decodeResultsPayload(
  bytes: Uint8Array,
  options: DecodeResultsOptions = {},
): DecodedResultsPayload<unknown> {
  const useMsgpack = options.useMsgpack ?? true;
  const budget = new DecodeBudget(bytes.length, options.limits);
  return typedEngineLimits("results", () => {
    const inflated = zlibDecompress(bytes, options.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES);
    const payload = withModeHint(inflated, useMsgpack, () =>
      checkShape(useMsgpack ? parseMsgpack(inflated, budget) : parseJson(inflated, budget)),
    );
    if (options.dataAs === "raw") return payload;
    return mapPayloadData(payload, (data, columns) =>
      dataToTable(data, columns, budget),
    ) as DecodedResultsPayload;
  });
}

type DataMapper = (data: unknown, columns: ResultsColumn[]) => unknown;

/** A shallow copy of the payload (key order kept) with every `data` field mapped. */
function mapPayloadData<P extends DecodedResultsPayload<unknown> | ResultsPayload>(
  payload: P,
  fn: DataMapper,
): P {
  if (isStatementsPayload(payload as ClassicResultsPayload<unknown> | StatementsResultsPayload<unknown>)) {
    const s = payload as StatementsResultsPayload<unknown>;
    const statements = s.statements.map((st) => ({ ...st, data: fn(st.data, st.columns ?? []) }));
    return { ...s, statements } as P;
  }
  const c = payload as ClassicResultsPayload<unknown>;
  if (!("data" in c)) return payload;
  return { ...c, data: fn(c.data, c.selected_columns ?? c.columns ?? []) } as P;
}

function dataForMsgpack(data: unknown, columns: ResultsColumn[]): Uint8Array | null {
  if (data === null || data === undefined) return null;
  if (data instanceof Uint8Array) return data;
  if (data instanceof Table) return tableToIpcStream(data);
  if (Array.isArray(data)) return tableToIpcStream(recordsToTable(data as ResultRecord[], columns));
  throw new ResultsEncodeError("`data` must be an Arrow Table, rows of records, IPC bytes or null");
}

function dataForJson(data: unknown): ResultRecord[] | null {
  if (data === null || data === undefined) return null;
  if (data instanceof Table) return tableToRecords(data);
  if (Array.isArray(data)) return data as ResultRecord[];
  if (data instanceof Uint8Array)
    throw new ResultsEncodeError("Arrow IPC bytes cannot be `data` of a JSON-mode payload");
  throw new ResultsEncodeError("`data` must be an Arrow Table, rows of records or null");
}

function dataToTable(data: unknown, columns: unknown, budget: DecodeBudget): Table | null {
  if (data === null || data === undefined) return null;
  if (data instanceof Uint8Array) return chargeBufferlessRows(ipcStreamToTable(data), budget);
  if (Array.isArray(data)) return recordsToTable(checkRecords(data), checkColumns(columns), budget);
  throw new ResultsDecodeError(
    "RESULTS_PAYLOAD_INVALID",
    `\`data\` holds a ${typeof data}, not IPC bytes or records`,
  );
}

/**
 * Rows of a record batch whose columns are all of type Null (or that has none) cost no bytes in
 * the IPC body, so a 2^40-row claim passes the data check: charge them as elements.
 */
function chargeBufferlessRows(table: Table, budget: DecodeBudget): Table {
  for (const batch of table.batches) {
    const children = batch.data.children;
    if (children.every((c) => c.typeId === Type.Null))
      budget.produce(batch.numRows * Math.max(1, children.length), "arrow");
  }
  return table;
}

const isRecord = (v: unknown): boolean =>
  typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

function checkRecords(rows: unknown[]): ResultRecord[] {
  for (const row of rows)
    if (!isRecord(row))
      throw new ResultsDecodeError("RESULTS_PAYLOAD_INVALID", "a row of `data` is not a map");
  return rows as ResultRecord[];
}

function checkColumns(columns: unknown): ResultsColumn[] {
  if (columns === null || columns === undefined) return [];
  if (!Array.isArray(columns) || !columns.every(isRecord))
    throw new ResultsDecodeError("RESULTS_PAYLOAD_INVALID", "`columns` is not a list of maps");
  return columns as ResultsColumn[];
}

function parseMsgpack(bytes: Uint8Array, budget: DecodeBudget): unknown {
  scanMsgpack(bytes, budget);
  let value: unknown;
  try {
    value = unpackPython(bytes);
  } catch (err) {
    throw new ResultsDecodeError(
      "RESULTS_MSGPACK_INVALID",
      `payload is not valid msgpack: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  checkPlainMsgpack(value, 0);
  return value;
}

/** Deepest nesting accepted when reading (msgpack-python's default limit is also finite). */
const MAX_READ_DEPTH = 512;

/**
 * Only what Python's `msgpack.dumps` of a payload produces may come back: msgpackr turns the 0xc1
 * byte and ext types into objects of its own (Set, Date, Error, …); those mean corrupt input.
 */
function checkPlainMsgpack(value: unknown, depth: number): void {
  if (depth > MAX_READ_DEPTH)
    throw new ResultsDecodeError("RESULTS_MSGPACK_INVALID", "msgpack nested too deeply");
  if (value === undefined)
    throw new ResultsDecodeError("RESULTS_MSGPACK_INVALID", "msgpack ext type 0 in payload");
  if (value === null || typeof value !== "object" || value instanceof Uint8Array) return;
  if (Array.isArray(value)) {
    for (const item of value) checkPlainMsgpack(item, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    throw new ResultsDecodeError("RESULTS_MSGPACK_INVALID", "msgpack ext type or reserved byte in payload");
  }
  for (const key of Object.keys(value)) checkPlainMsgpack((value as Record<string, unknown>)[key], depth + 1);
}

function parseJson(bytes: Uint8Array, budget: DecodeBudget): unknown {
  scanJson(bytes, budget);
  try {
    const text = utf8Decoder.decode(bytes);
    // simplejson writes ints of any size as numbers; JSON.parse would round those beyond 2^53.
    return BIG_INT_NUMBER.test(text) ? stdlibJsonLoads(bytes, { allowNan: false }) : JSON.parse(text);
  } catch (err) {
    throw new ResultsDecodeError(
      "RESULTS_JSON_INVALID",
      `payload is not valid UTF-8 JSON: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}

/** A JSON number of 16+ digits (not inside a string): may exceed 2^53. */
const BIG_INT_NUMBER = /[:,[]\s*-?\d{16}/;
const MSGPACK_MAP_16 = 0xde;
const MSGPACK_MAP_32 = 0xdf;

/** Msgpack payloads are maps: a fixmap, map16 or map32 header. */
function looksLikeMsgpack(bytes: Uint8Array): boolean {
  const b = bytes[0] ?? 0;
  return (b >= 0x80 && b <= 0x8f) || b === MSGPACK_MAP_16 || b === MSGPACK_MAP_32;
}

/** JSON payloads are objects: `{` … `}` around optional whitespace. */
function looksLikeJson(bytes: Uint8Array): boolean {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1").trim();
  return text.startsWith("{") && text.endsWith("}");
}

/**
 * Runs the parse; a decode failure on bytes that look like the other mode's says which setting
 * wrote them (the stored bytes carry no marker, so a mismatched RESULTS_BACKEND_USE_MSGPACK
 * otherwise reads as corrupt data).
 */
function withModeHint<T>(inflated: Uint8Array, useMsgpack: boolean, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ResultsDecodeError)) throw err;
    const other = useMsgpack ? looksLikeJson(inflated) : looksLikeMsgpack(inflated);
    if (!other) throw err;
    const hint = useMsgpack
      ? "the payload looks like JSON text: it was written with RESULTS_BACKEND_USE_MSGPACK = False, read it with useMsgpack: false"
      : "the payload looks like msgpack: it was written with RESULTS_BACKEND_USE_MSGPACK = True, read it with useMsgpack: true";
    throw new ResultsDecodeError(err.code, `${err.message}; ${hint}`, { cause: err.cause ?? err });
  }
}

function checkShape(value: unknown): DecodedResultsPayload<unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new ResultsDecodeError("RESULTS_PAYLOAD_INVALID", "payload is not a map");
  }
  const record = value as Record<string, unknown>;
  if (Array.isArray(record.statements)) {
    for (const st of record.statements) {
      if (typeof st !== "object" || st === null || !("data" in st)) {
        throw new ResultsDecodeError("RESULTS_PAYLOAD_INVALID", "a statement entry has no `data`");
      }
    }
    return record as unknown as StatementsResultsPayload<unknown>;
  }
  if (!("data" in record)) {
    throw new ResultsDecodeError("RESULTS_PAYLOAD_INVALID", "payload has neither `data` nor `statements`");
  }
  return record as unknown as ClassicResultsPayload<unknown>;
}
