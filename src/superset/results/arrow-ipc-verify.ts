/**
 * A bounds verifier for the flatbuffers metadata of Arrow IPC messages (Message, Schema, Field,
 * RecordBatch, DictionaryBatch), run before apache-arrow sees the bytes. apache-arrow trusts
 * vector lengths and offsets in this metadata, so one flipped byte can make it loop or allocate
 * without bound; here every table, vector and string must lie inside the metadata buffer, and
 * counts and nesting are capped.
 */
import { ResultsDecodeError } from "./errors.js";

/** Deepest Field nesting accepted (struct/list children). */
const MAX_FIELD_DEPTH = 64;
/** Most tables visited in one message's metadata. */
const MAX_TABLES = 100_000;
/** Message header union: 1 Schema, 2 DictionaryBatch, 3 RecordBatch (Tensor types are not results data). */
const HEADER_SCHEMA = 1;
const HEADER_DICTIONARY_BATCH = 2;
const HEADER_RECORD_BATCH = 3;
/** FieldNode and Buffer structs are 16 bytes (two int64). */
const STRUCT16 = 16;
const INT64_SIZE = 8;
const OFFSET_SIZE = 4;

function invalid(message: string): ResultsDecodeError {
  return new ResultsDecodeError("RESULTS_ARROW_INVALID", `Arrow IPC metadata: ${message}`);
}

class Verifier {
  private tables = 0;
  constructor(
    private readonly view: DataView,
    private readonly start: number,
    private readonly end: number,
  ) {}

  private need(at: number, size: number, what: string): void {
    if (at < this.start || size < 0 || at + size > this.end) throw invalid(`${what} out of bounds`);
  }

  /** Position of the table an offset field at `at` points to. */
  deref(at: number, what: string): number {
    this.need(at, OFFSET_SIZE, what);
    const target = at + this.view.getUint32(at, true);
    this.need(target, 4, what);
    return target;
  }

  /** Checks vtable and table extent; returns an accessor for field positions (0 when absent). */
  table(pos: number, what: string): (field: number, size: number) => number {
    if (++this.tables > MAX_TABLES) throw invalid("too many tables");
    this.need(pos, 4, what);
    const vtable = pos - this.view.getInt32(pos, true);
    this.need(vtable, 4, `${what} vtable`);
    const vtableSize = this.view.getUint16(vtable, true);
    const tableSize = this.view.getUint16(vtable + 2, true);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw invalid(`${what} vtable size`);
    this.need(vtable, vtableSize, `${what} vtable`);
    this.need(pos, tableSize, what);
    return (field, size) => {
      const slot = 4 + 2 * field;
      if (slot + 2 > vtableSize) return 0;
      const offset = this.view.getUint16(vtable + slot, true);
      if (offset === 0) return 0;
      if (offset + size > tableSize) throw invalid(`${what} field ${field} outside its table`);
      return pos + offset;
    };
  }

  /** A vector's element count after checking `count * elementSize` bytes fit. Returns [first, count]. */
  vector(fieldAt: number, elementSize: number, what: string): [number, number] {
    const pos = this.deref(fieldAt, what);
    const count = this.view.getUint32(pos, true);
    if (count > (this.end - pos - 4) / elementSize) throw invalid(`${what} length ${count} too large`);
    return [pos + 4, count];
  }

  string(fieldAt: number, what: string): void {
    const [first, count] = this.vector(fieldAt, 1, what);
    this.need(first, count + 1, `${what} terminator`);
  }

  /** A vector of tables: each element is an offset to a table verified by `each`. */
  tableVector(fieldAt: number, what: string, each: (pos: number) => void): void {
    const [first, count] = this.vector(fieldAt, OFFSET_SIZE, what);
    for (let i = 0; i < count; i++) each(this.deref(first + i * OFFSET_SIZE, what));
  }

  keyValue = (pos: number): void => {
    const f = this.table(pos, "KeyValue");
    const key = f(0, OFFSET_SIZE);
    const value = f(1, OFFSET_SIZE);
    if (key) this.string(key, "KeyValue.key");
    if (value) this.string(value, "KeyValue.value");
  };

