/**
 * getOrSet against real redis-server processes:
 * - stampede: 200 concurrent calls for one cold key from 4 Node processes (50 each) with a
 *   RedisLock. The factory counts its runs in Redis: exactly one run in the lock window, every
 *   caller gets that run's value, no caller waits past the hard timeout, and Python
 *   Flask-Caching reads the entry as a normal one.
 * - outage: grace on, the server is killed while a stale value exists; callers are answered
 *   from the in-process grace copy within the soft timeout, counted.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisLock } from "#src/backends/redis/lock.js";
import { GRACE_KEY_SUFFIX } from "#src/cache/stampede/get-or-set.js";
import { createCache } from "#src/manager/create-cache.js";
import { HELPERS_DIR, REPO_ROOT } from "#test/helpers/paths.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const PROCESSES = 4;
const CALLS_PER_PROCESS = 50;
const FACTORY_MS = 400;
const HARD_SECONDS = 8;
/** Scheduling slack on a shared 2-core box, on top of the hard timeout. */
const SLACK_MS = 500;

interface WorkerSummary {
  outcomes: string[];
  maxElapsedMs: number;
  stats: {
    hits: number;
    factoryRuns: number;
    lockWaitHits: number;
    singleFlightJoins: number;
    locksAcquired: number;
  };
}

/** A stampede worker process: `ready` once it has connected; `start()` lets it fire its calls. */
interface Worker {
  ready: Promise<void>;
  start(): void;
  summary: Promise<WorkerSummary>;
}

function runWorker(args: string[]): Worker {
  const child = spawn(
    join(REPO_ROOT, "node_modules", ".bin", "tsx"),
    [join(HELPERS_DIR, "stampede-worker.ts"), ...args],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.startsWith("ready\n")) markReady();
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d.toString();
  });
  const summary = new Promise<WorkerSummary>((resolve, reject) => {
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`worker exited ${code}: ${err}`));
      else resolve(JSON.parse(out.trim().split("\n").pop() as string) as WorkerSummary);
    });
  });
  // A worker that dies before `ready` must fail the test, not leave it waiting.
  const readyOrExit = Promise.race([
    ready,
    summary.then(() => Promise.reject(new Error("worker exited before ready"))),
  ]);
  return { ready: readyOrExit, start: () => child.stdin.end("go\n"), summary };
}

describe("getOrSet stampede across 4 processes", () => {
  let server: RedisServer;
  let peer: FlaskPeer;
  beforeAll(async () => {
    server = await RedisServer.start({ label: "stampede" });
    peer = await FlaskPeer.start();
  });
  afterAll(async () => {
    await peer?.close();
    await server?.stop();
  });

  it("one factory run per lock window, every caller gets its value, none past the hard timeout", async () => {
    const url = `${server.url}/0`;
    const key = "chart:cold";
    const workers = Array.from({ length: PROCESSES }, () =>
      runWorker([url, String(CALLS_PER_PROCESS), key, String(FACTORY_MS), String(HARD_SECONDS)]),
    );
    // Start together once all four have started and connected, however long tsx takes.
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.start();
    const summaries = await Promise.all(workers.map((w) => w.summary));
    const counter = new Redis(url);
    const runs = Number(await counter.get("stampede:factory-runs"));
    counter.disconnect();
    const outcomes = summaries.flatMap((s) => s.outcomes);
    expect(outcomes).toHaveLength(PROCESSES * CALLS_PER_PROCESS);
    expect(outcomes.filter((o) => o.startsWith("error"))).toEqual([]);
    expect(runs).toBe(1);
    expect(new Set(outcomes).size).toBe(1);
    expect(JSON.parse(outcomes[0] as string)).toMatchObject({ chart: "sales", run: 1 });
    expect(summaries.reduce((n, s) => n + s.stats.factoryRuns, 0)).toBe(1);
    // The three processes that lost the lock got the value by polling.
    // Every other process polled for the holder's value, or started after it was stored (hits).
    for (const s of summaries) {
      expect(s.stats.factoryRuns + s.stats.lockWaitHits + (s.stats.hits === CALLS_PER_PROCESS ? 1 : 0)).toBe(
        1,
      );
    }
    for (const s of summaries) {
      if (s.stats.hits < CALLS_PER_PROCESS) expect(s.stats.singleFlightJoins).toBe(CALLS_PER_PROCESS - 1);
      expect(s.maxElapsedMs).toBeLessThan(HARD_SECONDS * 1000 + SLACK_MS);
    }
    // Python Flask-Caching sees a normal entry under the same prefix.
    await peer.open({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url, CACHE_KEY_PREFIX: "superset_" });
    expect(await peer.call("get", { key })).toMatchObject({
      chart: "sales",
      rows: [
        [1, "a"],
        [2, "b"],
      ],
      run: 1,
    });
    // The lock was released (compare-and-delete) and no grace companion was written (grace off).
    const check = new Redis(url);
    expect(await check.exists(`superset_${key}::lock`)).toBe(0);
    expect(await check.exists(`superset_${key}${GRACE_KEY_SUFFIX}`)).toBe(0);
    check.disconnect();
  }, 60_000);
});

