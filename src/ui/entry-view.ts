/**
 * A decoded cache entry as JSON the page can render as text: DataFrames and long lists become
 * paged references (`$dataframe`, `$array`) whose rows the page fetches a page at a time, bytes
 * become a length and a hex preview, images a reference to `/api/image`, long strings are cut.
 * The walk is the CLI's (ops/display/value-walk.ts): cycle-safe, one node and character budget
 * per response, rows read lazily. Nothing here produces HTML; the page puts every string in
 * `textContent`.
 */
import { Table, Vector } from "apache-arrow";
import { type DecodedEntry, imageContentType } from "../ops/decode-entry.js";
import { type ItemReader, sequentialReader, type ValuePath, ValueWalk } from "../ops/display/value-walk.js";
import { PyObject } from "../python/values.js";
import { readThumbnailValue } from "../superset/thumbnails/thumbnail-value.js";

export type { ValuePath } from "../ops/display/value-walk.js";

/** Limits that keep a huge entry from freezing the server or the page. */
export interface ViewLimits {
  /** Entries larger than this many BYTES are not decoded (raw bytes stay available). */
  maxDecodeBytes: number;
  /** Rows per page of a DataFrame or list. */
  pageRows: number;
  /** Characters of a string shown before it is cut. */
  maxStringChars: number;
  /** Nodes converted per response; beyond them values are cut with `$truncated`. */
  maxNodes: number;
  /** String characters per response in all; beyond them strings end in `…`. */
  maxChars: number;
  /** Applied to a hex preview's bytes first (the inspector overwrites session ids and JWTs). */
  maskBytes?: (preview: Buffer) => Buffer;
}

export const DEFAULT_VIEW_LIMITS: ViewLimits = {
  maxDecodeBytes: 64 * 1024 * 1024,
  pageRows: 25,
  maxStringChars: 20_000,
  maxNodes: 20_000,
  maxChars: 2_000_000,
};

const MAX_DEPTH = 32;
const HEX_PREVIEW_BYTES = 64;
/** One `/api/rows` call returns at most this many pages of rows. */
const MAX_PAGES_PER_CALL = 20;
const TRUNCATED_MARK: Readonly<{ $truncated: true }> = Object.freeze({ $truncated: true });

/** The screenshot bytes of a thumbnail entry in any of Superset's shapes, else undefined. */
export function imageBytesOf(entry: DecodedEntry): Uint8Array | undefined {
  if (entry.kind === "thumbnail-image" && entry.value instanceof Uint8Array) return entry.value;
  if (entry.value instanceof PyObject || (entry.value && typeof entry.value === "object")) {
    try {
      const image = readThumbnailValue(entry.value as never).image;
      return image && imageContentType(image) ? image : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The page's shapes over the shared walk: paged tables and lists, image references, `$text`. */
class ViewWalk extends ValueWalk {
  constructor(
    readonly view: Readonly<ViewLimits>,
    path: ValuePath = [],
  ) {
    super({ maxNodes: view.maxNodes, maxChars: view.maxChars, maxDepth: MAX_DEPTH }, path);
  }

  protected cut(): unknown {
    return TRUNCATED_MARK;
  }

  protected override text(s: string): unknown {
    if (s.length <= this.view.maxStringChars) return this.str(s);
    return { $text: { length: s.length, head: this.str(s.slice(0, this.view.maxStringChars)) } };
  }

  protected bytes(b: Uint8Array): unknown {
    const type = imageContentType(b);
    if (type) return { $image: { path: this.path, type, bytes: b.length } };
    const preview = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, HEX_PREVIEW_BYTES));
    const hex = (this.view.maskBytes ? this.view.maskBytes(Buffer.from(preview)) : preview).toString("hex");
    return { $bytes: { length: b.length, hex: this.str(hex) } };
  }

  protected table(t: Table): unknown {
    const columns = this.columns(t);
    return {
      $dataframe: { path: this.path, numRows: t.numRows, columns, rows: this.rows(t, 0, this.view.pageRows) },
    };
  }

  protected override sequence(length: number, at: ItemReader, depth: number): unknown {
    if (length <= this.view.pageRows) return this.items(length, at, 0, length, depth);
    return {
      $array: { path: this.path, length, items: this.items(length, at, 0, this.view.pageRows, depth) },
    };
  }
}

/** The JSON view of a decoded value. */
export function viewOf(value: unknown, limits: ViewLimits = DEFAULT_VIEW_LIMITS): unknown {
  return new ViewWalk(limits).value(value, 0);
}

/** The node at `path`, or undefined when the path leads nowhere. */
export function nodeAt(value: unknown, path: ValuePath): unknown {
  let node = value;
  for (const step of path) {
    if (node instanceof Map) node = node.get(step) ?? node.get(String(step));
    else if (node instanceof Set) node = nth(node, Number(step));
    else if (node instanceof Vector) node = Number.isInteger(step) ? node.get(step as number) : undefined;
    else if (node && typeof node === "object" && !(node instanceof Table))
      node = Object.hasOwn(node, step) ? (node as Record<string | number, unknown>)[step] : undefined;
    else return undefined;
  }
  return node;
}

/** Item `i` of a set, in iteration order, without copying the set. */
function nth(set: Set<unknown>, i: number): unknown {
  return Number.isInteger(i) && i >= 0 && i < set.size ? sequentialReader(set)(i) : undefined;
}

/** List-likes the walk pages: arrays (and tuples), sets, Arrow vectors. */
function listOf(node: unknown): { length: number; at: ItemReader } | undefined {
  if (Array.isArray(node)) return { length: node.length, at: (i) => node[i] };
  if (node instanceof Vector) return { length: node.length, at: (i) => node.get(i) };
  if (node instanceof Set) return { length: node.size, at: sequentialReader(node) };
  return undefined;
}

/** One page of rows of the DataFrame or list at `path`. */
export function rowsAt(
  value: unknown,
  path: ValuePath,
  offset: number,
  limit: number,
  limits: ViewLimits = DEFAULT_VIEW_LIMITS,
): { total: number; offset: number; rows: unknown[] } | undefined {
  const node = nodeAt(value, path);
  const walk = new ViewWalk(limits, path);
  const n = Math.max(1, Math.min(limit, limits.pageRows * MAX_PAGES_PER_CALL));
  if (node instanceof Table)
    return { total: node.numRows, offset, rows: walk.rows(node, offset, offset + n) };
  const list = listOf(node);
  if (!list) return undefined;
  return { total: list.length, offset, rows: walk.items(list.length, list.at, offset, offset + n, 0) };
}
