/**
 * RedisBackend against a real redis-server and real Flask-Caching (Python peer): golden bytes
 * both ways, TTLs as Python sets them, add/inc/delete/clear interplay, binary keys and values
 * (differential with fast-check).
 */
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBackend } from "#src/backends/redis/backend.js";
import {
  FlaskPeer,
  type GoldenCase,
  goldenTimeout,
  redisGoldenCases,
  trackUnhandledRejections,
} from "#test/helpers/redis-peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const PREFIX = "flask_cache_";
const REBUILT_DIFFERENTLY = new Set(["list_shared_ref", "list_same_str", "dataframe"]);
const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString("hex"));

let server: RedisServer;
let peer: FlaskPeer;
let ours: RedisBackend;
let raw: Redis;
let cases: GoldenCase[];
const unhandled = trackUnhandledRejections();

beforeAll(async () => {
  server = await RedisServer.start();
  peer = new FlaskPeer();
  cases = await redisGoldenCases();
  await peer.call("open", {
    config: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0`, CACHE_DEFAULT_TIMEOUT: 300 },
  });
  ours = RedisBackend.fromConfig({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` });
  raw = new Redis({ host: server.host, port: server.port, lazyConnect: true });
});

afterAll(async () => {
  await ours?.close();
  raw?.disconnect();
  await peer?.close();
  await server?.stop();
  unhandled.stop();
  expect(unhandled.count()).toBe(0);
});

async function pythonWritesGolden(c: GoldenCase): Promise<void> {
  if (c.operation === "inc") await peer.call("inc", { key: c.key, delta: 5 });
  else await peer.call("set", { key: c.key, value: c.value, timeout: goldenTimeout(c) });
}

describe("Python writes, we read (golden values through real Flask-Caching)", () => {
  it("every stored value equals the golden bytes, read with one MGET in the caller's order", async () => {
    await raw.flushdb();
    for (const c of cases) await pythonWritesGolden(c);
    const keys = cases.map((c) => c.storage_key);
    const values = await ours.getMany(keys);
    // What Python stored, as redis-py reads it back.
    const pythonRaw = await Promise.all(cases.map((c) => peer.call<string>("raw_get", { key: c.key })));
    expect(values.map(hex)).toEqual(pythonRaw);
    for (const [i, c] of cases.entries()) {
      expect(hex(await ours.get(c.storage_key))).toBe(pythonRaw[i]);
      // The peer rebuilds values from tagged JSON, so objects the golden run shared (same list
      // twice, one interned string, the DataFrame's index) are fresh here and pickle differently.
      if (!REBUILT_DIFFERENTLY.has(c.name)) expect(hex(values[i])).toBe(c.raw_hex);
    }
  });

  it("TTLs are what Python set: 60 s for the timed case, none for timeout 0 and INCRBY", async () => {
    for (const c of cases) {
      const ttl = await raw.ttl(c.storage_key);
      if (c.ttl.ttl === -1) expect(ttl).toBe(-1);
      else expect(ttl).toBeGreaterThan(c.ttl.ttl - 3);
    }
  });
});

