/**
 * How cost grows: `clear` and `keys` over 1M Redis keys, `invalidate` over 100k keys, the decode
 * of a 100 MB DataFrame entry (time and peak RSS), and 10,000 concurrent `getOrSet` callers on
 * one cold key. Python peers where Superset has the same operation: Flask-Caching's
 * `RedisCache.clear()` and `delete_many()` (what Superset's invalidate endpoint calls), and
 * CPython's `pickle.loads`. One op = the whole operation, so ops/s = 1 / seconds.
 * `BENCH_SCALE` (default 1) multiplies every size, e.g. `BENCH_SCALE=0.001` for a smoke run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { keysCommand } from "#src/cli/redis-commands.js";
import { CacheManager } from "#src/manager/cache-manager.js";
import { createCache } from "#src/manager/create-cache.js";
import { DatasourceKeyIndex } from "#src/ops/datasource-key-index.js";
import { invalidate } from "#src/ops/invalidate.js";
import { debianPython } from "../../test/helpers/python.js";
import { RedisServer } from "../../test/helpers/redis-server.js";
import { type Measurement, median, type Ratio, type SuiteResult } from "../harness.js";
import { envCount, roundsOr } from "../runs.js";
import { decodePeakMemory, runOurCase } from "./pickle.js";

const SCALE = Number(process.env.BENCH_SCALE) > 0 ? Number(process.env.BENCH_SCALE) : 1;
const sized = (full: number, least: number) => Math.max(least, Math.round(full * SCALE));
const CLEAR_KEYS = sized(1_000_000, 100);
const INVALIDATE_KEYS = sized(100_000, 100);
const FRAME_MB = sized(100, 1);
const CALLERS = sized(10_000, 100);
/** Repetitions of each timed operation (median reported). */
const REPEATS = roundsOr(3);
const FILL_BATCH = envCount("BENCH_SCALE_FILL_BATCH", 10_000);
const PREFIX = "scale_";
const VALUE = Buffer.from("!\x80\x05K\x01.", "latin1"); // Flask-Caching's pickle of 1

const OURS = "superset-cache";
const PYTHON = "Flask-Caching 2.0.2 (CPython)";
const CPYTHON = "python-C-pickle";

/** Python: time one Flask-Caching RedisCache operation over the keys already stored; prints seconds. */
const PYTHON_CACHE_OP = `
import json, sys, time
from flask_caching.backends.rediscache import RedisCache
url, prefix, op, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
import redis
cache = RedisCache(host=redis.Redis.from_url(url), key_prefix=prefix)
keys = ["k%d" % i for i in range(n)]
t0 = time.perf_counter()
ok = cache.clear() if op == "clear" else cache.delete_many(*keys)
print(json.dumps({"seconds": time.perf_counter() - t0, "ok": bool(ok)}))
`;

/** Python: write a DataFrame pickle of about MB megabytes (protocol 5), as Superset caches one. */
const PYTHON_MAKE_FRAME = `
import pickle, sys
import numpy as np, pandas as pd
path, mb = sys.argv[1], float(sys.argv[2])
rows = max(1000, int(mb * 1e6 / 40))
rng = np.random.default_rng(7)
df = pd.DataFrame({
  "id": np.arange(rows, dtype="int64"),
  "value": rng.random(rows),
  "count": rng.integers(0, 1000, rows),
  "name": pd.Series(["name-%d" % (i % 5000) for i in range(rows)], dtype=object),
})
with open(path, "wb") as f: pickle.dump(df, f, protocol=5)
`;

/** Python: decode the pickle REPEATS times in a fresh process; seconds and peak RSS growth. */
const PYTHON_DECODE = `
import json, pickle, resource, sys, time
import pandas  # loaded before the baseline, as in a Superset worker
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
times = []
for _ in range(int(sys.argv[2])):
  t0 = time.perf_counter(); value = pickle.loads(data); times.append(time.perf_counter() - t0); del value
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": times, "peakBytes": peak - before}))
`;

