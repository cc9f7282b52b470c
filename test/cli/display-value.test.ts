/**
 * Rendering of decoded values for the CLI is bounded and terminal-safe: cycles are marked, shared
 * references do not expand exponentially (a node budget ends in `…`), only the DataFrame rows shown
 * are read, control characters and escape sequences from values print escaped, timestamps print
 * as ISO, and a results payload lists its columns once.
 */
import { makeData, makeVector, Table, TimestampNanosecond, tableFromArrays, type Vector } from "apache-arrow";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  CYCLE_MARKER,
  DEFAULT_JSON_LIMITS,
  DEFAULT_TEXT_LIMITS,
  TRUNCATED,
  toDisplay,
} from "#src/cli/display-value.js";
import { escapeControl, renderText, terminalJson, textTable } from "#src/cli/render.js";
import { decodeEntry } from "#src/ops/decode-entry.js";
import { PyDatetime } from "#src/python/values.js";

/** `l = []; l.append(l); pickle.dumps(l, 2)` */
const SELF_LIST = Buffer.from("80025d71006800612e", "hex");
/** `a = [1]` then 30 times `a = [a, a]`; `pickle.dumps(a, 4)`: 197 bytes, 2^30 leaves when expanded. */
const SHARED_LISTS = Buffer.from(
  "800495ba000000000000005d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d944b0161681e65681d65681c65681b65681a65681965681865681765681665681565681465681365681265681165681065680f65680e65680d65680c65680b65680a656809656808656807656806656805656804656803656802656801652e",
  "hex",
);
const ESC = "\x1b";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("bounded rendering", () => {
  it("a self-referencing list renders with a cycle marker, in text and JSON", () => {
    const entry = decodeEntry(SELF_LIST);
    expect(toDisplay(entry.value, DEFAULT_JSON_LIMITS)).toEqual([CYCLE_MARKER]);
    expect(renderText(toDisplay(entry.value, DEFAULT_TEXT_LIMITS))).toContain('"$cycle": true');
  });

  it("a 197-byte pickle of shared nested lists renders in bounded time and size, ending in …", () => {
    const entry = decodeEntry(SHARED_LISTS);
    expect(SHARED_LISTS.length).toBeLessThan(254);
    for (const limits of [DEFAULT_TEXT_LIMITS, DEFAULT_JSON_LIMITS]) {
      const started = performance.now();
      const text = JSON.stringify(toDisplay(entry.value, limits));
      expect(performance.now() - started).toBeLessThan(2000);
      expect(text.length).toBeLessThan(limits.maxNodes * 16);
      expect(text).toContain(TRUNCATED);
    }
  });

  it("deep nesting stops at maxDepth instead of overflowing the stack", () => {
    let deep: unknown[] = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const text = JSON.stringify(toDisplay(deep, DEFAULT_JSON_LIMITS));
    expect(text).toContain(TRUNCATED);
  });

  it("a 1M-row DataFrame printing 20 rows reads 20 rows", () => {
    const n = 1_000_000;
    const table = tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => i) });
    const column = table.getChildAt(0) as Vector;
    const get = vi.spyOn(column, "get");
    vi.spyOn(table, "getChildAt").mockReturnValue(column);
    const display = toDisplay(table, DEFAULT_TEXT_LIMITS) as { $dataframe: { rows: unknown[][] } };
    expect(display.$dataframe.rows).toHaveLength(20);
    expect(get.mock.calls.length).toBeGreaterThanOrEqual(20); // the spy sees reads
    expect(get.mock.calls.length).toBeLessThanOrEqual(20);
    const text = renderText(display);
    expect(text).toContain("DataFrame 1000000 rows × 1 columns");
    expect(text).toContain("… 999980 more rows");
  });

  it("--json stops at the node budget and says how many rows it shows", () => {
    const table = tableFromArrays({
      a: Int32Array.from({ length: 1000 }),
      b: Int32Array.from({ length: 1000 }),
    });
    const display = toDisplay(table, { ...DEFAULT_JSON_LIMITS, maxNodes: 101 }) as {
      $dataframe: { rows: unknown[][]; rowsShown?: number };
    };
    expect(display.$dataframe.rowsShown).toBe(display.$dataframe.rows.length);
    expect(display.$dataframe.rows.length).toBeLessThan(1000);
  });

  it("a huge string is cut at the character budget", () => {
    const out = toDisplay("x".repeat(100_000), { ...DEFAULT_TEXT_LIMITS, maxChars: 1000 }) as string;
    expect(out).toHaveLength(1001);
    expect(out.endsWith(TRUNCATED)).toBe(true);
  });
});

describe("terminal safety", () => {
  it("escape sequences in table cells, headers and JSON print escaped", () => {
    const table = tableFromArrays({ [`col${ESC}]0;title\x07`]: [`red${ESC}[31m`, "ok\nnext"] });
    const text = renderText(toDisplay(table, DEFAULT_TEXT_LIMITS));
    expect(text).not.toContain(ESC);
    expect(text).not.toContain("\x07");
    expect(text).toContain("red\\x1b[31m");
    expect(text).toContain("ok\\x0anext");
    const json = terminalJson({ v: `a${ESC}[2J\u009b1m\u202eevil` });
    expect(json).toContain("a\\x1b[2J\\x9b1m\\u202eevil");
    for (const raw of [ESC, "\u009b", "\u202e"]) expect(json).not.toContain(raw);
    expect(escapeControl("line1\nline2\x1b", true)).toBe("line1\nline2\\x1b");
    expect(textTable(["k"], [[`${ESC}c`]])).not.toContain(ESC);
  });

  it("a literal backslash-u text stays as JSON wrote it (only real escapes become \\x)", () => {
    expect(terminalJson("\\u001b")).toBe('"\\\\u001b"');
    expect(terminalJson("\u001b")).toBe('"\\x1b"');
  });
});

describe("readable values", () => {
  it("timestamps print as ISO: DataFrame columns (nanoseconds kept) and datetimes", () => {
    const ts = makeVector(
      makeData({
        type: new TimestampNanosecond(),
        length: 2,
        data: BigInt64Array.from([1705314600123456789n, 1705363200000000000n]),
      }),
    );
    const table = new Table({ ts });
    const display = toDisplay(table, DEFAULT_TEXT_LIMITS) as { $dataframe: { rows: unknown[][] } };
    expect(display.$dataframe.rows).toEqual([["2024-01-15T10:30:00.123456789"], ["2024-01-16T00:00:00"]]);
    expect(toDisplay(new PyDatetime(2024, 1, 15, 10, 30))).toEqual({
      $py: "datetime",
      value: "2024-01-15T10:30:00",
    });
  });

  it("a results payload lists its columns once: Superset types in the table header, no repeated lists", () => {
    const columns = [
      { column_name: "id", name: "id", type: "INT", is_dttm: false },
      { column_name: "name", name: "name", type: "STRING", is_dttm: false },
    ];
    const payload = {
      status: "success",
      data: tableFromArrays({ id: Int32Array.from([1, 2]), name: ["a", "b"] }),
      columns,
      selected_columns: columns,
      expanded_columns: [],
      query: { sql: "SELECT 1" },
    };
    const text = renderText(toDisplay(payload, DEFAULT_TEXT_LIMITS), "results-payload");
    expect(text).toMatch(/id \(INT\)\s+name \(STRING\)/);
    expect(text.match(/"?name"?/g)?.length).toBe(1);
    expect(text).not.toContain("column_name");
    expect(text).toContain("SELECT 1");
  });
});