describe("we write, Python reads", () => {
  it("golden bytes set by us read back in Python as the golden value, with Python's raw bytes equal", async () => {
    await raw.flushdb();
    for (const c of cases)
      expect(await ours.set(c.storage_key, Buffer.from(c.raw_hex, "hex"), goldenTimeout(c))).toBe(true);
    for (const c of cases) {
      expect(await peer.call("raw_get", { key: c.key })).toBe(c.raw_hex);
      if (c.name === "counter_inc") expect(await peer.call("get", { key: c.key })).toBe(5);
      else if (c.name !== "dataframe") expect(await peer.call("get", { key: c.key })).toEqual(c.value);
    }
    const ttl = await raw.ttl(`${PREFIX}golden:with_timeout_60`);
    expect(ttl).toBeGreaterThan(57);
    expect(await raw.ttl(`${PREFIX}golden:str_ascii`)).toBe(-1);
  });

  it("setMany is one pipeline; Python get_many sees every entry", async () => {
    await raw.flushdb();
    const entries = cases.map((c) => ({
      key: c.storage_key,
      value: Buffer.from(c.raw_hex, "hex"),
      timeout: 120,
    }));
    expect(await ours.setMany(entries)).toEqual(cases.map(() => true));
    const got = await peer.call<unknown[]>("get_many", { keys: cases.map((c) => c.key) });
    expect(got.length).toBe(cases.length);
    expect(got[0]).toEqual(cases[0]!.value);
    expect(await raw.ttl(cases[3]!.storage_key)).toBeGreaterThan(117);
  });

  it("a DataFrame pickle written by us is loaded by pandas (golden bytes)", async () => {
    const df = cases.find((c) => c.name === "dataframe")!;
    await ours.set(df.storage_key, Buffer.from(df.raw_hex, "hex"), 0);
    expect(await peer.call("raw_get", { key: df.key })).toBe(df.raw_hex);
    const value = await peer.call<{ $dataframe?: unknown }>("get", { key: df.key });
    expect(value).toEqual(df.value);
  });
});

describe("timeouts, add, has, delete, inc (same semantics as Flask-Caching)", () => {
  const v = Buffer.from("2180054b2a2e", "hex");
  it("0 and -1 store without TTL and clear an existing TTL; n > 0 sets EX n; n < -1 is a typed error", async () => {
    await ours.set(`${PREFIX}t`, v, 100);
    expect(await raw.ttl(`${PREFIX}t`)).toBeGreaterThan(97);
    await ours.set(`${PREFIX}t`, v, 0);
    expect(await raw.ttl(`${PREFIX}t`)).toBe(-1);
    await ours.set(`${PREFIX}t`, v, 100);
    await ours.set(`${PREFIX}t`, v, -1);
    expect(await raw.ttl(`${PREFIX}t`)).toBe(-1);
    await expect(ours.set(`${PREFIX}t`, v, -5)).rejects.toMatchObject({ code: "REDIS_INVALID_EXPIRE_TIME" });
    await expect(ours.set(`${PREFIX}t`, v, 2.5)).rejects.toMatchObject({ code: "REDIS_INVALID_EXPIRE_TIME" });
    // Python raises too for -5 (Redis rejects SETEX with a negative time).
    await expect(peer.call("set", { key: "t", value: 1, timeout: -5 })).rejects.toThrow(/ResponseError/);
  });

  it("add: only when absent, TTL as Python's SETNX+EXPIRE leaves it; below -1 stores nothing", async () => {
    await raw.del(`${PREFIX}a1`, `${PREFIX}a2`, `${PREFIX}a3`);
    expect(await ours.add(`${PREFIX}a1`, v, 50)).toBe(true);
    expect(await ours.add(`${PREFIX}a1`, v, 50)).toBe(false);
    expect(await peer.call("add", { key: "a1", value: 7 })).toBe(false);
    expect(await raw.ttl(`${PREFIX}a1`)).toBeGreaterThan(47);
    expect(await peer.call("add", { key: "a2", value: 7, timeout: 50 })).toBe(true);
    expect(await ours.add(`${PREFIX}a2`, v, 0)).toBe(false);
    // Python: SETNX then EXPIRE -5 → True and the key is gone. Ours: True, nothing stored.
    expect(await peer.call("add", { key: "a3", value: 7, timeout: -5 })).toBe(true);
    expect(await raw.exists(`${PREFIX}a3`)).toBe(0);
    expect(await ours.add(`${PREFIX}a3`, v, -5)).toBe(true);
    expect(await raw.exists(`${PREFIX}a3`)).toBe(0);
    await raw.set(`${PREFIX}a3`, "x");
    expect(await ours.add(`${PREFIX}a3`, v, -5)).toBe(false);
  });

  it("has/delete/deleteMany report like EXISTS/DEL; every key of deleteMany is attempted", async () => {
    await ours.set(`${PREFIX}d1`, v, 0);
    await ours.set(`${PREFIX}d3`, v, 0);
    expect(await ours.has(`${PREFIX}d1`)).toBe(true);
    expect(await peer.call("has", { key: "d1" })).toBe(true);
    expect(await ours.deleteMany([`${PREFIX}d1`, `${PREFIX}missing`, `${PREFIX}d3`])).toEqual([
      true,
      false,
      true,
    ]);
    expect(await ours.has(`${PREFIX}d3`)).toBe(false);
    expect(await ours.delete(`${PREFIX}d1`)).toBe(false);
  });

  it("incr is INCRBY: shared counter with Python, no TTL on create, big results as bigint", async () => {
    await raw.del(`${PREFIX}ctr`);
    expect(await ours.incr(`${PREFIX}ctr`, 5)).toBe(5);
    expect(await peer.call("inc", { key: "ctr", delta: 2 })).toBe(7);
    expect(await ours.incr(`${PREFIX}ctr`, -10)).toBe(-3);
    expect(await peer.call("get", { key: "ctr" })).toBe(-3);
    expect(await raw.ttl(`${PREFIX}ctr`)).toBe(-1);
    await raw.set(`${PREFIX}big`, "9007199254740993");
    expect(await ours.incr(`${PREFIX}big`, 1)).toBe(9007199254740994n);
    await peer.call("set", { key: "pickled", value: 5 });
    await expect(ours.incr(`${PREFIX}pickled`, 1)).rejects.toMatchObject({ code: "REDIS_REPLY_ERROR" });
  });
});