function python(script: string, args: (string | number)[]): Record<string, unknown> {
  const r = spawnSync(debianPython(), ["-c", script, ...args.map(String)], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() || "{}") as Record<string, unknown>;
}

async function fill(client: Redis, n: number): Promise<void> {
  for (let from = 0; from < n; from += FILL_BATCH) {
    const pipe = client.pipeline();
    for (let i = from; i < Math.min(n, from + FILL_BATCH); i++) pipe.set(`${PREFIX}k${i}`, VALUE);
    await pipe.exec();
  }
}

async function seconds(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1000;
}

/** A measurement of whole operations from their durations in SECONDS. */
function fromSeconds(caseName: string, impl: string, durations: number[]): Measurement {
  const samples = durations.map((s) => 1 / s);
  return { case: caseName, impl, opsPerSec: median(samples), rounds: samples.length, samples };
}

function ratioOf(m: Measurement[], caseName: string, ours: string, theirs: string, target?: string): Ratio {
  const a = m.find((x) => x.case === caseName && x.impl === ours)!;
  const b = m.find((x) => x.case === caseName && x.impl === theirs)!;
  return { case: caseName, ours, theirs, ratio: a.opsPerSec / b.opsPerSec, ...(target ? { target } : {}) };
}

async function redisCases(server: RedisServer, m: Measurement[], ratios: Ratio[], notes: string[]) {
  const client = new Redis({ host: server.host, port: server.port });
  const cache = createCache({
    CACHE_TYPE: "RedisCache",
    CACHE_REDIS_URL: server.url,
    CACHE_KEY_PREFIX: PREFIX,
  });
  try {
    // Import the backend module before timing (Python's import is outside its timing too).
    await cache.whenReady();
    const clearCase = `clear ${CLEAR_KEYS.toLocaleString("en-US")} keys`;
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      await fill(client, CLEAR_KEYS);
      ours.push(await seconds(() => cache.clear()));
      if ((await client.dbsize()) !== 0) throw new Error("our clear left keys behind");
      await fill(client, CLEAR_KEYS);
      theirs.push(python(PYTHON_CACHE_OP, [server.url, PREFIX, "clear", CLEAR_KEYS]).seconds as number);
      if ((await client.dbsize()) !== 0) throw new Error("Flask-Caching's clear left keys behind");
    }
    m.push(fromSeconds(clearCase, OURS, ours), fromSeconds(clearCase, PYTHON, theirs));
    ratios.push(ratioOf(m, clearCase, OURS, PYTHON, ">= 1 (ops/s)"));

    const keysCase = `keys (CLI) over ${CLEAR_KEYS.toLocaleString("en-US")} keys`;
    await fill(client, CLEAR_KEYS);
    const settings = {
      redisUrl: server.url,
      urlSource: "--url",
      cacheName: "DATA_CACHE_CONFIG",
      prefix: PREFIX,
      supersetConfig: undefined,
      commandTimeoutSeconds: 60,
    };
    const keysRuns: number[] = [];
    for (let r = 0; r < REPEATS; r++)
      keysRuns.push(await seconds(() => keysCommand(settings, undefined, false)));
    m.push(fromSeconds(keysCase, OURS, keysRuns));
    await client.flushdb();

    const invalidateCase = `invalidate ${INVALIDATE_KEYS.toLocaleString("en-US")} keys`;
    const manager = new CacheManager({
      DATA_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: server.url, CACHE_KEY_PREFIX: PREFIX },
      CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
      EXPLORE_FORM_DATA_CACHE_CONFIG: { CACHE_TYPE: "SimpleCache" },
    });
    const keyIndex = new DatasourceKeyIndex({ redisUrl: server.url });
    const keys = Array.from({ length: INVALIDATE_KEYS }, (_, i) => `k${i}`);
    const oursInv: number[] = [];
    const theirsInv: number[] = [];
    try {
      for (let r = 0; r < REPEATS; r++) {
        await fill(client, INVALIDATE_KEYS);
        for (let i = 0; i < keys.length; i += FILL_BATCH)
          await client.sadd(`${keyIndex.prefix}3__table`, ...keys.slice(i, i + FILL_BATCH));
        oursInv.push(
          await seconds(() =>
            invalidate({ datasourceUids: ["3__table"] }, { manager, keyIndex, target: "data" }),
          ),
        );
        if ((await client.dbsize()) !== 0) throw new Error("invalidate left keys behind");
        await fill(client, INVALIDATE_KEYS);
        theirsInv.push(
          python(PYTHON_CACHE_OP, [server.url, PREFIX, "delete_many", INVALIDATE_KEYS]).seconds as number,
        );
        await client.flushdb();
      }
    } finally {
      await keyIndex.close();
      await manager.close();
    }
    m.push(fromSeconds(invalidateCase, OURS, oursInv), fromSeconds(invalidateCase, PYTHON, theirsInv));
    ratios.push(ratioOf(m, invalidateCase, OURS, PYTHON, ">= 1 (ops/s)"));
    notes.push(
      `${invalidateCase}: ours = invalidate() with the Redis key index (read the index, deleteMany, forget); Flask-Caching = delete_many(*keys), what Superset's endpoint calls after reading cache_keys`,
    );

    const stampedeCase = `getOrSet, ${CALLERS.toLocaleString("en-US")} concurrent callers, one cold key`;
    let runs = 0;
    const durations: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      await cache.delete("stampede");
      durations.push(
        await seconds(() =>
          Promise.all(
            Array.from({ length: CALLERS }, () =>
              cache.getOrSet("stampede", async () => {
                runs++;
                return { rows: 1 };
              }),
            ),
          ),
        ),
      );
    }
    m.push(fromSeconds(stampedeCase, `${OURS} (RedisCache)`, durations));
    notes.push(
      `${stampedeCase}: the factory ran ${runs} time(s) over ${REPEATS} repetitions (one per repetition expected)`,
    );
  } finally {
    await cache.close();
    client.disconnect();
  }
}

