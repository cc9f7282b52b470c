/** Turning decoded values into JSON-safe data and aligned text tables for the terminal. */
import { Table } from "apache-arrow";

/** Rows of a DataFrame shown in text mode. */
export const PREVIEW_ROWS = 20;
/** Bytes shown as hex for binary values. */
const HEX_PREVIEW_BYTES = 32;

/** A JSON-safe rendering: tables as {columns, rows}, bytes as length + hex preview, bigints as strings. */
export function toDisplay(value: unknown, maxRows = Number.POSITIVE_INFINITY): unknown {
  if (value === null || value === undefined) return null;
  // Python ints beyond 2^53 stay exact as strings.
  if (typeof value === "bigint")
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value);
  if (typeof value !== "object") return value;
  if (value instanceof Table) {
    const columns = value.schema.fields.map((f) => ({ name: f.name, type: String(f.type) }));
    const rows: unknown[][] = [];
    const n = Math.min(value.numRows, maxRows);
    for (let i = 0; i < n; i++) rows.push(columns.map((c) => toDisplay(value.getChild(c.name)?.get(i))));
    return { $dataframe: { numRows: value.numRows, columns, rows } };
  }
  if (value instanceof Uint8Array) {
    return { $bytes: value.length, hex: Buffer.from(value.subarray(0, HEX_PREVIEW_BYTES)).toString("hex") };
  }
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toDisplay(v, maxRows)]));
  if (value instanceof Set) return [...value].map((v) => toDisplay(v, maxRows));
  if (Array.isArray(value)) return value.map((v) => toDisplay(v, maxRows));
  if (value instanceof Date) return value.toISOString();
  const proto = Object.getPrototypeOf(value);
  const out: Record<string, unknown> = {};
  if (proto !== null && proto !== Object.prototype) {
    // Python value classes: keep the class name and a readable form.
    const text = String(value);
    if (text !== "[object Object]") return { $py: proto.constructor?.name ?? "object", value: text };
    out.$py = proto.constructor?.name ?? "object";
  }
  for (const [k, v] of Object.entries(value)) out[k] = toDisplay(v, maxRows);
  return out;
}

/** An aligned text table. */
export function textTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => r.map((c) => (typeof c === "string" ? c : (JSON.stringify(c) ?? ""))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

/** Text form of a display value: DataFrames as tables (first rows), everything else as indented JSON. */
export function renderText(display: unknown): string {
  if (display && typeof display === "object" && "$dataframe" in display) {
    const df = (
      display as {
        $dataframe: { numRows: number; columns: { name: string; type: string }[]; rows: unknown[][] };
      }
    ).$dataframe;
    const table = textTable(
      df.columns.map((c) => `${c.name} (${c.type})`),
      df.rows.slice(0, PREVIEW_ROWS),
    );
    const more = df.numRows > PREVIEW_ROWS ? `\n… ${df.numRows - PREVIEW_ROWS} more rows` : "";
    return `DataFrame ${df.numRows} rows × ${df.columns.length} columns\n${table}${more}`;
  }
  if (display && typeof display === "object" && !Array.isArray(display)) {
    const parts: string[] = [];
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(display)) {
      if (v && typeof v === "object" && "$dataframe" in v) parts.push(`${k}: ${renderText(v)}`);
      else rest[k] = v;
    }
    if (parts.length > 0) return [JSON.stringify(rest, null, 2), ...parts].join("\n");
  }
  return JSON.stringify(display, null, 2);
}