describe("foreign data under our keys", () => {
  it("a non-string key: GET is a typed non-transient REPLY error (Python raises too), MGET reads it as a miss", async () => {
    await raw.del(`${PREFIX}hash`);
    await raw.hset(`${PREFIX}hash`, "f", "v");
    const err = await ours.get(`${PREFIX}hash`).then(
      () => undefined,
      (e: unknown) => e as { code: string; transient: boolean },
    );
    expect(err).toMatchObject({ code: "REDIS_REPLY_ERROR", transient: false });
    await expect(peer.call("get", { key: "hash" })).rejects.toThrow(/WRONGTYPE/);
    expect(await ours.getMany([`${PREFIX}hash`, `${PREFIX}nothing`])).toEqual([undefined, undefined]);
    expect(await peer.call("get_many", { keys: ["hash"] })).toEqual([null]);
    expect(await ours.set(`${PREFIX}hash`, Buffer.from("2180054e2e", "hex"), 0)).toBe(true);
  });
});

describe("clear", () => {
  it("deletes exactly the keys that start with the prefix, literally, in UNLINK batches", async () => {
    await raw.flushdb();
    const small = RedisBackend.fromConfig(
      { CACHE_REDIS_URL: `${server.url}/0` },
      { unlinkBatchSize: 7, scanCount: 50 },
    );
    const pipe = raw.pipeline();
    for (let i = 0; i < 1200; i++) pipe.set(`p?x:${i}`, "v");
    pipe.set("pax:1", "v").set("p?", "exact").set("p", "short").set("other", "v");
    await pipe.exec();
    expect(await small.clear("p?")).toBe(true);
    expect((await raw.keys("*")).sort()).toEqual(["other", "p", "pax:1"]);
    expect(await small.clear("p?")).toBe(false);
    await expect(small.clear("")).rejects.toMatchObject({ code: "REDIS_CLEAR_REFUSED" });
    expect(await raw.dbsize()).toBe(3);
    await small.close();
  });

  it("an empty prefix runs FLUSHDB only with allowFlushDb, on the configured db only", async () => {
    await raw.set("k0", "v");
    const db1 = new Redis({ host: server.host, port: server.port, db: 1 });
    await db1.set("k1", "v");
    const flusher = RedisBackend.fromConfig({ CACHE_REDIS_URL: `${server.url}/0` }, { allowFlushDb: true });
    expect(await flusher.clear("")).toBe(true);
    expect(await raw.dbsize()).toBe(0);
    expect(await db1.get("k1")).toBe("v");
    db1.disconnect();
    await flusher.close();
  });

  it("Python's clear sees our keys and ours sees Python's (same prefix rules)", async () => {
    await raw.flushdb();
    await peer.call("set", { key: "py", value: "x" });
    await ours.set(`${PREFIX}ts`, Buffer.from("2180054e2e", "hex"), 0);
    await raw.set("unprefixed", "keep");
    expect(await ours.clear(PREFIX)).toBe(true);
    expect(await raw.keys("*")).toEqual(["unprefixed"]);
  });
});

