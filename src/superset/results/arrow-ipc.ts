/**
 * The `data` field of msgpack-mode SQL Lab payloads: an Arrow IPC *stream* (schema message,
 * record batches, end-of-stream marker), as pyarrow's `pa.ipc.new_stream` writes it.
 * Reading first walks the message framing, so a stream cut anywhere (even between messages,
 * where apache-arrow would silently return fewer rows) is a typed error.
 */
import { type Table, tableFromIPC, tableToIPC } from "apache-arrow";
import { checkTableData } from "./arrow-data-check.js";
import { verifyMessageMetadata } from "./arrow-ipc-verify.js";
import { ResultsDecodeError, ResultsEncodeError } from "./errors.js";

const CONTINUATION = 0xffffffff;
/** Field index of `bodyLength` in the flatbuffers `Message` table (version, header_type, header, bodyLength). */
const MESSAGE_BODY_LENGTH_FIELD = 3;

/** Serialize a Table as an Arrow IPC stream (with the end-of-stream marker). */
export function tableToIpcStream(table: Table): Uint8Array {
  try {
    return tableToIPC(table, "stream");
  } catch (err) {
    throw new ResultsEncodeError(`Arrow cannot write this table: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Read an Arrow IPC stream into a Table.
 * @throws ResultsDecodeError `RESULTS_ARROW_INVALID` for a cut, malformed or non-IPC buffer
 */
export function ipcStreamToTable(bytes: Uint8Array): Table {
  checkStreamFraming(bytes);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (err) {
    throw arrowError(`Arrow IPC stream cannot be read: ${(err as Error).message}`, err);
  }
  checkTableData(table);
  return table;
}

function arrowError(message: string, cause?: unknown): ResultsDecodeError {
  return new ResultsDecodeError("RESULTS_ARROW_INVALID", message, { cause });
}

/** Walk every message (metadata + body) up to the end-of-stream marker, checking bounds. */
function checkStreamFraming(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.byteLength;
  let pos = 0;
  let messages = 0;
  for (;;) {
    if (pos + 4 > n) throw arrowError(`stream ends at byte ${pos} without the end-of-stream marker`);
    let metaLength = view.getUint32(pos, true);
    pos += 4;
    if (metaLength === CONTINUATION) {
      if (pos + 4 > n) throw arrowError(`stream ends inside a message prefix at byte ${pos}`);
      metaLength = view.getUint32(pos, true);
      pos += 4;
    }
    if (metaLength === 0) {
      if (messages === 0) throw arrowError("stream has no schema message");
      if (pos !== n) throw arrowError(`${n - pos} bytes follow the end-of-stream marker`);
      return;
    }
    if (metaLength > n - pos)
      throw arrowError(`message ${messages} metadata runs past the end (cut stream?)`);
    const bodyLength = readBodyLength(view, pos, metaLength);
    if (bodyLength > n - pos - metaLength)
      throw arrowError(`message ${messages} body runs past the end (cut stream?)`);
    verifyMessageMetadata(view, pos, metaLength, bodyLength);
    pos += metaLength;
    pos += bodyLength;
    messages++;
  }
}

/** `Message.bodyLength` from the flatbuffer at [start, start+length), bounds-checked. */
function readBodyLength(view: DataView, start: number, length: number): number {
  const end = start + length;
  const inside = (at: number, size: number) => at >= start && at + size <= end;
  if (!inside(start, 4)) throw arrowError("message metadata too short");
  const table = start + view.getUint32(start, true);
  if (!inside(table, 4)) throw arrowError("message metadata root out of bounds");
  const vtable = table - view.getInt32(table, true);
  if (!inside(vtable, 4)) throw arrowError("message metadata vtable out of bounds");
  const vtableSize = view.getUint16(vtable, true);
  const slot = 4 + 2 * MESSAGE_BODY_LENGTH_FIELD;
  if (slot + 2 > vtableSize || !inside(vtable + slot, 2)) return 0;
  const fieldOffset = view.getUint16(vtable + slot, true);
  if (fieldOffset === 0) return 0;
  if (!inside(table + fieldOffset, 8)) throw arrowError("message bodyLength out of bounds");
  const body = view.getBigInt64(table + fieldOffset, true);
  if (body < 0n || body > BigInt(Number.MAX_SAFE_INTEGER)) throw arrowError("message bodyLength invalid");
  return Number(body);
}
