/**
 * RedisBackend on a real 3-master Redis Cluster, against real Flask-Caching RedisClusterCache:
 * golden values both ways, getMany across slots (one MGET per slot, caller's order), setMany and
 * deleteMany across slots, clear over every master, and our hash slots checked against the
 * server's CLUSTER KEYSLOT.
 */
import fc from "fast-check";
import { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { keySlot } from "#src/backends/redis/cluster-slots.js";
import { watchEventLoopLag } from "#test/helpers/event-loop-lag.js";
import {
  FlaskPeer,
  type GoldenCase,
  goldenTimeout,
  redisGoldenCases,
  trackUnhandledRejections,
} from "#test/helpers/redis-peer.js";
import { type RedisClusterSet, startCluster } from "#test/helpers/redis-server.js";
import { waitUntil } from "#test/helpers/wait-until.js";

const PREFIX = "flask_cache_";
const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString("hex"));

let cluster: RedisClusterSet;
let peer: FlaskPeer;
let ours: RedisBackend;
let raw: Cluster;
let cases: GoldenCase[];
const unhandled = trackUnhandledRejections();

beforeAll(async () => {
  cluster = await startCluster(3);
  const nodes = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(",");
  peer = new FlaskPeer();
  cases = await redisGoldenCases();
  expect(
    await peer.call("open", { config: { CACHE_TYPE: "RedisClusterCache", CACHE_REDIS_CLUSTER: nodes } }),
  ).toBe("RedisClusterCache");
  ours = RedisBackend.fromConfig({ CACHE_TYPE: "RedisClusterCache", CACHE_REDIS_CLUSTER: nodes });
  raw = new Cluster([{ host: "127.0.0.1", port: cluster.nodes[0]!.port }]);
});

afterAll(async () => {
  await ours?.close();
  raw?.disconnect();
  await peer?.close();
  await cluster?.stop();
  unhandled.stop();
  expect(unhandled.count()).toBe(0);
});