describe("binary safety (differential with redis-py)", () => {
  it("any bytes under any unicode key: what we store is what Python reads, byte for byte", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }),
        fc.uint8Array({ maxLength: 300 }),
        async (key, value) => {
          await ours.set(PREFIX + key, value, 0);
          expect(await peer.call("raw_get", { key })).toBe(Buffer.from(value).toString("hex"));
          expect(hex(await ours.get(PREFIX + key))).toBe(Buffer.from(value).toString("hex"));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("Python-written values under unicode keys come back identical through getMany", async () => {
    const keys = ["héllo ✓", "日本", "a b", "emoji 🎉", "plain"];
    for (const [i, k] of keys.entries()) await peer.call("set", { key: k, value: { $bytes: `00ff${i}0` } });
    const got = await ours.getMany(keys.map((k) => PREFIX + k));
    for (const [i, k] of keys.entries()) expect(hex(got[i])).toBe(await peer.call("raw_get", { key: k }));
  });
});

describe("write coalescing (one socket write per tick)", () => {
  it("hundreds of commands issued in one tick all get their own replies, in order", async () => {
    const n = 300;
    const values = Array.from({ length: n }, (_, i) => Buffer.from(`v${i}-${"x".repeat(i % 50)}`));
    const sets = await Promise.all(
      values.map((v, i) => ours.set(`${PREFIX}co:${i}`, v, i % 3 === 0 ? 0 : 30)),
    );
    expect(sets.every(Boolean)).toBe(true);
    const got = await Promise.all(values.map((_, i) => ours.get(`${PREFIX}co:${i}`)));
    for (let i = 0; i < n; i++) expect(hex(got[i])).toBe(values[i]!.toString("hex"));
    const mixed = await Promise.all([
      ours.has(`${PREFIX}co:1`),
      ours.delete(`${PREFIX}co:1`),
      ours.has(`${PREFIX}co:1`),
      ours.add(`${PREFIX}co:1`, values[1]!, 0),
      ours.get(`${PREFIX}co:1`),
    ]);
    expect(mixed.slice(0, 4)).toEqual([true, true, false, true]);
    expect(hex(mixed[4] as Uint8Array)).toBe(values[1]!.toString("hex"));
  });

  it("getMapped settles with the mapped value or error, on the direct path and the fallback", async () => {
    await ours.set(`${PREFIX}gm`, Buffer.from([9]), 0);
    const mapping = {
      map: (b: Uint8Array | undefined) => (b === undefined ? "miss" : hex(b)),
      onError: (e: unknown) => (e as { code?: string }).code ?? "no code",
    };
    const got = await Promise.all([
      ours.getMapped(`${PREFIX}gm`, mapping),
      ours.getMapped(`${PREFIX}gm:missing`, mapping),
    ]);
    expect(got).toEqual(["09", "miss"]);
    const closed = RedisBackend.fromConfig({ CACHE_REDIS_URL: `${server.url}/0` });
    await closed.close();
    expect(await closed.getMapped(`${PREFIX}gm`, mapping)).toBe("REDIS_CLOSED");
  });

  it("autoPipelining: false still works (no corking)", async () => {
    const plain = RedisBackend.fromConfig({ CACHE_REDIS_URL: `${server.url}/0` }, { autoPipelining: false });
    const got = await Promise.all(
      Array.from({ length: 20 }, (_, i) => plain.set(`${PREFIX}np:${i}`, Buffer.from([i]), 0)),
    );
    expect(got.every(Boolean)).toBe(true);
    expect(hex(await plain.get(`${PREFIX}np:7`))).toBe("07");
    await plain.close();
  });
});

