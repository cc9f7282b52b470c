/**
 * RedisBackend under Sentinel (one primary, one replica, three sentinels) against real
 * Flask-Caching RedisSentinelCache: golden values both ways, replica reads as an option, and a
 * failover: kill the primary, writes succeed again once the sentinels promote the replica.
 */
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
import { type SentinelSet, startSentinelSet } from "#test/helpers/redis-server.js";
import { waitUntil } from "#test/helpers/wait-until.js";

const PREFIX = "flask_cache_";
const hex = (b: Uint8Array | undefined) => (b === undefined ? undefined : Buffer.from(b).toString("hex"));

let set: SentinelSet;
let peer: FlaskPeer;
let ours: RedisBackend;
let master: Redis;
let cases: GoldenCase[];
const unhandled = trackUnhandledRejections();

function sentinelConfig() {
  return {
    CACHE_TYPE: "RedisSentinelCache",
    CACHE_REDIS_SENTINELS: set.sentinels.map((s) => ["127.0.0.1", s.port] as [string, number]),
    CACHE_REDIS_SENTINEL_MASTER: set.masterName,
  };
}

/** How many GET and EXISTS commands a server has run (INFO commandstats). */
async function readCommandCalls(server: Redis): Promise<{ get: number; exists: number }> {
  const stats = await server.info("commandstats");
  const calls = (command: string) =>
    Number(new RegExp(`^cmdstat_${command}:calls=(\\d+)`, "m").exec(stats)?.[1] ?? 0);
  return { get: calls("get"), exists: calls("exists") };
}

/** Wait until the replica has every write so far (Python reads from the replica). */
async function replicated(): Promise<void> {
  // WAIT with timeout 0 blocks until one replica acknowledges, however long that takes.
  expect(Number(await master.call("WAIT", "1", "0"))).toBeGreaterThanOrEqual(1);
}

beforeAll(async () => {
  set = await startSentinelSet();
  peer = new FlaskPeer();
  cases = await redisGoldenCases();
  expect(await peer.call("open", { config: sentinelConfig() })).toBe("RedisSentinelCache");
  ours = RedisBackend.fromConfig(sentinelConfig(), { commandTimeoutMs: 1000 });
  master = new Redis({ host: set.primary.host, port: set.primary.port });
}, 120_000);

afterAll(async () => {
  await ours?.close();
  master?.disconnect();
  await peer?.close();
  await set?.stop();
  unhandled.stop();
  expect(unhandled.count()).toBe(0);
});

describe("Sentinel interop", () => {
  it("Python writes through the master; we read every golden value (from the master by default)", async () => {
    for (const c of cases) {
      if (c.operation === "inc") await peer.call("inc", { key: c.key, delta: 5 });
      else await peer.call("set", { key: c.key, value: c.value, timeout: goldenTimeout(c) });
    }
    await replicated();
    const got = await ours.getMany(cases.map((c) => c.storage_key));
    const pythonRaw = await Promise.all(cases.map((c) => peer.call<string>("raw_get", { key: c.key })));
    expect(got.map(hex)).toEqual(pythonRaw);
    expect(hex(got[0])).toBe(cases[0]!.raw_hex);
    expect(await master.ttl(`${PREFIX}golden:with_timeout_60`)).toBeGreaterThan(57);
  });

  it("we write; Python (reading from the replica) gets the golden values", async () => {
    for (const c of cases)
      await ours.set(`${PREFIX}ts:${c.name}`, Buffer.from(c.raw_hex, "hex"), goldenTimeout(c));
    await replicated();
    for (const c of cases) {
      expect(await peer.call("raw_get", { key: `ts:${c.name}` })).toBe(c.raw_hex);
      if (!["counter_inc", "dataframe"].includes(c.name)) {
        expect(await peer.call("get", { key: `ts:${c.name}` })).toEqual(c.value);
      }
    }
  });

  it("sentinelReadFrom 'replica' reads from the replica as Flask-Caching does", async () => {
    const replicaReads = RedisBackend.fromConfig(sentinelConfig(), { sentinelReadFrom: "replica" });
    await ours.set(`${PREFIX}rr`, Buffer.from("2180054e2e", "hex"), 0);
    await replicated();
    const replica = new Redis({ host: set.replica.host, port: set.replica.port });
    // The replica connection opens in the background; until then reads use the master.
    await waitUntil(
      "a GET served by the replica",
      async () => {
        expect(hex(await replicaReads.get(`${PREFIX}rr`))).toBe("2180054e2e");
        return /cmd=get/.test(String(await replica.call("CLIENT", "LIST")));
      },
      { intervalMs: 100 },
    );
    replica.disconnect();
    await replicaReads.close();
  }, 120_000); // state waits inside, each up to STATE_DEADLINE_MS

  it("failover: kill the primary; writes succeed again after the sentinels promote the replica", async () => {
    const oldPort = set.primary.port;
    master.disconnect();
    await set.primary.kill();
    const v = Buffer.from("2180054b2a2e", "hex");
    let failures = 0;
    // Writes fail while there is no master, then succeed once the client follows the promotion.
    await waitUntil(
      "a write accepted after the failover",
      async () => {
        try {
          return await ours.set(`${PREFIX}after-failover`, v, 0);
        } catch (err) {
          failures++;
          expect((err as { code?: string }).code).toMatch(/^REDIS_/);
          return false;
        }
      },
      { intervalMs: 100 },
    );
    expect(failures).toBeGreaterThan(0);
    // The sentinels learn the new master one by one; ask them only once they all agree.
    await set.waitForMaster(set.replica.port);
    expect(set.masterPorts()).toEqual(set.sentinels.map(() => set.replica.port));
    expect(set.masterPorts()).not.toContain(oldPort);
    expect(hex(await ours.get(`${PREFIX}after-failover`))).toBe("2180054b2a2e");
    const promoted = new Redis({ host: set.replica.host, port: set.replica.port });
    expect((await promoted.getBuffer(`${PREFIX}after-failover`))?.toString("hex")).toBe("2180054b2a2e");
    promoted.disconnect();
  }, 180_000); // state waits inside, each up to STATE_DEADLINE_MS

  it("replica reads fall back to the master when no replica is available (after the failover)", async () => {
    const replicaReads = RedisBackend.fromConfig(sentinelConfig(), {
      sentinelReadFrom: "replica",
      commandTimeoutMs: 1000,
    });
    const promoted = new Redis({ host: set.replica.host, port: set.replica.port });
    const readsBefore = await readCommandCalls(promoted);
    // A read held back for a replica would hit the 1000 ms command timeout and throw.
    expect(hex(await replicaReads.get(`${PREFIX}after-failover`))).toBe("2180054b2a2e");
    expect(await replicaReads.has(`${PREFIX}after-failover`)).toBe(true);
    expect(await readCommandCalls(promoted)).toEqual({
      get: readsBefore.get + 1,
      exists: readsBefore.exists + 1,
    });
    promoted.disconnect();
    await replicaReads.close();
  });
});
