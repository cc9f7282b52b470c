/**
 * The keyv backend: a Cache stored in a Keyv instance. Over a Map the store holds exactly the
 * bytes Python Flask-Caching's RedisCache writes for the same value (compared with the raw
 * bytes Python wrote to a real redis-server); Cache semantics (None vs missing, timeouts in
 * SECONDS, add, delete, getOrSet) hold; a store returning non-bytes gives a typed error.
 */
import KeyvRedis from "@keyv/redis";
import Keyv from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyvCache, KeyvBackend } from "#src/integrations/keyv/backend.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";

let server: RedisServer;
let peer: FlaskPeer;
beforeAll(async () => {
  server = await RedisServer.start({ label: "keyv-backend" });
  peer = await FlaskPeer.start();
  await peer.open({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0`, CACHE_KEY_PREFIX: "" });
});
afterAll(async () => {
  await peer?.close();
  await server?.stop();
});

const mapKeyv = (map: Map<string, unknown>) =>
  new Keyv({ store: map, serialize: undefined, deserialize: undefined });

describe("keyv backend", () => {
  it("a Map-backed Keyv holds the bytes Python's RedisCache writes for the same values", async () => {
    const map = new Map<string, unknown>();
    const cache = createKeyvCache(mapKeyv(map));
    const values = [{ a: [1, 2.5, "x"] }, "text", null, [true, false], 12345, "ünïcode"];
    for (const [i, v] of values.entries()) {
      await peer.call("set", { key: `k${i}`, value: v });
      await cache.set(`k${i}`, v);
      const pythonHex = (await peer.call("raw_get", { key: `k${i}` })) as string;
      const ours = map.get(`keyv:k${i}`) as { value: Uint8Array };
      expect(Buffer.from(ours.value).toString("hex")).toBe(pythonHex);
      expect(await cache.get(`k${i}`)).toEqual(v);
    }
  });

  it("Cache semantics: missing vs None, add, delete, timeouts in SECONDS, getOrSet", async () => {
    const cache = createKeyvCache(mapKeyv(new Map()), { keyPrefix: "p_" });
    expect(await cache.get("none")).toBeUndefined();
    await cache.set("none", null);
    expect(await cache.get("none")).toBeNull();
    expect(await cache.add("none", 1)).toBe(false);
    expect(await cache.add("fresh", 1)).toBe(true);
    expect(await cache.delete("fresh")).toBe(true);
    expect(await cache.has("fresh")).toBe(false);
    await cache.set("short", "x", 1);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await cache.get("short")).toBeUndefined();
    let runs = 0;
    const all = await Promise.all(Array.from({ length: 10 }, () => cache.getOrSet("g", () => ++runs)));
    expect(all).toEqual(Array(10).fill(1));
  });

  it("@keyv/redis needs Keyv's own serializer: values round-trip for Node, Python cannot read them", async () => {
    const keyv = new Keyv({ store: new KeyvRedis(`${server.url}/1`), namespace: "kv" });
    const cache = createKeyvCache(keyv, { ownsKeyv: true });
    try {
      expect(await cache.set("r", { v: 1 })).toBe(true);
      expect(await cache.get("r")).toEqual({ v: 1 });
      // What Redis holds is Keyv's JSON envelope (bytes base64-encoded), not a cachelib entry.
      await peer.open(
        { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/1`, CACHE_KEY_PREFIX: "" },
        "db1",
      );
      const stored = await peer.call("get", { key: "kv:r", cache: "db1" });
      expect(stored).not.toEqual({ v: 1 });
    } finally {
      await cache.close();
    }
  });
});

describe("keyv backend errors", () => {
  it("a store value that is not bytes is KEYV_VALUE_NOT_BYTES (fail-open: a counted miss)", async () => {
    const map = new Map<string, unknown>([["keyv:j", { value: { json: true } }]]);
    const backend = new KeyvBackend(mapKeyv(map));
    await expect(backend.get("j")).rejects.toMatchObject({ code: "KEYV_VALUE_NOT_BYTES", backend: "keyv" });
    const cache = createKeyvCache(mapKeyv(map));
    expect(await cache.get("j")).toBeUndefined();
    expect(cache.errorCounts()).toMatchObject({ KEYV_VALUE_NOT_BYTES: 1 });
  });
});