describe("getOrSet outage with grace", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start({ label: "outage" });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("answers from the grace copy within the soft timeout while redis-server is dead", async () => {
    const url = `${server.url}/0`;
    const cache = createCache({
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: url,
      CACHE_KEY_PREFIX: "superset_",
      CACHE_OPTIONS: { socket_timeout: 2, socket_connect_timeout: 2 },
    });
    const lockClient = new Redis(url, { maxRetriesPerRequest: 0, commandTimeout: 2000 });
    lockClient.on("error", () => undefined); // reconnect errors while the server is dead
    const options = {
      timeout: 60,
      graceSeconds: 300,
      softTimeoutSeconds: 0.3,
      hardTimeoutSeconds: 3,
      lock: new RedisLock(lockClient),
    };
    const SOFT_MS = 300;
    try {
      expect(await cache.getOrSet("dash", () => ({ total: 42 }), options)).toEqual({ total: 42 });
      expect(await cache.get(`dash${GRACE_KEY_SUFFIX}`)).toEqual({ total: 42 });

      const b = cache.getOrSetStats().staleServed;
      // (The fill itself may count one soft-timeout answer: the copy is kept before the write.)
      const staleBefore = b.softTimeout + b.backendError + b.factoryError;
      await server.kill();
      let factoryCalls = 0;
      const failingFactory = async () => {
        factoryCalls++;
        throw new Error("warehouse unreachable too");
      };
      const slowFactory = async () => {
        factoryCalls++;
        await new Promise((r) => setTimeout(r, 2000));
        return { total: 43 };
      };
      const elapsed: number[] = [];
      const answers = await Promise.all(
        Array.from({ length: 40 }, async (_, i) => {
          const t0 = Date.now();
          const v = await cache.getOrSet("dash", i % 2 ? failingFactory : slowFactory, options);
          elapsed.push(Date.now() - t0);
          return v;
        }),
      );
      for (const a of answers) expect(a).toEqual({ total: 42 });
      // Within the soft timeout (plus scheduling slack), never the 2 s socket timeout.
      expect(Math.max(...elapsed)).toBeLessThan(SOFT_MS + SLACK_MS);
      const s = cache.getOrSetStats();
      const stale = s.staleServed.softTimeout + s.staleServed.backendError + s.staleServed.factoryError;
      expect(stale - staleBefore).toBe(40);
      // A second wave, after the backend failures are known, is answered the same way.
      const t1 = Date.now();
      expect(await cache.getOrSet("dash", failingFactory, options)).toEqual({ total: 42 });
      expect(Date.now() - t1).toBeLessThan(SOFT_MS + SLACK_MS);
      expect(factoryCalls).toBeLessThanOrEqual(2);

      // Without grace the same outage has nothing to serve: the factory's error surfaces.
      await expect(cache.getOrSet("other", failingFactory, { ...options, graceSeconds: 0 })).rejects.toThrow(
        "warehouse unreachable too",
      );
    } finally {
      await cache.close();
      lockClient.disconnect();
    }
  }, 60_000);
});