describe("framed reads (one reused read buffer; large bulks read in place)", () => {
  it("hundreds of concurrent gets and MGETs of values from 0 to 300 KB return exactly what was stored, framed or not", async () => {
    const sizes = [0, 1, 100, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 64 * 1024, 100 * 1024, 300 * 1024 + 5];
    const values = sizes.map((n, i) => {
      const v = Buffer.alloc(n);
      for (let j = 0; j < n; j++) v[j] = (j * 17 + i) & 0xff;
      return v;
    });
    for (const [i, v] of values.entries()) await raw.set(`${PREFIX}framed:${i}`, v);
    for (const framedReads of [true, false]) {
      // About 10 MB of replies: on a loaded machine the default 2 s command timeout can pass.
      const client = RedisBackend.fromConfig(
        { CACHE_REDIS_URL: `${server.url}/0` },
        { framedReads, commandTimeoutMs: 60_000 },
      );
      const keys = values.map((_, i) => `${PREFIX}framed:${i}`);
      const gets = Array.from({ length: 300 }, (_, k) => client.get(keys[k % keys.length]!));
      const mgets = Array.from({ length: 20 }, () => client.getMany(keys));
      const [got, many] = await Promise.all([Promise.all(gets), Promise.all(mgets)]);
      for (const [k, g] of got.entries())
        expect(Buffer.from(g!).equals(values[k % values.length]!)).toBe(true);
      for (const m of many)
        for (const [i, g] of m.entries()) expect(Buffer.from(g!).equals(values[i]!)).toBe(true);
      await client.close();
    }
  });
});

describe("sets skip ioredis's copy (header and value written straight to the socket)", () => {
  it("values of every size (empty to 1 MB) are stored byte for byte, with TTLs, and Python reads them", async () => {
    for (const size of [0, 1, 16 * 1024, 100 * 1024, 1024 * 1024 + 7]) {
      const value = Buffer.alloc(size);
      for (let i = 0; i < size; i++) value[i] = (i * 31 + size) & 0xff;
      const key = `big é ${size}`;
      const writtenAt = performance.now();
      expect(await ours.set(PREFIX + key, value, size % 2 === 0 ? 45 : 0)).toBe(true);
      expect(await peer.call("raw_get", { key })).toBe(value.toString("hex"));
      const ttl = await raw.ttl(PREFIX + key);
      if (size % 2 === 0) {
        // TTL rounds to whole seconds; allow the seconds spent since the write, no more.
        expect(ttl).toBeLessThanOrEqual(45);
        expect(ttl).toBeGreaterThanOrEqual(45 - Math.ceil((performance.now() - writtenAt) / 1000));
      } else {
        expect(ttl).toBe(-1);
      }
      expect(Buffer.from((await ours.get(PREFIX + key))!).equals(value)).toBe(true);
    }
  });

  it("large and small commands issued in one tick keep their order and replies", async () => {
    const n = 60;
    const values = Array.from({ length: n }, (_, i) => Buffer.alloc(i % 2 === 0 ? 20_000 + i : 10 + i, i));
    const ops = values.flatMap((v, i) => [
      ours.set(`${PREFIX}mix:${i}`, v, i % 3),
      ours.get(`${PREFIX}mix:${i}`),
    ]);
    const results = await Promise.all(ops);
    for (let i = 0; i < n; i++) {
      expect(results[2 * i]).toBe(true);
      expect(Buffer.from(results[2 * i + 1] as Uint8Array).equals(values[i]!)).toBe(true);
    }
  });

  it("a large set on a client still connecting takes the queued path and is stored once", async () => {
    const spare = RedisBackend.fromConfig({ CACHE_REDIS_URL: `${server.url}/0` });
    const value = Buffer.alloc(40_000, 9);
    expect(await spare.set(`${PREFIX}offline-big`, value, 0)).toBe(true);
    expect(Buffer.from((await raw.getBuffer(`${PREFIX}offline-big`))!).equals(value)).toBe(true);
    await spare.close();
  });
});
