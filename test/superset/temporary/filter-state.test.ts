/** Superset's filter-state commands (superset/commands/dashboard/filter_state/), step by step, over a recording in-memory cache. */
import { beforeEach, describe, expect, it } from "vitest";
import {
  FilterStateStore,
  type RequestIdentity,
  refreshTimeoutOnRetrieval,
  TemporaryCacheAccessDeniedError,
  TemporaryCacheCommandFailedError,
  TemporaryCacheResourceNotFoundError,
} from "#src/superset/temporary/index.js";
import { keySequence, pyDict, RecordingCache } from "#test/helpers/temporary-fake-cache.js";

const SID = "a".repeat(128);
const alice: RequestIdentity = { userId: 1, sessionId: SID };
const bob: RequestIdentity = { userId: 2, sessionId: "b".repeat(128) };
const VALUE = '{"NATIVE_FILTER-abc": {"id": "NATIVE_FILTER-abc"}}';

describe("FilterStateStore", () => {
  let cache: RecordingCache;
  let store: FilterStateStore;
  beforeEach(() => {
    cache = new RecordingCache();
    store = new FilterStateStore({ cache, randomKey: keySequence("K1", "K2", "K3", "K4") });
  });

  describe("create", () => {
    it("without tab id: new random key, entry then contextual key, default timeout", async () => {
      expect(await store.create(alice, 42, null, VALUE)).toBe("K1");
      expect(cache.trace()).toEqual([`get ${SID};None;42`, "set 42;K1", `set ${SID};None;42`]);
      const sets = cache.calls.filter((c) => c.op === "set");
      expect(sets.map((c) => (c.op === "set" ? c.timeout : "x"))).toEqual([undefined, undefined]);
      const entry = cache.data.get("42;K1") as Record<string, unknown>;
      expect(Object.keys(entry)).toEqual(["owner", "value"]);
      expect(entry).toEqual(pyDict({ owner: 1, value: VALUE }));
      expect(cache.data.get(`${SID};None;42`)).toBe("K1");
    });

    it("without tab id a stored contextual key is ignored (tab_id falsy → new key)", async () => {
      cache.data.set(`${SID};None;42`, "OLD");
      expect(await store.create(alice, 42, undefined, VALUE)).toBe("K1");
      expect(cache.data.get(`${SID};None;42`)).toBe("K1");
    });

    it("with a tab id reuses the tab's key and rewrites the contextual key", async () => {
      cache.data.set(`${SID};3;42`, "TABKEY");
      expect(await store.create(alice, 42, "3", VALUE)).toBe("TABKEY");
      expect(cache.trace()).toEqual([`get ${SID};3;42`, "set 42;TABKEY", `set ${SID};3;42`]);
    });

    it('tab id "0" is a truthy string, so the tab key is reused (Python semantics)', async () => {
      cache.data.set(`${SID};0;42`, "ZERO");
      expect(await store.create(alice, 42, "0", VALUE)).toBe("ZERO");
      // the empty string is falsy
      cache.data.set(`${SID};;42`, "EMPTY");
      expect(await store.create(alice, 42, "", VALUE)).toBe("K1");
    });

    it("overwrites another owner's entry under a reused key (create has no owner check)", async () => {
      cache.data.set(`${SID};3;42`, "TABKEY");
      cache.data.set("42;TABKEY", pyDict({ owner: 2, value: "{}" }));
      expect(await store.create(alice, 42, "3", VALUE)).toBe("TABKEY");
      expect(cache.data.get("42;TABKEY")).toEqual(pyDict({ owner: 1, value: VALUE }));
    });

    it("without a session the contextual key starts with None; anonymous owner is None", async () => {
      expect(await store.create({ userId: null, sessionId: null }, 42, null, VALUE)).toBe("K1");
      expect(cache.data.get("None;None;42")).toBe("K1");
      expect(cache.data.get("42;K1")).toEqual(pyDict({ owner: null, value: VALUE }));
    });

    it("runs the access check after the contextual read and before any write", async () => {
      const checked = new RecordingCache();
      const s = new FilterStateStore({
        cache: checked,
        randomKey: keySequence("K1"),
        checkAccess: () => {
          throw new TemporaryCacheResourceNotFoundError();
        },
      });
      await expect(s.create(alice, 404, null, VALUE)).rejects.toMatchObject({
        code: "TEMPORARY_CACHE_RESOURCE_NOT_FOUND",
        httpStatus: 404,
      });
      expect(checked.trace()).toEqual([`get ${SID};None;404`]);
    });
  });

  describe("get", () => {
    it("returns the value of any owner and refreshes the entry only", async () => {
      cache.data.set("42;K", pyDict({ owner: 2, value: VALUE }));
      expect(await store.get(alice, 42, "K")).toBe(VALUE);
      expect(cache.trace()).toEqual(["get 42;K", "set 42;K"]);
      const set = cache.calls[1];
      expect(set?.op === "set" && set.timeout).toBeUndefined();
    });

    it("does not refresh when REFRESH_TIMEOUT_ON_RETRIEVAL is off", async () => {
      const s = new FilterStateStore({ cache, refreshTimeoutOnRetrieval: false });
      cache.data.set("42;K", pyDict({ owner: 2, value: VALUE }));
      expect(await s.get(alice, 42, "K")).toBe(VALUE);
      expect(cache.trace()).toEqual(["get 42;K"]);
    });

    it("missing or empty entry → undefined, nothing written", async () => {
      expect(await store.get(alice, 42, "nope")).toBeUndefined();
      cache.data.set("42;E", pyDict({}));
      expect(await store.get(alice, 42, "E")).toBeUndefined();
      expect(cache.trace()).toEqual(["get 42;nope", "get 42;E"]);
    });

    it("access check runs before the read", async () => {
      const s = new FilterStateStore({
        cache,
        checkAccess: () => {
          throw new TemporaryCacheAccessDeniedError();
        },
      });
      await expect(s.get(alice, 42, "K")).rejects.toBeInstanceOf(TemporaryCacheAccessDeniedError);
      expect(cache.trace()).toEqual([]);
    });
  });

  describe("update", () => {
    it("missing entry: returns the ORIGINAL key and writes nothing (quirk)", async () => {
      expect(await store.update(alice, 42, "GONE", "3", VALUE)).toBe("GONE");
      expect(cache.trace()).toEqual(["get 42;GONE"]);
    });

    it("another owner's entry → access denied (403), nothing written", async () => {
      cache.data.set("42;K", pyDict({ owner: 2, value: "{}" }));
      const err = await store.update(alice, 42, "K", "3", VALUE).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TemporaryCacheAccessDeniedError);
      expect(err).toMatchObject({
        httpStatus: 403,
        message: "You don't have permission to modify the value.",
      });
      expect(cache.trace()).toEqual(["get 42;K"]);
    });

    it("owner ids compare as Python ==: 1 equals 1.0-like and bigint 1; None equals None", async () => {
      cache.data.set("42;K", pyDict({ owner: 1n, value: "{}" }));
      expect(await store.update(alice, 42, "K", null, VALUE)).toBe("K1");
      cache.data.set("42;A", pyDict({ owner: null, value: "{}" }));
      expect(await store.update({ userId: null, sessionId: null }, 42, "A", null, VALUE)).toBe("K2");
      cache.data.set("42;Z", pyDict({ owner: 0, value: "{}" }));
      await expect(
        store.update({ userId: null, sessionId: null }, 42, "Z", null, VALUE),
      ).rejects.toBeInstanceOf(TemporaryCacheAccessDeniedError);
    });

    it("without tab id: new key, contextual key set, new entry; old entry left in place", async () => {
      cache.data.set("42;K", pyDict({ owner: 1, value: "{}" }));
      expect(await store.update(alice, 42, "K", null, VALUE)).toBe("K1");
      expect(cache.trace()).toEqual(["get 42;K", `get ${SID};None;42`, `set ${SID};None;42`, "set 42;K1"]);
      expect(cache.data.get("42;K")).toEqual(pyDict({ owner: 1, value: "{}" }));
      expect(cache.data.get("42;K1")).toEqual(pyDict({ owner: 1, value: VALUE }));
    });

    it("with a tab whose contextual key exists: writes under that key, contextual key untouched", async () => {
      cache.data.set("42;K", pyDict({ owner: 1, value: "{}" }));
      cache.data.set(`${SID};3;42`, "TABKEY");
      expect(await store.update(alice, 42, "K", "3", VALUE)).toBe("TABKEY");
      expect(cache.trace()).toEqual(["get 42;K", `get ${SID};3;42`, "set 42;TABKEY"]);
    });
  });

  describe("delete", () => {
    it("owner deletes: contextual key of tab None, then the entry", async () => {
      cache.data.set("42;K", pyDict({ owner: 1, value: "{}" }));
      cache.data.set(`${SID};None;42`, "K");
      cache.data.set(`${SID};3;42`, "K");
      expect(await store.delete(alice, 42, "K")).toBe(true);
      expect(cache.trace()).toEqual(["get 42;K", `delete ${SID};None;42`, "delete 42;K"]);
      // The tab-specific contextual key survives (delete ignores the tab id).
      expect(cache.data.get(`${SID};3;42`)).toBe("K");
    });

    it("missing entry → false; other owner → 403 without deleting", async () => {
      expect(await store.delete(alice, 42, "nope")).toBe(false);
      cache.data.set("42;K", pyDict({ owner: 2, value: "{}" }));
      await expect(store.delete(alice, 42, "K")).rejects.toBeInstanceOf(TemporaryCacheAccessDeniedError);
      expect(cache.data.has("42;K")).toBe(true);
      expect(await store.delete(bob, 42, "K")).toBe(true);
    });
  });

  it("a failing cache becomes the command's typed FailedError with the cause kept", async () => {
    cache.fail = true;
    for (const [op, run] of [
      ["CREATE", () => store.create(alice, 1, null, "{}")],
      ["GET", () => store.get(alice, 1, "k")],
      ["UPDATE", () => store.update(alice, 1, "k", null, "{}")],
      ["DELETE", () => store.delete(alice, 1, "k")],
    ] as const) {
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TemporaryCacheCommandFailedError);
      expect(err).toMatchObject({ code: `TEMPORARY_CACHE_${op}_FAILED`, httpStatus: 500 });
      expect((err as Error).cause).toBeInstanceOf(Error);
    }
  });

  it("refresh flag as Superset reads it: missing key in a custom dict = off, no dict = default on", () => {
    expect(refreshTimeoutOnRetrieval(undefined)).toBe(true);
    expect(refreshTimeoutOnRetrieval({})).toBe(false);
    expect(refreshTimeoutOnRetrieval({ REFRESH_TIMEOUT_ON_RETRIEVAL: true })).toBe(true);
  });

  it("takes the refresh flag from the cache's config dict when it has one", async () => {
    const withConfig = Object.assign(new RecordingCache(), {
      config: {} as { REFRESH_TIMEOUT_ON_RETRIEVAL?: boolean },
    });
    withConfig.data.set("1;K", pyDict({ owner: 1, value: "{}" }));
    expect(await new FilterStateStore({ cache: withConfig }).get(alice, 1, "K")).toBe("{}");
    expect(withConfig.trace()).toEqual(["get 1;K"]);
    withConfig.config.REFRESH_TIMEOUT_ON_RETRIEVAL = true;
    withConfig.reset();
    expect(await new FilterStateStore({ cache: withConfig }).get(alice, 1, "K")).toBe("{}");
    expect(withConfig.trace()).toEqual(["get 1;K", "set 1;K"]);
  });

  it("key helpers match Superset's cache_key", () => {
    expect(FilterStateStore.entryKey(42, "z6OiPvci1q0")).toBe("42;z6OiPvci1q0");
    expect(FilterStateStore.contextualKey(null, null, 42)).toBe("None;None;42");
    expect(FilterStateStore.contextualKey("4b58", "3", 42)).toBe("4b58;3;42");
  });
});
