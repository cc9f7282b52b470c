/**
 * Redis get/set of 1 KB and 100 KB values at concurrency 1 and 64, side by side against one
 * redis-server started for the run: ours (createCache → Cache + RedisSerializer + RedisBackend,
 * and the bare RedisBackend), raw ioredis (getBuffer/set, with and without auto-pipelining),
 * raw node-redis, keyv + @keyv/redis, cache-manager 7 over a Keyv Redis store, bentocache with
 * only its Redis layer, and Python Flask-Caching RedisCache (a subprocess timing its own loop,
 * concurrency 1). Ops/s are medians of rounds; p50/p99 are per-call latencies.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import KeyvRedis, { Keyv } from "@keyv/redis";
import { BentoCache, bentostore } from "bentocache";
import { redisDriver } from "bentocache/drivers/redis";
import { createCache as createCacheManager } from "cache-manager";
import { Redis } from "ioredis";
import { createClient, RESP_TYPES } from "redis";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { createCache } from "#src/manager/create-cache.js";
import { debianPython } from "../../test/helpers/python.js";
import { RedisServer } from "../../test/helpers/redis-server.js";
import { type Measurement, type Ratio, ratio, type SuiteResult } from "../harness.js";
import { type Impl, measureInterleaved, type Op } from "../interleaved.js";
import { FLOOR_IMPL, redisBenchmarkFloor } from "../redis-floor.js";

const SIZES = { "1KB": 1024, "100KB": 100 * 1024 } as const;
const CONCURRENCY = [1, 64] as const;
const ROUNDS = 9;
const ROUND_MS = 250;
const WARMUP_MS = 100;
const TIMING = { rounds: ROUNDS, roundMs: ROUND_MS, warmupMs: WARMUP_MS };
const KEYS = 64;

/**
 * One timed round per stdin line ({"op", "ms"}); prints {"ops", "lat"} (µs) and "faults" (minor
 * page faults of the process per call). Concurrency 1.
 */
const PYTHON_ROUNDS = `
import json, resource, sys, time
from flask import Flask
from flask_caching import Cache
url, size = sys.argv[1], int(sys.argv[2])
cache = Cache(Flask("bench"), config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url})
value = b"x" * size
keys = ["py:%d" % i for i in range(64)]
for k in keys: cache.set(k, value, timeout=600)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    fn = (lambda k: cache.get(k)) if req["op"] == "get" else (lambda k: cache.set(k, value, timeout=600))
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    lat, n, start = [], 0, time.perf_counter()
    end = start + req["ms"] / 1000
    while True:
        t0 = time.perf_counter(); fn(keys[n % 64]); t1 = time.perf_counter()
        lat.append((t1 - t0) * 1e6); n += 1
        if t1 >= end: break
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / n
    print(json.dumps({"ops": n / (t1 - start), "lat": lat, "faults": faults}), flush=True)
`;

