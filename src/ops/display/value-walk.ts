/**
 * The one walk that turns a decoded cache value into JSON-safe display data, for the CLI
 * (`inspect`, `get`) and the web inspector alike. A cached value is untrusted (anyone who can
 * write to the Redis can write it): lists may contain themselves, and a few hundred bytes of
 * pickle can share one list between two slots on every level, which a naive walk expands to
 * 2^depth nodes. So the walk marks cycles (`{"$cycle": true}`), counts every value it produces
 * against one budget (nodes, string characters, depth), reads lists, sets and DataFrame rows
 * lazily (only what it shows), and leaves the shapes of tables, bytes, long lists and cut-off
 * places to the caller's subclass.
 */
import { Table, Vector } from "apache-arrow";
import {
  PyDate,
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyFloat,
  PySentinel,
  PyStr,
  PyTime,
  PyUUID,
} from "../../python/values.js";
import { timestampIsoformat } from "../../superset/pandas-timestamps.js";
import { cellReader } from "../../superset/results/arrow-records.js";

/** Written at the end of a string cut by the character budget, and as a cut dict's key. */
export const TRUNCATED = "…";
/** Written where a value contains itself. */
export const CYCLE_MARKER: Readonly<{ $cycle: true }> = Object.freeze({ $cycle: true });

/** The budget of one walk. */
export interface WalkLimits {
  /** Values produced in all (each scalar, list, dict, cell); beyond it the walk stops. */
  maxNodes: number;
  /** String characters produced in all (keys and hex previews included). */
  maxChars: number;
  /** Nesting depth; deeper values are cut (Python's repr stops at its recursion limit too). */
  maxDepth: number;
}

/** Where a node sits inside the walked value: object keys and list indexes. */
export type ValuePath = (string | number)[];

/** Reads item `i` of a list-like value; the walk asks for increasing indexes only. */
export type ItemReader = (i: number) => unknown;

/** A DataFrame's columns as displayed. */
export interface DisplayColumn {
  name: string;
  type: string;
}

/**
 * A bounded, cycle-safe walk. Subclasses say how a table, bytes, a list and a cut-off place
 * look; the walk itself keeps the budget, the cycle check and the path of the node it is at.
 */
export abstract class ValueWalk {
  #nodes = 0;
  #chars = 0;
  readonly #ancestors = new Set<object>();
  readonly #path: ValuePath;

  /** `path`: where the walked value itself sits (for paged references the subclass writes). */
  constructor(
    readonly limits: Readonly<WalkLimits>,
    path: ValuePath = [],
  ) {
    this.#path = [...path];
  }

  /** What a table (Arrow `Table`, a decoded DataFrame) becomes. */
  protected abstract table(t: Table, depth: number): unknown;
  /** What bytes become. */
  protected abstract bytes(b: Uint8Array): unknown;
  /** Written where the budget or the depth ends a value. */
  protected abstract cut(): unknown;

  /** What a list-like value of `length` items becomes; by default all its items, within the budget. */
  protected sequence(length: number, at: ItemReader, depth: number): unknown {
    return this.items(length, at, 0, length, depth);
  }

  /** What a string becomes; by default itself, within the character budget. */
  protected text(s: string): unknown {
    return this.str(s);
  }

  /** True once the node or character budget is spent. */
  get exhausted(): boolean {
    return this.#nodes >= this.limits.maxNodes || this.#chars >= this.limits.maxChars;
  }