describe("Redis Cluster interop", () => {
  it("our hash slot equals CLUSTER KEYSLOT for arbitrary keys (incl. hash tags)", async () => {
    const node = cluster.nodes[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: "grapheme", maxLength: 20 }),
          fc.constantFrom("{a}b", "x{}y", "{}", "a{b}{c}", "{{x}}"),
        ),
        async (key) => {
          const server = Number(await raw.nodes("master")[0]!.call("CLUSTER", "KEYSLOT", key));
          expect(keySlot(key)).toBe(server);
        },
      ),
      { numRuns: 80 },
    );
    expect(node.running).toBe(true);
  });

  it("Python writes every golden case; our getMany across slots returns Python's bytes in order", async () => {
    for (const c of cases) {
      if (c.operation === "inc") await peer.call("inc", { key: c.key, delta: 5 });
      else await peer.call("set", { key: c.key, value: c.value, timeout: goldenTimeout(c) });
    }
    const slots = new Set(cases.map((c) => keySlot(c.storage_key)));
    expect(slots.size).toBeGreaterThan(10);
    const got = await ours.getMany([...cases.map((c) => c.storage_key), `${PREFIX}missing`]);
    const pythonRaw = await Promise.all(cases.map((c) => peer.call<string>("raw_get", { key: c.key })));
    expect(got.map(hex)).toEqual([...pythonRaw, undefined]);
    expect(hex(got[0])).toBe(cases[0]!.raw_hex);
    expect(await raw.ttl(`${PREFIX}golden:with_timeout_60`)).toBeGreaterThan(57);
  });

  it("we write across slots with setMany; Python reads each value and TTL is ours", async () => {
    const entries = cases.map((c) => ({
      key: `${PREFIX}ts:${c.name}`,
      value: Buffer.from(c.raw_hex, "hex"),
      timeout: c.name === "with_timeout_60" ? 60 : 0,
    }));
    expect(await ours.setMany(entries)).toEqual(entries.map(() => true));
    for (const c of cases) {
      expect(await peer.call("raw_get", { key: `ts:${c.name}` })).toBe(c.raw_hex);
      if (!["counter_inc", "dataframe"].includes(c.name)) {
        expect(await peer.call("get", { key: `ts:${c.name}` })).toEqual(c.value);
      }
    }
    expect(await raw.ttl(`${PREFIX}ts:with_timeout_60`)).toBeGreaterThan(57);
  });

  it("set/add/has/incr/deleteMany across slots", async () => {
    const v = Buffer.from("2180054e2e", "hex");
    expect(await ours.add(`${PREFIX}c:a`, v, 30)).toBe(true);
    expect(await ours.add(`${PREFIX}c:a`, v, 30)).toBe(false);
    expect(await ours.has(`${PREFIX}c:a`)).toBe(true);
    expect(await ours.incr(`${PREFIX}c:n`, 3)).toBe(3);
    expect(await peer.call("inc", { key: "c:n", delta: 1 })).toBe(4);
    const keys = ["c:a", "c:n", "c:none", "ts:str_ascii"].map((k) => PREFIX + k);
    expect(new Set(keys.map(keySlot)).size).toBe(4);
    expect(await ours.deleteMany(keys)).toEqual([true, true, false, true]);
    expect(await peer.call("has", { key: "c:a" })).toBe(false);
  });

  it("clear deletes the prefix on every master and nothing else", async () => {
    await raw.set("other:1", "keep");
    await raw.set("other:2", "keep");
    const before = await Promise.all(raw.nodes("master").map((n) => n.dbsize()));
    expect(before.filter((n) => n > 0).length).toBe(3);
    expect(await ours.clear(PREFIX)).toBe(true);
    const left = (await Promise.all(raw.nodes("master").map((n) => n.keys("*")))).flat().sort();
    expect(left).toEqual(["other:1", "other:2"]);
    expect(await peer.call("get", { key: "golden:str_ascii" })).toBeNull();
  });

  it("faults: every master killed → calls settle within the command timeout + 50 ms; restart → traffic again", async () => {
    const nodes = cluster.nodes.map((n) => `127.0.0.1:${n.port}`).join(",");
    const b = RedisBackend.fromConfig(
      { CACHE_TYPE: "RedisClusterCache", CACHE_REDIS_CLUSTER: nodes },
      { commandTimeoutMs: 500 },
    );
    // Connecting and reading the slot map is not what is timed: write once it is done.
    await waitUntil("a first write through the new client", () =>
      b.set(`${PREFIX}fault`, Buffer.from("2180054e2e", "hex"), 0).catch(() => false),
    );
    raw.disconnect();
    const lag = watchEventLoopLag();
    for (const n of cluster.nodes) await n.kill();
    const settled = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const t0 = performance.now();
        const op = i % 2 ? b.get(`${PREFIX}fault`) : b.set(`${PREFIX}f${i}`, Buffer.from([1]), 10);
        const code = await op.then(
          () => "ok",
          (e: { code?: string }) => e.code ?? "none",
        );
        return { code, ms: performance.now() - t0 };
      }),
    );
    for (const r of settled) {
      // Cluster calls get their own deadline (ioredis's cluster offline queue has none).
      // Timers fire late by the event-loop lag when the machine is loaded.
      expect(r.ms).toBeLessThanOrEqual(550 + lag.maxMs());
      expect(r.code).toMatch(/^REDIS_/);
    }
    lag.stop();
    for (const n of cluster.nodes) await n.restart();
    // Until the nodes have met again and the client has reconnected a write fails.
    await waitUntil("a write after the restart", () =>
      b.set(`${PREFIX}fault`, Buffer.from("2180054e2e", "hex"), 0).catch(() => false),
    );
    await b.close();
  }, 120_000); // the restart waits for a state, up to STATE_DEADLINE_MS
});
