import * as vitest from "vitest";
import { describe, expect, it } from "vitest";
import { NullBackend } from "#src/backends/null.js";
import { SimpleBackend } from "#src/backends/simple.js";
import { FakeClock, runBackendConformance } from "#src/testing/index.js";

runBackendConformance("simple", ({ clock }) => new SimpleBackend({ clock }), { vitest });

const b = (s: string) => new TextEncoder().encode(s);

describe("SimpleBackend (cachelib 0.9.0 SimpleCache)", () => {
  it("threshold 0 and undefined mean 500; negative is a config error", () => {
    expect(new SimpleBackend({ threshold: 0 }).threshold).toBe(500);
    expect(new SimpleBackend().threshold).toBe(500);
    expect(() => new SimpleBackend({ threshold: -1 })).toThrowError(
      expect.objectContaining({ code: "CONFIG_INVALID_VALUE", path: "CACHE_THRESHOLD" }),
    );
  });

  it("timeout 0 never expires; a negative timeout is never readable", async () => {
    const clock = new FakeClock();
    const s = new SimpleBackend({ clock });
    await s.set("zero", b("z"), 0);
    await s.set("neg", b("n"), -5);
    clock.advanceSeconds(10 * 365 * 86400);
    expect(await s.get("zero")).toEqual(b("z"));
    expect(await s.get("neg")).toBeUndefined();
    expect(await s.has("neg")).toBe(false);
    // still present (cachelib only drops it on pruning), so delete reports true
    expect(await s.delete("neg")).toBe(true);
  });

  it("expires at floor(now) + timeout, exclusive", async () => {
    const clock = new FakeClock(1_000_000_500); // 1000000.5 s
    const s = new SimpleBackend({ clock });
    await s.set("k", b("v"), 10); // expires = 1000000 + 10
    clock.setMs(1_000_009_999);
    expect(await s.has("k")).toBe(true);
    clock.setMs(1_000_010_000); // expires > now is false at equality
    expect(await s.has("k")).toBe(false);
  });

  it("add refuses a present key even when it expired (cachelib < 0.14)", async () => {
    const clock = new FakeClock();
    const s = new SimpleBackend({ clock });
    await s.set("k", b("old"), 1);
    clock.advanceSeconds(5);
    expect(await s.add("k", b("new"), 0)).toBe(false);
    expect(await s.get("k")).toBeUndefined();
  });

  it("prunes expired-or-never-expiring entries first, then the smallest expiry", async () => {
    const clock = new FakeClock();
    const s = new SimpleBackend({ clock, threshold: 3 });
    await s.set("forever", b("f"), 0); // expires 0 < now: dropped by the first pass
    await s.set("t100", b("a"), 100);
    await s.set("t50", b("b"), 50);
    await s.set("t200", b("c"), 200);
    expect(s.size).toBe(4);
    await s.set("t300", b("d"), 300); // len 4 > 3: drop expires < now → "forever"
    expect(await s.has("forever")).toBe(false);
    expect(s.size).toBe(4);
    await s.set("t400", b("e"), 400); // no expired ones: drop ascending expiry until <= 3
    // prune runs before the insert: 4 > 3 → drop "t50" only, then "t400" makes 4 again
    expect(await s.has("t50")).toBe(false);
    expect([await s.has("t100"), await s.has("t200"), await s.has("t300"), await s.has("t400")]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(s.size).toBe(4);
  });

  it("pruning ties keep insertion order (Python's stable sort)", async () => {
    const clock = new FakeClock();
    const s = new SimpleBackend({ clock, threshold: 2 });
    await s.set("a", b("1"), 60);
    await s.set("b", b("2"), 60);
    await s.set("c", b("3"), 60);
    await s.set("d", b("4"), 60); // len 3 > 2 → drop "a" (first of the ties) only
    expect([await s.has("a"), await s.has("b"), await s.has("c"), await s.has("d")]).toEqual([
      false,
      true,
      true,
      true,
    ]);
  });

  it("clear removes the keys under a prefix (all for the empty prefix); close is idempotent", async () => {
    const s = new SimpleBackend();
    await s.set("x", b("1"), 0);
    await s.set("ns:a", b("2"), 0);
    await s.set("ns:b", b("3"), 0);
    expect(await s.clear("ns:")).toBe(true);
    expect(s.size).toBe(1);
    expect(s.peek("x")).toEqual(b("1"));
    expect(await s.clear("")).toBe(true);
    expect(s.size).toBe(0);
    await s.close();
    await s.close();
  });
});

describe("NullBackend (NullCache)", () => {
  it("stores nothing and reports success", async () => {
    const n = new NullBackend();
    expect(await n.set("k", b("v"), 0)).toBe(true);
    expect(await n.add("k", b("v"), 0)).toBe(true);
    expect(await n.get("k")).toBeUndefined();
    expect(await n.getMany(["a", "b"])).toEqual([undefined, undefined]);
    expect(await n.setMany([{ key: "a", value: b("1"), timeout: 0 }])).toEqual([true]);
    expect(await n.has("k")).toBe(false);
    expect(await n.delete("k")).toBe(true);
    expect(await n.deleteMany(["a", "b"])).toEqual([true, true]);
    expect(await n.clear("")).toBe(true);
    await n.close();
  });
});