  field(pos: number, depth: number): void {
    if (depth > MAX_FIELD_DEPTH) throw invalid("fields nested too deeply");
    const f = this.table(pos, "Field");
    const name = f(0, OFFSET_SIZE);
    if (name) this.string(name, "Field.name");
    const type = f(3, OFFSET_SIZE);
    if (type) this.table(this.deref(type, "Field.type"), "Field.type");
    const dictionary = f(4, OFFSET_SIZE);
    if (dictionary) {
      const d = this.table(this.deref(dictionary, "Field.dictionary"), "DictionaryEncoding");
      const indexType = d(1, OFFSET_SIZE);
      if (indexType) this.table(this.deref(indexType, "DictionaryEncoding.indexType"), "Int");
    }
    const children = f(5, OFFSET_SIZE);
    if (children) this.tableVector(children, "Field.children", (p) => this.field(p, depth + 1));
    const meta = f(6, OFFSET_SIZE);
    if (meta) this.tableVector(meta, "Field.custom_metadata", this.keyValue);
  }

  schema(pos: number): void {
    const f = this.table(pos, "Schema");
    const fields = f(1, OFFSET_SIZE);
    if (fields) this.tableVector(fields, "Schema.fields", (p) => this.field(p, 0));
    const meta = f(2, OFFSET_SIZE);
    if (meta) this.tableVector(meta, "Schema.custom_metadata", this.keyValue);
    const features = f(3, OFFSET_SIZE);
    if (features) this.vector(features, INT64_SIZE, "Schema.features");
  }

  /** Returns the buffer extents so the caller can check them against the body. */
  recordBatch(pos: number): { offset: bigint; length: bigint }[] {
    const f = this.table(pos, "RecordBatch");
    const nodes = f(1, OFFSET_SIZE);
    if (nodes) this.vector(nodes, STRUCT16, "RecordBatch.nodes");
    const buffers: { offset: bigint; length: bigint }[] = [];
    const bufferField = f(2, OFFSET_SIZE);
    if (bufferField) {
      const [first, count] = this.vector(bufferField, STRUCT16, "RecordBatch.buffers");
      for (let i = 0; i < count; i++) {
        const at = first + i * STRUCT16;
        buffers.push({
          offset: this.view.getBigInt64(at, true),
          length: this.view.getBigInt64(at + INT64_SIZE, true),
        });
      }
    }
    const compression = f(3, OFFSET_SIZE);
    if (compression) this.table(this.deref(compression, "RecordBatch.compression"), "BodyCompression");
    const variadic = f(4, OFFSET_SIZE);
    if (variadic) this.vector(variadic, INT64_SIZE, "RecordBatch.variadicBufferCounts");
    return buffers;
  }
}

/**
 * Verify one message's metadata at [start, start+length) of `view`, and that every buffer of a
 * record/dictionary batch lies inside its body of `bodyLength` bytes.
 * @throws ResultsDecodeError `RESULTS_ARROW_INVALID`
 */
export function verifyMessageMetadata(
  view: DataView,
  start: number,
  length: number,
  bodyLength: number,
): void {
  const v = new Verifier(view, start, start + length);
  if (length < 4) throw invalid("message metadata too short");
  const root = start + view.getUint32(start, true);
  const f = v.table(root, "Message");
  const typeAt = f(1, 1);
  const headerType = typeAt ? view.getUint8(typeAt) : 0;
  const headerAt = f(2, OFFSET_SIZE);
  const meta = f(4, OFFSET_SIZE);
  if (meta) v.tableVector(meta, "Message.custom_metadata", v.keyValue);
  if (!headerAt) throw invalid("message has no header");
  const header = v.deref(headerAt, "Message.header");
  let buffers: { offset: bigint; length: bigint }[] = [];
  if (headerType === HEADER_SCHEMA) v.schema(header);
  else if (headerType === HEADER_RECORD_BATCH) buffers = v.recordBatch(header);
  else if (headerType === HEADER_DICTIONARY_BATCH) {
    const d = v.table(header, "DictionaryBatch");
    const data = d(1, OFFSET_SIZE);
    if (data) buffers = v.recordBatch(v.deref(data, "DictionaryBatch.data"));
  } else throw invalid(`unsupported message type ${headerType}`);
  const body = BigInt(bodyLength);
  for (const b of buffers) {
    if (b.offset < 0n || b.length < 0n || b.offset + b.length > body)
      throw invalid("buffer outside the message body");
  }
}
