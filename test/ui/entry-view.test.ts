/**
 * The inspector's value view runs on the CLI's bounded walk: cycles are marked, shared references
 * count against one budget per response, long strings and lists keep the page's shapes (`$text`,
 * `$array` with a path for paging), and a page of rows reads only those rows.
 */
import { tableFromArrays, type Vector } from "apache-arrow";
import { afterEach, describe, expect, it, vi } from "vitest";
import { decodeEntry } from "#src/ops/decode-entry.js";
import { CYCLE_MARKER } from "#src/ops/display/value-walk.js";
import { DEFAULT_VIEW_LIMITS, nodeAt, rowsAt, viewOf } from "#src/ui/entry-view.js";

/** `a = [1]` then 30 times `a = [a, a]`; `pickle.dumps(a, 4)`: 2^30 leaves when expanded. */
const SHARED_LISTS = Buffer.from(
  "800495ba000000000000005d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d94285d944b0161681e65681d65681c65681b65681a65681965681865681765681665681565681465681365681265681165681065680f65680e65680d65680c65680b65680a656809656808656807656806656805656804656803656802656801652e",
  "hex",
);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("viewOf", () => {
  it("a list that contains itself shows the cycle marker", () => {
    const self: unknown[] = [1];
    self.push(self);
    expect(viewOf(self)).toEqual([1, CYCLE_MARKER]);
  });

  it("shared nested lists stay within the node budget (no 2^30 expansion)", () => {
    const value = decodeEntry(SHARED_LISTS).value;
    const started = performance.now();
    const text = JSON.stringify(viewOf(value));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(text).toContain('"$truncated":true');
    expect(text.length).toBeLessThan(DEFAULT_VIEW_LIMITS.maxNodes * 24);
  });

  it("long strings become $text; all strings together stop at the character budget", () => {
    const limits = { ...DEFAULT_VIEW_LIMITS, maxStringChars: 10, maxChars: 25 };
    expect(viewOf("x".repeat(50), limits)).toEqual({ $text: { length: 50, head: "x".repeat(10) } });
    const cut = viewOf(["a".repeat(9), "b".repeat(9), "c".repeat(9), "d"], limits) as unknown[];
    expect(cut.slice(0, 2)).toEqual(["a".repeat(9), "b".repeat(9)]);
    expect(cut[2]).toBe(`${"c".repeat(7)}…`);
    expect(cut[3]).toEqual({ $truncated: true });
  });

  it("a long list (or set) is a paged $array with its path; a numeric dict key pages too", () => {
    const items = new Set(Array.from({ length: 100 }, (_, i) => i));
    const value = { data: new Map<unknown, unknown>([[7, items]]) };
    const view = viewOf(value) as { data: Record<string, { $array: { path: unknown[]; items: unknown[] } }> };
    const list = view.data["7"]?.$array;
    expect(list?.path).toEqual(["data", 7]);
    expect(list?.items).toEqual(Array.from({ length: DEFAULT_VIEW_LIMITS.pageRows }, (_, i) => i));
    expect(nodeAt(value, list?.path as (string | number)[])).toBe(items);
    expect(rowsAt(value, ["data", 7], 90, 5)).toEqual({ total: 100, offset: 90, rows: [90, 91, 92, 93, 94] });
  });
});

describe("rowsAt", () => {
  it("a page of a 1M-row DataFrame reads that page only", () => {
    const n = 1_000_000;
    const table = tableFromArrays({ id: Int32Array.from({ length: n }, (_, i) => i) });
    const column = table.getChildAt(0) as Vector;
    const get = vi.spyOn(column, "get");
    vi.spyOn(table, "getChildAt").mockReturnValue(column);
    const page = rowsAt({ df: table }, ["df"], 500_000, 10);
    expect(page).toEqual({
      total: n,
      offset: 500_000,
      rows: Array.from({ length: 10 }, (_, i) => [500_000 + i]),
    });
    expect(get.mock.calls.length).toBe(10);
  });

  it("a DataFrame in the view lists its path, columns and first page", () => {
    const df = tableFromArrays({ name: ["a", "b", "c"], num: BigInt64Array.from([1n, 2n, 3n]) });
    const view = viewOf({ df }, { ...DEFAULT_VIEW_LIMITS, pageRows: 2 }) as {
      df: { $dataframe: { path: unknown[]; numRows: number; rows: unknown[][] } };
    };
    expect(view.df.$dataframe).toMatchObject({
      path: ["df"],
      numRows: 3,
      rows: [
        ["a", 1],
        ["b", 2],
      ],
    });
  });
});
