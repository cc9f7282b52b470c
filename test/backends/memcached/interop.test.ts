/**
 * MemcachedCache, SASLMemcachedCache and SpreadSASLMemcachedCache against the real Python stack on
 * real memcached processes: values both ways for every flag and both client flavours (pickles
 * byte-identical to python-memcached's protocol 0 and cachelib's spread protocol 2), expiry
 * sent as absolute time, spread chunks, invalid keys, has/add/inc/dec/clear, SASL.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendOptions } from "#src/backends/registry.js";
import type { Cache } from "#src/cache/cache.js";
import type { FlaskCacheConfig } from "#src/config/config-types.js";
import { createCache } from "#src/manager/create-cache.js";
import { PyDatetime, PyTuple, type PyValue } from "#src/python/values.js";
import { FakeClock } from "#src/testing/fake-clock.js";
import { MemcachedServer } from "#test/helpers/memcached-server.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { fromTagged, toTagged } from "#test/helpers/tagged.js";
import { waitUntil } from "#test/helpers/wait-until.js";

interface RawItem {
  flags: number;
  ttl: number;
  hex: string;
}

const SASL = { username: "superset", password: "s3cret-pw" };
let plain: MemcachedServer;
let sasl: MemcachedServer;
let peer: FlaskPeer;
const caches: Cache[] = [];

beforeAll(async () => {
  [plain, sasl, peer] = await Promise.all([
    MemcachedServer.start(),
    MemcachedServer.start({ sasl: SASL }),
    FlaskPeer.start({ ops: ["ops_memcached"] }),
  ]);
  await peer.call("mc_open", { name: "pylibmc", lib: "pylibmc", servers: [plain.address] });
  await peer.call("mc_open", { name: "memcache", lib: "memcache", servers: [plain.address] });
});

afterAll(async () => {
  await Promise.all(caches.map((c) => c.close()));
  await peer?.close();
  await Promise.all([plain?.stop(), sasl?.stop()]);
});

function cache(config: FlaskCacheConfig, backendOptions: BackendOptions = {}, clock?: FakeClock): Cache {
  const c = createCache(
    { CACHE_TYPE: "MemcachedCache", CACHE_MEMCACHED_SERVERS: [plain.address], ...config },
    { backendOptions, ...(clock ? { clock } : {}) },
  );
  caches.push(c);
  return c;
}

const raw = async (key: string): Promise<RawItem | null> =>
  (await peer.call("mc_raw", { server: plain.address, key })) as unknown as RawItem | null;
const pyGet = async (client: string, key: string): Promise<PyValue> =>
  fromTagged(await peer.call("mc_get", { name: client, key }));
const pySet = (client: string, key: string, value: PyValue, time = 0) =>
  peer.call("mc_set", { name: client, key, value: toTagged(value), time });

const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");

describe("values written here, read by Python", () => {
  const pylibmcFlags: [string, PyValue, number, string | null][] = [
    ["bytes", new Uint8Array([0, 1, 255]), 0, "0001ff"],
    ["str", "héllo", 16, hex("héllo")],
    ["int", 42, 4, hex("42")],
    ["big int", 2n ** 70n, 4, hex((2n ** 70n).toString())],
    ["bool (pylibmc stores it as int flag 2, reads 1)", true, 2, hex("1")],
    ["list (pickle 5)", [1, "a"], 1, null],
    ["float (pickle 5)", 1.5, 1, null],
    ["None (pickle 5)", null, 1, null],
  ];

  it.each(pylibmcFlags)(
    "pylibmc flavour: %s keeps pylibmc's flag and reads back in pylibmc and Flask-Caching",
    async (_, written, flags, bytes) => {
      const value = written === true ? 1 : written;
      const c = cache({ CACHE_KEY_PREFIX: "w1:" });
      expect(await c.set("k", written)).toBe(true);
      const item = await raw("w1:k");
      expect(item?.flags).toBe(flags);
      if (bytes !== null) expect(item?.hex).toBe(bytes);
      else expect(item?.hex.startsWith("8005")).toBe(true);
      expect(await pyGet("pylibmc", "w1:k")).toEqual(value);
      await peer.open(
        { CACHE_TYPE: "MemcachedCache", CACHE_MEMCACHED_SERVERS: [plain.address], CACHE_KEY_PREFIX: "w1:" },
        "fc",
      );
      expect(fromTagged(await peer.call("get", { cache: "fc", key: "k" }))).toEqual(value);
    },
  );

  const memcacheFlags: [string, PyValue, number, PyValue][] = [
    ["bytes", new Uint8Array([9, 8]), 0, new Uint8Array([9, 8])],
    ["str", "naïve", 16, "naïve"],
    ["int", -7, 2, -7],
    ["bool (pickle)", false, 1, false],
    ["tuple (pickle)", PyTuple.fromItems([1, 2]), 1, PyTuple.fromItems([1, 2])],
  ];

  it.each(memcacheFlags)(
    "python-memcached flavour: %s keeps python-memcached's flag and reads back there",
    async (_, value, flags, back) => {
      const c = cache({ CACHE_KEY_PREFIX: "w2:" }, { memcached: { flavour: "python-memcached" } });
      expect(await c.set("k", value)).toBe(true);
      expect((await raw("w2:k"))?.flags).toBe(flags);
      expect(await pyGet("memcache", "w2:k")).toEqual(back);
    },
  );

  // Values whose pickle Python builds from fresh objects, as the tagged decoder does.
  const pickled: [string, PyValue][] = [
    ["bool", true],
    ["float", 2.5],
    ["None", null],
    ["tuple", PyTuple.fromItems<PyValue>([1, "a", -(2n ** 40n)])],
    ["list with bytes", [new Uint8Array([0, 0xe9, 0xff]), "naïve\n\\", 1e-7, [false]]],
    ["dict", Object.assign(Object.create(null), { k: [1, 2], "k é": { z: null } }) as PyValue],
    ["set", new Set<PyValue>([1, 2, 3])],
    ["datetime", new PyDatetime(2024, 5, 6, 7, 8, 9, 10)],
  ];

  it.each(pickled)(
    "python-memcached flavour: a pickled %s is byte-identical to python-memcached's (protocol 0, flag 1)",
    async (_, value) => {
      const c = cache({ CACHE_KEY_PREFIX: "p0:" }, { memcached: { flavour: "python-memcached" } });
      expect(await c.set("ours", value)).toBe(true);
      await pySet("memcache", "p0:theirs", value);
      const [ours, theirs] = await Promise.all([raw("p0:ours"), raw("p0:theirs")]);
      expect(ours?.flags).toBe(1);
      expect(ours?.hex.startsWith("80")).toBe(false); // protocol 0 has no PROTO opcode
      // Python's client wrote with time 0; only the stored bytes and flags matter here.
      expect({ flags: ours?.flags, hex: ours?.hex }).toEqual({ flags: theirs?.flags, hex: theirs?.hex });
    },
  );

  it("round-trips arbitrary JSON-like values through pylibmc (fast-check)", async () => {
    const c = cache({ CACHE_KEY_PREFIX: "fc:" });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.boolean(),
          fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }),
        ),
        async (value) => {
          // pylibmc stores a bool as int flag 2 and reads it back as an int, and so do we.
          const back = typeof value === "boolean" ? Number(value) : value;
          expect(await c.set("v", value)).toBe(true);
          expect(await pyGet("pylibmc", "fc:v")).toEqual(back);
          expect(await c.get("v")).toEqual(back);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe("values written by Python, read here", () => {
  const values: [string, PyValue][] = [
    ["bytes", new Uint8Array([1, 2, 3])],
    ["str", "ünï"],
    ["int", 123],
    ["big int", 2n ** 80n],
    ["list", [1, [2, "x"]]],
    ["float", 2.25],
    ["dict", Object.assign(Object.create(null), { a: 1 }) as PyValue],
  ];

  it.each(values)("pylibmc: %s", async (_, value) => {
    await pySet("pylibmc", "r1:k", value);
    expect(await cache({ CACHE_KEY_PREFIX: "r1:" }).get("k")).toEqual(value);
  });

  it("pylibmc's bool comes back as an int, as pylibmc reads it", async () => {
    await pySet("pylibmc", "r1:b", true);
    expect(await cache({ CACHE_KEY_PREFIX: "r1:" }).get("b")).toBe(1);
    expect(await pyGet("pylibmc", "r1:b")).toBe(1);
  });

  it.each([...values, ["bool (pickled)", true] as [string, PyValue]])(
    "python-memcached (pickle protocol 0, int flag 2): %s",
    async (_, value) => {
      await pySet("memcache", "r2:k", value);
      expect(
        await cache({ CACHE_KEY_PREFIX: "r2:" }, { memcached: { flavour: "python-memcached" } }).get("k"),
      ).toEqual(value);
    },
  );

  it("inflates zlib-compressed values (flag 8) from both clients", async () => {
    const big = "x".repeat(5000);
    for (const [client, key, flavour] of [
      ["pylibmc", "z:a", "pylibmc"],
      ["memcache", "z:b", "python-memcached"],
    ] as const) {
      await peer.call("mc_set", { name: client, key, value: big, min_compress_len: 100 });
      const item = await raw(key);
      expect((item?.flags ?? 0) & 8).toBe(8);
      expect(await cache({ CACHE_KEY_PREFIX: "z:" }, { memcached: { flavour } }).get(key.slice(2))).toBe(big);
    }
  });
});

describe("cachelib semantics", () => {
  it("sends the expiry as absolute time now + t from the cache's clock, 0 as never", async () => {
    const ahead = new FakeClock(Date.now() + 500_000);
    const c = cache({ CACHE_KEY_PREFIX: "t:" }, {}, ahead);
    await c.set("abs", "v", 100);
    const item = await raw("t:abs");
    // 500 s ahead + 100 s: only an absolute time explains a TTL near 600 s.
    expect(item?.ttl).toBeGreaterThan(580);
    expect(item?.ttl).toBeLessThanOrEqual(601);
    await c.set("never", "v", 0);
    expect((await raw("t:never"))?.ttl).toBe(-1);
    const real = cache({ CACHE_KEY_PREFIX: "t:" });
    await real.set("short", "v", 1);
    expect(await real.get("short")).toBe("v");
    await waitUntil("the 1 s item to expire", async () => (await real.get("short")) === undefined);
    expect(await pyGet("pylibmc", "t:short")).toBeNull();
  });

  it("reads invalid keys as a miss and never writes them", async () => {
    const c = cache({ CACHE_KEY_PREFIX: "" });
    for (const key of ["has space", "ctl\x01", "x".repeat(251), "\xff", ""]) {
      expect(await c.set(key, "v")).toBe(false);
      expect(await c.add(key, "v")).toBe(false);
      expect(await c.get(key)).toBeUndefined();
      expect(await c.has(key)).toBe(false);
    }
    expect(await c.set("x".repeat(250), "v")).toBe(true);
    expect(await pyGet("pylibmc", "x".repeat(250))).toBe("v");
  });

  it("has (append), add, inc/dec and clear (flush_all)", async () => {
    const c = cache({ CACHE_KEY_PREFIX: "s:" });
    expect(await c.has("a")).toBe(false);
    expect(await c.add("a", 1)).toBe(true);
    expect(await c.add("a", 2)).toBe(false);
    expect(await c.has("a")).toBe(true);
    expect(await c.get("a")).toBe(1);
    expect(await c.inc("a", 5)).toBe(6);
    expect(await c.dec("a", 10)).toBe(-4);
    expect(await pyGet("pylibmc", "s:a")).toBe(-4);
    expect((await raw("s:a"))?.flags).toBe(4);
    await pySet("pylibmc", "other", "gone too");
    expect(await c.clear()).toBe(true);
    expect(await c.has("a")).toBe(false);
    expect(await pyGet("pylibmc", "other")).toBeNull();
  });
});

describe("SpreadSASLMemcachedCache", () => {
  it("cuts values into 1,048,448-byte chunks key.0 … and reads Flask-Caching's", async () => {
    const config = { CACHE_TYPE: "SpreadSASLMemcachedCache", CACHE_KEY_PREFIX: "sp:" };
    const c = cache(config);
    // Protocol 2 writes bytes as their Latin-1 text in UTF-8: ~2.4 MB, three chunks.
    const value = new Uint8Array(1_600_000).map((_, i) => (i * 31) & 0xff);
    expect(await c.set("big", value)).toBe(true);
    const chunk0 = await raw("sp:big.0");
    const chunk2 = await raw("sp:big.2");
    expect(chunk0?.flags).toBe(0);
    expect(chunk0?.hex.length).toBe(1_048_448 * 2);
    expect(chunk2).not.toBeNull();
    expect(await raw("sp:big.3")).toBeNull();
    await peer.open({ ...config, CACHE_MEMCACHED_SERVERS: [plain.address] }, "spread");
    const back = fromTagged(await peer.call("get", { cache: "spread", key: "big" }));
    // Buffer comparison: a deep equal of megabytes is slow.
    expect(back instanceof Uint8Array && Buffer.from(back).equals(value)).toBe(true);
    await peer.call("set", { cache: "spread", key: "py", value: toTagged({ rows: [1, 2, 3] } as PyValue) });
    expect(await c.get("py")).toEqual(Object.assign(Object.create(null), { rows: [1, 2, 3] }));
    expect(await c.has("py")).toBe(true);
    expect(await c.delete("big")).toBe(true);
    expect(await raw("sp:big.0")).toBeNull();
    expect(await raw("sp:big.2")).toBeNull();
  });

  it("writes the protocol-2 pickle cachelib writes, chunk for chunk", async () => {
    const config = { CACHE_TYPE: "SpreadSASLMemcachedCache", CACHE_KEY_PREFIX: "sp2:" };
    const c = cache(config);
    await peer.open({ ...config, CACHE_MEMCACHED_SERVERS: [plain.address] }, "spread2");
    const big = new Uint8Array(1_200_000).map((_, i) => (i * 7) & 0xff); // latin1 text: > 1 chunk at protocol 2
    const values: PyValue[] = [
      Object.assign(Object.create(null), {
        rows: [1, 2.5, "é"],
        when: new PyDatetime(2024, 1, 2),
      }) as PyValue,
      new Set<PyValue>([1, 2]),
      big,
    ];
    for (const value of values) {
      expect(await c.set("ours", value)).toBe(true);
      await peer.call("set", { cache: "spread2", key: "theirs", value: toTagged(value) });
      for (let i = 0; i < 4; i++) {
        const [ours, theirs] = await Promise.all([raw(`sp2:ours.${i}`), raw(`sp2:theirs.${i}`)]);
        // Boolean, not toEqual: a failing diff of megabytes of hex is unreadable.
        expect(ours?.hex === theirs?.hex && ours?.flags === theirs?.flags).toBe(true);
        if (i === 0) expect(ours?.hex.startsWith("8002")).toBe(true);
      }
      expect(await raw("sp2:ours.1")).toEqual(value === big ? expect.anything() : null);
    }
  });

  it("refuses a value needing more than 32 chunks", async () => {
    const c = cache({ CACHE_TYPE: "SpreadSASLMemcachedCache" });
    expect(await c.set("huge", new Uint8Array(1_048_448 * 32 + 100))).toBe(false);
    expect(c.errorCounts()).toHaveProperty("MEMCACHED_VALUE_TOO_LARGE");
  });
});

describe("SASLMemcachedCache", () => {
  it("authenticates with SASL PLAIN and shares values with Flask-Caching both ways", async () => {
    const config = {
      CACHE_TYPE: "SASLMemcachedCache",
      CACHE_MEMCACHED_SERVERS: [sasl.address],
      CACHE_MEMCACHED_USERNAME: SASL.username,
      CACHE_MEMCACHED_PASSWORD: SASL.password,
      CACHE_KEY_PREFIX: "sasl:",
    };
    const c = cache(config);
    expect(await c.set("a", [1, "two"])).toBe(true);
    await peer.open(config, "sasl");
    expect(fromTagged(await peer.call("get", { cache: "sasl", key: "a" }))).toEqual([1, "two"]);
    await peer.call("set", { cache: "sasl", key: "b", value: "from python" });
    expect(await c.get("b")).toBe("from python");
  });

  it("fails with MEMCACHED_AUTH_FAILED on a wrong password, and plain clients are refused", async () => {
    const c = cache({
      CACHE_TYPE: "SASLMemcachedCache",
      CACHE_MEMCACHED_SERVERS: [sasl.address],
      CACHE_MEMCACHED_USERNAME: SASL.username,
      CACHE_MEMCACHED_PASSWORD: "wrong",
    });
    expect(await c.set("a", 1)).toBe(false);
    expect(c.errorCounts()).toHaveProperty("MEMCACHED_AUTH_FAILED");
    const anonymous = cache({ CACHE_MEMCACHED_SERVERS: [sasl.address] });
    expect(await anonymous.get("a")).toBeUndefined();
    expect(Object.keys(anonymous.errorCounts()).length).toBeGreaterThan(0);
  });
});