  /** A copy of the path of the node being walked. */
  get path(): ValuePath {
    return [...this.#path];
  }

  /** Counts `n` produced values against the node budget. */
  protected count(n = 1): void {
    this.#nodes += n;
  }

  /** `s`, or as much of it as the character budget allows followed by `…`. */
  str(s: string): string {
    const room = this.limits.maxChars - this.#chars;
    if (s.length <= room) {
      this.#chars += s.length;
      return s;
    }
    this.#chars = this.limits.maxChars;
    return `${s.slice(0, Math.max(0, room))}${TRUNCATED}`;
  }

  /** The display form of `v`, `depth` levels down. Never throws for a decoded value. */
  value(v: unknown, depth: number): unknown {
    this.#nodes++;
    switch (typeof v) {
      case "undefined":
        return null;
      case "bigint":
        // Python ints beyond 2^53 stay exact as strings.
        return Number.isSafeInteger(Number(v)) ? Number(v) : this.str(v.toString());
      case "number":
        return Number.isFinite(v) ? v : String(v);
      case "string":
        return this.text(v);
      case "boolean":
        return v;
      case "object":
        if (v === null) return null;
        if (depth >= this.limits.maxDepth) return this.cut();
        if (this.#ancestors.has(v)) return CYCLE_MARKER;
        this.#ancestors.add(v);
        try {
          return this.object(v, depth);
        } finally {
          this.#ancestors.delete(v);
        }
      default:
        return this.str(String(v));
    }
  }

  /** Items `start` to `end` (exclusive) of a list-like value, the cut marker where the budget ends. */
  items(length: number, at: ItemReader, start: number, end: number, depth: number): unknown[] {
    const out: unknown[] = [];
    for (let i = start; i < Math.min(length, end); i++) {
      if (this.exhausted) {
        out.push(this.cut());
        break;
      }
      this.#path.push(i);
      try {
        out.push(this.value(at(i), depth + 1));
      } finally {
        this.#path.pop();
      }
    }
    return out;
  }

  /** The table's columns (name and Arrow type), counted against the budget. */
  columns(t: Table): DisplayColumn[] {
    const columns = t.schema.fields.map((f) => ({ name: this.str(f.name), type: String(f.type) }));
    this.#nodes += columns.length;
    return columns;
  }

  /** Rows `start` to `end` (exclusive), and only those: a 1M-row frame showing 20 rows reads 20. */
  rows(t: Table, start: number, end: number): unknown[][] {
    const readers = t.schema.fields.map((_, i) => {
      const child = t.getChildAt(i);
      return child ? cellReader(child) : () => null;
    });
    const rows: unknown[][] = [];
    for (let r = start; r < Math.min(t.numRows, end) && !this.exhausted; r++)
      rows.push(readers.map((read) => this.cell(read(r))));
    return rows;
  }

  /** Dispatch on what kind of object `v` is. */
  protected object(v: object, depth: number): unknown {
    if (v instanceof Table) return this.table(v, depth);
    if (v instanceof Uint8Array) return this.bytes(v);
    if (Array.isArray(v)) return this.sequence(v.length, (i) => v[i], depth);
    if (v instanceof Vector) return this.sequence(v.length, (i) => v.get(i), depth);
    if (v instanceof Set) return this.sequence(v.size, sequentialReader(v), depth);
    if (v instanceof Map) return this.map(v, depth);
    const scalar = this.scalar(v);
    if (scalar !== undefined) return scalar;
    const proto = Object.getPrototypeOf(v);
    const out: Record<string, unknown> = Object.create(null);
    // Other Python value classes (PyObject placeholders, enums, …): class name, then fields.
    if (proto !== null && proto !== Object.prototype) out.$py = proto.constructor?.name ?? "object";
    for (const k in v) {
      if (!Object.hasOwn(v, k)) continue;
      if (this.exhausted) {
        out[TRUNCATED] = this.cut();
        break;
      }
      out[this.str(k)] = this.child(k, (v as Record<string, unknown>)[k], depth);
    }
    return out;
  }

  /** Python scalars with a text form: dates and times as ISO. undefined for anything else. */
  protected scalar(v: object): unknown {
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
    if (v instanceof PyDatetime) return { $py: "datetime", value: v.isoformat() };
    if (v instanceof PyDate) return { $py: "date", value: v.isoformat() };
    if (v instanceof PyTime) return { $py: "time", value: v.isoformat() };
    if (v instanceof PyDatetime64) return { $py: v.kind, value: this.str(datetime64Text(v)) };
    if (v instanceof PyDecimal) return { $py: "Decimal", value: this.str(v.text) };
    if (v instanceof PyUUID) return { $py: "UUID", value: v.toString() };
    if (v instanceof PySentinel) return { $py: v.name };
    if (v instanceof PyFloat) return v.value;
    if (v instanceof PyStr) return this.str(codePointsText(v.codePoints, this.limits.maxChars - this.#chars));
    return undefined;
  }

  /** A dict (Python dict, OrderedDict): keys as text, the cut marker where the budget ends. */
  protected map(m: Map<unknown, unknown>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of m) {
      if (this.exhausted) {
        out[TRUNCATED] = this.cut();
        break;
      }
      const text = this.keyText(k, depth);
      out[text] = this.child(typeof k === "number" ? k : text, x, depth);
    }
    return out;
  }

  /** A dict key as text: str keys as they are, tuples and other keys as their display JSON. */
  protected keyText(k: unknown, depth: number): string {
    if (typeof k === "string") return this.str(k);
    if (k === null || typeof k !== "object") return String(k);
    return this.str(JSON.stringify(this.value(k, depth + 1)) ?? "null");
  }

  /** A DataFrame cell: timestamps and dates as bare ISO text (the column type says what they are). */
  protected cell(v: unknown): unknown {
    if (v instanceof PyDatetime64) {
      this.#nodes++;
      return this.str(datetime64Text(v));
    }
    if (v instanceof PyDate) {
      this.#nodes++;
      return v.isoformat();
    }
    return this.value(v, 1);
  }

  /** The value under `step` (a key or index), walked with `step` on the path. */
  private child(step: string | number, v: unknown, depth: number): unknown {
    this.#path.push(step);
    try {
      return this.value(v, depth + 1);
    } finally {
      this.#path.pop();
    }
  }
}

/** Item `i` of an iterable read in order, without copying it (indexes only increase). */
export function sequentialReader(values: Iterable<unknown>): ItemReader {
  const it = values[Symbol.iterator]();
  let next = 0;
  let current: unknown;
  return (i) => {
    while (next <= i) {
      current = it.next().value;
      next++;
    }
    return current;
  };
}

/** pandas/numpy datetimes as ISO (`Timestamp.isoformat()`); durations and unknown zones as count + unit. */
function datetime64Text(v: PyDatetime64): string {
  const iso = v.kind === "datetime64" || v.kind === "Timestamp" ? timestampIsoformat(v) : undefined;
  return iso ?? `${v.value} ${v.unit}${v.tz ? ` ${v.tz.name ?? ""}`.trimEnd() : ""}`;
}

/** The first `max + 1` code points as a JS string (enough for the budget to see it is longer). */
function codePointsText(codePoints: readonly number[], max: number): string {
  let out = "";
  const n = Math.min(codePoints.length, Math.max(0, max) + 1);
  for (let i = 0; i < n; i++) out += String.fromCodePoint(codePoints[i] as number);
  return out;
}