/** Flask-Caching RedisCache in a Python subprocess, driven round by round so it interleaves with ours. */
async function pythonImpl(url: string, size: number): Promise<{ impl: Impl; close: () => void }> {
  const child = spawn(debianPython(), ["-c", PYTHON_ROUNDS, url, String(size)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () =>
    JSON.parse(((await lines.next()).value as string | undefined) ?? "null") as Record<string, unknown>;
  if (!(await next())?.ready) throw new Error("python bench peer did not start");
  const unused: Op = () => Promise.reject(new Error("python runs its own rounds"));
  const impl: Impl = {
    name: "flask-caching (python)",
    get: unused,
    set: unused,
    round: async (op, ms) => {
      child.stdin.write(`${JSON.stringify({ op, ms })}\n`);
      const r = (await next()) as { ops: number; lat: number[]; faults: number };
      return { ops: r.ops, latencies: r.lat, faultsPerOp: r.faults };
    },
  };
  return { impl, close: () => child.stdin.end() };
}

async function makeImpls(
  server: RedisServer,
  bytes: Buffer,
  text: string,
): Promise<{ impls: Impl[]; close: () => Promise<void> }> {
  const url = `${server.url}/0`;
  const key = (prefix: string, i: number) => `${prefix}${i % KEYS}`;
  const closers: (() => Promise<unknown> | unknown)[] = [];

  const cache = createCache({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url });
  await cache.whenReady();
  closers.push(() => cache.close());
  const backend = RedisBackend.fromConfig({ CACHE_REDIS_URL: url });
  closers.push(() => backend.close());

  const io = new Redis({ host: server.host, port: server.port });
  const ioAuto = new Redis({ host: server.host, port: server.port, enableAutoPipelining: true });
  closers.push(
    () => io.disconnect(),
    () => ioAuto.disconnect(),
  );

  const nr = await createClient({ url }).connect();
  const nrBuf = nr.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  closers.push(() => nr.close());

  const keyv = new Keyv(new KeyvRedis(url));
  closers.push(() => keyv.disconnect());
  const cmKeyv = new Keyv({ store: new KeyvRedis(url) });
  const cm = createCacheManager({ stores: [cmKeyv] });
  closers.push(() => cm.disconnect());
  const bento = new BentoCache({
    default: "redis",
    stores: {
      redis: bentostore().useL2Layer(redisDriver({ connection: { host: server.host, port: server.port } })),
    },
  });
  closers.push(() => bento.disconnectAll());

  const impls: Impl[] = [
    {
      name: "ours (Cache)",
      get: (i) => cache.get(key("o:", i)),
      set: (i) => cache.set(key("o:", i), bytes, 600),
    },
    {
      name: "ours (backend)",
      get: (i) => backend.get(key("b:", i)),
      set: (i) => backend.set(key("b:", i), bytes, 600),
    },
    {
      name: "ioredis",
      get: (i) => io.getBuffer(key("r:", i)),
      set: (i) => io.set(key("r:", i), bytes, "EX", 600),
    },
    {
      name: "ioredis autopipeline",
      get: (i) => ioAuto.getBuffer(key("r:", i)),
      set: (i) => ioAuto.set(key("r:", i), bytes, "EX", 600),
    },
    {
      name: "node-redis",
      get: (i) => nrBuf.get(key("r:", i)),
      set: (i) => nr.set(key("r:", i), bytes, { EX: 600 }),
    },
    {
      name: "keyv+@keyv/redis",
      get: (i) => keyv.get(key("k:", i)),
      set: (i) => keyv.set(key("k:", i), text, 600_000),
    },
    {
      name: "cache-manager",
      get: (i) => cm.get(key("c:", i)),
      set: (i) => cm.set(key("c:", i), text, 600_000),
    },
    {
      name: "bentocache (redis only)",
      get: (i) => bento.get({ key: key("e:", i) }),
      set: (i) => bento.set({ key: key("e:", i), value: text, ttl: "10m" }),
    },
  ];
  for (const impl of impls) for (let i = 0; i < KEYS; i++) await impl.set(i);
  return { impls, close: async () => void (await Promise.all(closers.map((c) => c()))) };
}

const RAW = ["ioredis", "ioredis autopipeline", "node-redis"];
const OURS = ["ours (backend)", "ours (Cache)"];

/**
 * theirs p50 / ours p50 (> 1 = ours faster). On a shared, overloaded machine the median latency
 * is far less sensitive to a process being descheduled than ops/s, which the tail dominates.
 */
function p50Ratio(
  inCase: Measurement[],
  caseName: string,
  ours: string,
  theirs: string,
  target: string,
): Ratio {
  const a = inCase.find((m) => m.impl === ours)!;
  const b = inCase.find((m) => m.impl === theirs)!;
  return {
    case: caseName,
    ours: `${ours} p50`,
    theirs: `${theirs} p50`,
    ratio: b.p50Micros! / a.p50Micros!,
    target,
  };
}
const NODE_PEERS = ["keyv+@keyv/redis", "cache-manager", "bentocache (redis only)"];

export default async function redisSuite(): Promise<SuiteResult> {
  const server = await RedisServer.start({ label: "bench" });
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  try {
    for (const [label, size] of Object.entries(SIZES)) {
      const bytes = Buffer.alloc(size, 0x78);
      const { impls, close } = await makeImpls(server, bytes, "x".repeat(size));
      const python = await pythonImpl(`${server.url}/1`, size);
      const floorImpl = redisBenchmarkFloor(server.host, server.port, size);
      const floor: Impl = { ...floorImpl, get: python.impl.get, set: python.impl.set };
      for (const c of CONCURRENCY) {
        for (const op of ["get", "set"] as const) {
          const caseName = `${op} ${label} c=${c}`;
          const contenders = c === 1 ? [...impls, python.impl, floor] : impls;
          measurements.push(...(await measureInterleaved(caseName, contenders, op, c, TIMING)));
        }
      }
      python.close();
      await close();
      for (const c of CONCURRENCY) {
        for (const op of ["get", "set"] as const) {
          const caseName = `${op} ${label} c=${c}`;
          const inCase = measurements.filter((m) => m.case === caseName);
          const fastestRaw = RAW.map((n) => inCase.find((m) => m.impl === n)!).sort(
            (a, b) => b.opsPerSec - a.opsPerSec,
          )[0]!;
          const fastestRawP50 = RAW.map((n) => inCase.find((m) => m.impl === n)!).sort(
            (a, b) => a.p50Micros! - b.p50Micros!,
          )[0]!;
          for (const ours of OURS) {
            ratios.push(ratio(measurements, caseName, ours, fastestRaw.impl, ">= 0.9 (fastest raw, ops/s)"));
            ratios.push(p50Ratio(inCase, caseName, ours, fastestRawP50.impl, ">= 0.9 (fastest raw, p50)"));
            for (const peer of NODE_PEERS) {
              ratios.push(ratio(measurements, caseName, ours, peer, "> 1 (ops/s)"));
              ratios.push(p50Ratio(inCase, caseName, ours, peer, "> 1 (p50)"));
            }
            if (c === 1) {
              ratios.push(ratio(measurements, caseName, ours, "flask-caching (python)", ">= 3 (ops/s)"));
              ratios.push(p50Ratio(inCase, caseName, ours, "flask-caching (python)", ">= 3 (p50)"));
              ratios.push(ratio(measurements, caseName, ours, FLOOR_IMPL, "<= 1: nothing beats the floor"));
            }
          }
          if (c === 1) {
            // How far above Python the C floor itself is: the most any client could reach here.
            ratios.push(
              ratio(measurements, caseName, FLOOR_IMPL, "flask-caching (python)", "the ceiling for '>= 3'"),
            );
          }
        }
      }
    }
  } finally {
    await server.stop();
  }
  return {
    suite: "redis",
    measurements,
    ratios,
    notes: [
      "one redis-server 7.0 on loopback started for the run (save '', no AOF); all clients share it",
      "ours/raw clients store Buffers; keyv, cache-manager and bentocache store a string of the same length (they serialize to JSON)",
      "ours (Cache) pickles the bytes value (`!` + protocol 5) exactly as Flask-Caching; timeouts 600 s everywhere",
      `ops/s = median of ${ROUNDS} interleaved rounds × ${ROUND_MS} ms after ${WARMUP_MS} ms warm-up; p50/p99 per call over all rounds`,
      "ratios come in two forms: ops/s (ours/theirs) and p50 latency (theirs/ours); both > 1 mean ours is faster",
      "Python: Flask-Caching 2.0.2 RedisCache in a subprocess timing its own loop (concurrency 1), driven round by round so its rounds interleave with ours",
      "redis-benchmark (C, hiredis, -c 1) on the same server, round by round: the concurrency-1 floor (one loopback round trip per call); its p50/p99 are its own percentiles",
    ],
  };
}
