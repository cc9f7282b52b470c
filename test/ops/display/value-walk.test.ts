/**
 * The shared walk behind `inspect`/`get` and the web inspector: both print the same values the
 * same way, only their shapes for tables, bytes and cut-off places differ.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_TEXT_LIMITS, toDisplay } from "#src/cli/display-value.js";
import { CYCLE_MARKER } from "#src/ops/display/value-walk.js";
import { PyDatetime64, PyDecimal, PyTzInfo } from "#src/python/values.js";
import { viewOf } from "#src/ui/entry-view.js";

describe("one walk for the CLI and the inspector", () => {
  it("Python scalars, tuple keys and cycles display alike", () => {
    const self: unknown[] = [];
    self.push(self);
    const value = new Map<unknown, unknown>([
      ["price", new PyDecimal("1.10")],
      [Object.assign([1, 2], {}), "tuple key"],
      ["self", self],
    ]);
    const expected = { price: { $py: "Decimal", value: "1.10" }, "[1,2]": "tuple key", self: [CYCLE_MARKER] };
    expect(toDisplay(value, DEFAULT_TEXT_LIMITS)).toEqual(expected);
    expect(viewOf(value)).toEqual(expected);
  });

  it("a Timestamp in a named zone prints its local time and offset (Node's IANA data)", () => {
    // 2024-01-15T09:30:00Z in Paris (UTC+1 in winter), as a pickle names it: zone without offset.
    const ts = new PyDatetime64(
      "Timestamp",
      1705311000n * 10n ** 9n,
      "ns",
      new PyTzInfo("zoneinfo", null, "Europe/Paris"),
    );
    const expected = { $py: "Timestamp", value: "2024-01-15T10:30:00+01:00" };
    expect(toDisplay(ts)).toEqual(expected);
    expect(viewOf(ts)).toEqual(expected);
  });
});
