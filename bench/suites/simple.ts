/**
 * Simple backend: get/set ops/s against lru-cache and a plain Map (same keys, same byte
 * values), plus the full Cache path (pickle encode/decode) against Python's own cachelib
 * SimpleCache through Flask-Caching (timed inside Python, same value, same key cycle).
 * Ours is async (the CacheBackend contract); the peers are sync, so the ratios include the
 * cost of a resolved-promise round trip per call.
 */
import { spawnSync } from "node:child_process";
import { LRUCache } from "lru-cache";
import { SimpleBackend } from "#src/backends/simple.js";
import { createCache } from "#src/manager/create-cache.js";
import { debianPython } from "../../test/helpers/python.js";
import { type Measurement, measure, median, ratio, type SuiteResult } from "../harness.js";
import { roundMsOr, roundsOr } from "../runs.js";

const KEYS = 400; // under the default threshold of 500, so no pruning in the loop
const keys = Array.from({ length: KEYS }, (_, i) => `chart:${i}`);
const bytes = new Uint8Array(256).fill(42);
const value = {
  rowcount: 3,
  rows: [
    [1, "a", 2.5],
    [2, "b", 3.5],
    [3, "c", 4.5],
  ],
};
const ROUNDS = roundsOr(5);
const ROUND_MS = roundMsOr(250);
const opts = { rounds: ROUNDS, roundMs: ROUND_MS, batch: 64 };

const PYTHON_LOOP = `
import json, time, warnings
warnings.simplefilter("ignore")
from flask import Flask
from flask_caching import Cache
cache = Cache(Flask("bench"), config={"CACHE_TYPE": "SimpleCache"})
keys = [f"chart:{i}" for i in range(${KEYS})]
value = {"rowcount": 3, "rows": [[1, "a", 2.5], [2, "b", 3.5], [3, "c", 4.5]]}
for k in keys: cache.set(k, value)
out = {}
for name, fn in (("get", lambda k: cache.get(k)), ("set", lambda k: cache.set(k, value))):
    samples = []
    for _ in range(${ROUNDS}):
        n = 0; start = time.perf_counter(); end = start + ${ROUND_MS} / 1000
        while time.perf_counter() < end:
            for k in keys[:64]: fn(k)
            n += 64
        samples.append(n / (time.perf_counter() - start))
    out[name] = samples
print(json.dumps(out))
`;

function pythonSamples(): Record<"get" | "set", number[]> {
  const r = spawnSync(debianPython(), ["-c", PYTHON_LOOP], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<"get" | "set", number[]>;
}

export default async function simpleSuite(): Promise<SuiteResult> {
  const m: Measurement[] = [];
  const backend = new SimpleBackend();
  const lru = new LRUCache<string, Uint8Array>({ max: 500 });
  const map = new Map<string, Uint8Array>();
  for (const k of keys) {
    await backend.set(k, bytes, 0);
    lru.set(k, bytes);
    map.set(k, bytes);
  }
  let i = 0;
  const next = () => keys[i++ % KEYS]!;
  m.push(await measure("bytes get", "superset-cache SimpleBackend", () => backend.get(next()), opts));
  m.push(await measure("bytes get", "lru-cache", () => lru.get(next()), opts));
  m.push(await measure("bytes get", "Map", () => map.get(next()), opts));
  m.push(
    await measure("bytes set", "superset-cache SimpleBackend", () => backend.set(next(), bytes, 0), opts),
  );
  m.push(await measure("bytes set", "lru-cache", () => lru.set(next(), bytes), opts));
  m.push(await measure("bytes set", "Map", () => map.set(next(), bytes), opts));

  const cache = createCache({ CACHE_TYPE: "SimpleCache" });
  for (const k of keys) await cache.set(k, value);
  m.push(await measure("value get", "superset-cache Cache", () => cache.get(next()), opts));
  m.push(await measure("value set", "superset-cache Cache", () => cache.set(next(), value), opts));
  const py = pythonSamples();
  for (const op of ["get", "set"] as const) {
    m.push({
      case: `value ${op}`,
      impl: "Flask-Caching SimpleCache (CPython)",
      opsPerSec: median(py[op]),
      rounds: ROUNDS,
      samples: py[op],
    });
  }
  await cache.close();

  return {
    suite: "simple",
    measurements: m,
    ratios: [
      ratio(m, "bytes get", "superset-cache SimpleBackend", "lru-cache"),
      ratio(m, "bytes get", "superset-cache SimpleBackend", "Map"),
      ratio(m, "bytes set", "superset-cache SimpleBackend", "lru-cache"),
      ratio(m, "bytes set", "superset-cache SimpleBackend", "Map"),
      ratio(m, "value get", "superset-cache Cache", "Flask-Caching SimpleCache (CPython)"),
      ratio(m, "value set", "superset-cache Cache", "Flask-Caching SimpleCache (CPython)"),
    ],
    notes: [
      `${KEYS} keys cycled, 256-byte values for the bytes cases; the value cases pickle/unpickle a small chart-like dict.`,
      "SimpleBackend methods are async (the backend contract); lru-cache and Map are sync.",
    ],
  };
}