function frameCase(m: Measurement[], ratios: Ratio[], notes: string[]): void {
  const dir = mkdtempSync(join(tmpdir(), "superset-cache-bench-scale-"));
  try {
    const path = join(dir, "frame.pkl");
    python(PYTHON_MAKE_FRAME, [path, FRAME_MB]);
    const size = statSync(path).size;
    const label = `${(size / 1e6).toFixed(0)} MB DataFrame entry`;
    const ours = runOurCase(path, label, { rounds: REPEATS, warmRounds: 1, roundMs: 1 });
    const py = python(PYTHON_DECODE, [path, REPEATS + 1]) as { seconds: number[]; peakBytes: number };
    const caseName = `decode ${label}`;
    m.push(ours.decode, { ...fromSeconds(caseName, CPYTHON, py.seconds.slice(1)), mbPerSec: undefined });
    ratios.push(ratioOf(m, caseName, OURS, CPYTHON, ">= 1 (ops/s)"));
    const mem = decodePeakMemory(path);
    notes.push(
      `${caseName}: peak RSS growth ours ${(mem.peakBytes / 1e6).toFixed(0)} MB (${(mem.peakBytes / size).toFixed(2)}× the pickle), CPython ${(py.peakBytes / 1e6).toFixed(0)} MB (${(py.peakBytes / size).toFixed(2)}×)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function scaleSuite(): Promise<SuiteResult> {
  const m: Measurement[] = [];
  const ratios: Ratio[] = [];
  const notes: string[] = [
    `sizes × ${SCALE} (BENCH_SCALE); each operation timed ${REPEATS} times, median; ops/s = 1 / seconds of the whole operation`,
  ];
  const server = await RedisServer.start({ label: "bench-scale", config: ["maxmemory 0"] });
  try {
    await redisCases(server, m, ratios, notes);
  } finally {
    await server.stop();
  }
  frameCase(m, ratios, notes);
  return { suite: "scale", measurements: m, ratios, notes };
}
