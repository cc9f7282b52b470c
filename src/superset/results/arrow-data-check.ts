/**
 * Consistency check of a decoded Table's buffers: every column's buffers must hold the rows its
 * length claims (apache-arrow does not check, so a corrupt row count or offset would read past a
 * buffer or make `toArray()` allocate without bound). Types SQL Lab never writes are refused.
 */
import { type Data, type DataType, type Table, Type } from "apache-arrow";
import { ResultsDecodeError } from "./errors.js";

const MAX_NESTING = 64;
const BITS_PER_BYTE = 8;

function invalid(message: string): ResultsDecodeError {
  return new ResultsDecodeError("RESULTS_ARROW_INVALID", `Arrow data: ${message}`);
}

/** @throws ResultsDecodeError `RESULTS_ARROW_INVALID` when a buffer is too short for its column */
export function checkTableData(table: Table): void {
  for (const batch of table.batches) {
    for (const child of batch.data.children) {
      if (child.length < batch.numRows) throw invalid("a column is shorter than its record batch");
      checkData(child, 0);
    }
  }
}

function checkData(data: Data, depth: number): void {
  if (depth > MAX_NESTING) throw invalid("nested too deeply");
  const { offset, length } = data;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw invalid("bad offset or length");
  }
  const end = offset + length;
  const bitmap = data.nullBitmap as Uint8Array | undefined;
  if (bitmap && bitmap.length > 0 && bitmap.length * BITS_PER_BYTE < end)
    throw invalid("validity bitmap too short");
  const type = data.type as DataType;
  switch (type.typeId) {
    case Type.Null:
      return;
    case Type.Bool:
      if (bytesOf(data.values) * BITS_PER_BYTE < end) throw invalid("bool values too short");
      return;
    case Type.Int:
    case Type.Float:
    case Type.Decimal:
    case Type.Date:
    case Type.Time:
    case Type.Timestamp:
    case Type.Interval:
    case Type.Duration:
    case Type.FixedSizeBinary:
      checkFixedWidth(data, end);
      return;
    case Type.Utf8:
    case Type.Binary:
    case Type.LargeUtf8:
    case Type.LargeBinary:
      checkOffsets(data, end, bytesOf(data.values));
      return;
    case Type.List:
    case Type.Map: {
      const child = data.children[0];
      if (!child) throw invalid("list without child");
      checkOffsets(data, end, child.length);
      checkData(child, depth + 1);
      return;
    }
    case Type.FixedSizeList: {
      const child = data.children[0];
      const size = (type as unknown as { listSize: number }).listSize;
      if (!child || child.length < end * size) throw invalid("fixed-size list child too short");
      checkData(child, depth + 1);
      return;
    }
    case Type.Struct:
      for (const child of data.children) {
        if (child.length < end) throw invalid("struct child too short");
        checkData(child, depth + 1);
      }
      return;
    case Type.Dictionary: {
      checkFixedWidth(data, end);
      const dictionary = data.dictionary;
      if (!dictionary) throw invalid("dictionary column without dictionary");
      for (const d of dictionary.data) checkData(d, depth + 1);
      return;
    }
    default:
      throw invalid(`column type ${type} is not used by SQL Lab results`);
  }
}

function bytesOf(buffer: unknown): number {
  return buffer instanceof Uint8Array || ArrayBuffer.isView(buffer)
    ? (buffer as ArrayBufferView).byteLength
    : 0;
}

function checkFixedWidth(data: Data, end: number): void {
  const values = data.values as unknown as ArrayBufferView & { BYTES_PER_ELEMENT: number };
  // `stride` is the number of `values` elements per row (e.g. 4 Uint32 words for a Decimal128).
  const bytesPerRow = data.stride * (values?.BYTES_PER_ELEMENT ?? 1);
  if (!(bytesPerRow > 0) || bytesOf(values) < end * bytesPerRow)
    throw invalid(`${data.type} values too short`);
}

function checkOffsets(data: Data, end: number, limit: number): void {
  if (data.length === 0) return; // empty columns may carry no offsets buffer at all
  const offsets = data.valueOffsets as unknown as ArrayLike<number | bigint> | undefined;
  if (!offsets || offsets.length < end + 1) throw invalid("offsets too short");
  let previous = Number(offsets[data.offset]);
  if (previous < 0) throw invalid("negative offset");
  for (let i = data.offset + 1; i <= end; i++) {
    const current = Number(offsets[i]);
    if (current < previous) throw invalid("offsets decrease");
    previous = current;
  }
  if (previous > limit) throw invalid("offsets point past the values");
}
