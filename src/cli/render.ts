/**
 * Text mode for the terminal: aligned tables and indented JSON of display values (display-value.ts),
 * with every control character, terminal escape sequence and bidi override that came from a
 * value or a key shown escaped (`\x1b`, ops/display/control-chars.ts), so a stored value cannot
 * move the cursor, recolour or retitle the terminal of whoever inspects it.
 */
import { escapeControl } from "../ops/display/control-chars.js";
import type { DisplayFrame } from "./display-value.js";

export { escapeControl } from "../ops/display/control-chars.js";

/** JSON.stringify's `\u00XX` escapes of C0 controls (after an even number of backslashes). */
const JSON_CONTROL_ESCAPE = /(?<=(?:^|[^\\])(?:\\\\)*)\\u00([01][0-9a-f])/g;

/** Indented JSON for the terminal: control characters as `\x1b` rather than JSON's `\u001b`. */
export function terminalJson(value: unknown): string {
  const json = JSON.stringify(value, null, 2) ?? "null";
  // JSON escapes C0 only; C1 and bidi characters are raw in its output (newlines there are layout).
  return escapeControl(json, true).replace(JSON_CONTROL_ESCAPE, (_, hex: string) => `\\x${hex}`);
}

/** An aligned text table; cells that are not strings are shown as JSON; every cell escaped. */
export function textTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [header, ...rows].map((r) =>
    r.map((c) => escapeControl(typeof c === "string" ? c : (JSON.stringify(c) ?? ""))),
  );
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  const [head, ...body] = cells;
  return [line(head!), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** A Superset column description (`columns` of a results payload). */
interface ColumnInfo {
  name?: unknown;
  column_name?: unknown;
  type?: unknown;
}

function isFrame(v: unknown): v is { $dataframe: DisplayFrame } {
  return typeof v === "object" && v !== null && "$dataframe" in v;
}

function columnName(c: ColumnInfo): string {
  return String(c.column_name ?? c.name ?? "");
}

/** A DataFrame as a table of its rendered rows; `types` (column → Superset type) label the header. */
export function frameText(df: DisplayFrame, types?: ReadonlyMap<string, string>): string {
  const table = textTable(
    df.columns.map((c) => `${c.name} (${types?.get(c.name) ?? c.type})`),
    df.rows,
  );
  const more = df.numRows - df.rows.length;
  return `DataFrame ${df.numRows} rows × ${df.columns.length} columns\n${table}${more > 0 ? `\n… ${more} more rows` : ""}`;
}

/**
 * A results payload's `columns`, `selected_columns` and `expanded_columns` describe the same
 * columns as its data: they label the table header once (Superset type), and the other two lists
 * are shown only where they differ, by name.
 */
function payloadColumns(display: Record<string, unknown>): {
  rest: Record<string, unknown>;
  types: Map<string, string>;
  notes: string[];
} {
  const { columns, selected_columns, expanded_columns, ...rest } = display;
  const list = (v: unknown): ColumnInfo[] =>
    Array.isArray(v) ? v.filter((c): c is ColumnInfo => typeof c === "object" && c !== null) : [];
  const types = new Map(list(columns).map((c) => [columnName(c), String(c.type ?? "?")]));
  const names = (v: unknown) => list(v).map(columnName).join(", ");
  const notes: string[] = [];
  const selected = names(selected_columns);
  if (selected !== "" && selected !== names(columns)) notes.push(`selected_columns: ${selected}`);
  if (names(expanded_columns) !== "") notes.push(`expanded_columns: ${names(expanded_columns)}`);
  // Columns without data (an empty or failed query) still get listed once.
  if (!Object.values(rest).some(isFrame) && types.size > 0)
    notes.unshift(`columns: ${[...types].map(([n, t]) => `${n} ${t}`).join(", ")}`);
  return { rest, types, notes };
}

/**
 * Text form of a display value: DataFrames as tables (the rows rendered), the rest as indented
 * JSON; a results payload lists its columns once. Everything from the value is escaped.
 */
export function renderText(display: unknown, kind?: string): string {
  if (isFrame(display)) return frameText(display.$dataframe);
  if (display && typeof display === "object" && !Array.isArray(display)) {
    const payload =
      kind === "results-payload" ? payloadColumns(display as Record<string, unknown>) : undefined;
    const fields = payload?.rest ?? (display as Record<string, unknown>);
    const parts: string[] = [];
    const rest: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (isFrame(v)) parts.push(`${escapeControl(k)}: ${frameText(v.$dataframe, payload?.types)}`);
      else rest[k] = v;
    }
    if (parts.length > 0 || payload)
      return [terminalJson(rest), ...(payload?.notes.map((n) => escapeControl(n)) ?? []), ...parts].join(
        "\n",
      );
  }
  return terminalJson(display);
}
