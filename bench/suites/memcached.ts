/**
 * Memcached get/set of 1 KB and 100 KB values at concurrency 1 and 64, side by side against one
 * memcached started for the run: ours (createCache → Cache + MemcachedValueSerializer +
 * MemcachedBackend, and the bare MemcachedBackend), memjs (binary protocol), memcached (npm, text
 * protocol) and Python pylibmc (a subprocess timing its own loop, concurrency 1). Ops/s are
 * medians of interleaved rounds; p50/p99 are per-call latencies. Repeated runs, their medians
 * and ranges: bench/runs.ts, as for every suite.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import Memcached from "memcached";
import { MemcachedBackend } from "#src/backends/memcached/backend.js";
import { createCache } from "#src/manager/create-cache.js";
import { MemcachedServer } from "../../test/helpers/memcached-server.js";
import { debianPython } from "../../test/helpers/python.js";
import { type Measurement, type Ratio, ratio, type SuiteResult } from "../harness.js";
import { type Impl, measureInterleaved, type Op } from "../interleaved.js";
import { roundMsOr, roundsOr } from "../runs.js";

const SIZES = { "1KB": 1024, "100KB": 100 * 1024 } as const;
const CONCURRENCY = [1, 64] as const;
const ROUNDS = 7;
/** Milliseconds per timed round. */
const ROUND_MS = 250;
const WARMUP_MS = 100;
const TIMING = { rounds: ROUNDS, roundMs: ROUND_MS, warmupMs: WARMUP_MS };
const KEYS = 64;

/** The part of memjs (no bundled types) the suite calls. */
interface MemjsClient {
  get(key: string): Promise<{ value: Buffer | null; flags: Buffer | null }>;
  set(key: string, value: Buffer, options: { expires: number }): Promise<boolean>;
  close(): void;
}
const memjs = createRequire(import.meta.url)("memjs") as {
  Client: { create(servers: string, options?: Record<string, unknown>): MemjsClient };
};

/**
 * One timed round per stdin line ({"op", "ms"}); prints {"ops", "lat"} (µs) and "faults" (minor
 * page faults of the process per call). Concurrency 1.
 */
const PYTHON_ROUNDS = `
import json, resource, sys, time
import pylibmc
client = pylibmc.Client([sys.argv[1]])
value = b"x" * int(sys.argv[2])
keys = ["py:%d" % i for i in range(64)]
for k in keys: client.set(k, value, 600)
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    req = json.loads(line)
    fn = (lambda k: client.get(k)) if req["op"] == "get" else (lambda k: client.set(k, value, 600))
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

async function pythonImpl(address: string, size: number): Promise<{ impl: Impl; close: () => void }> {
  const child = spawn(debianPython(), ["-c", PYTHON_ROUNDS, address, String(size)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () =>
    JSON.parse(((await lines.next()).value as string | undefined) ?? "null") as Record<string, unknown>;
  if (!(await next())?.ready) throw new Error("python bench peer did not start");
  const unused: Op = () => Promise.reject(new Error("python runs its own rounds"));
  return {
    impl: {
      name: "pylibmc (python)",
      get: unused,
      set: unused,
      round: async (op, ms) => {
        child.stdin.write(`${JSON.stringify({ op, ms })}\n`);
        const r = (await next()) as { ops: number; lat: number[]; faults: number };
        return { ops: r.ops, latencies: r.lat, faultsPerOp: r.faults };
      },
    },
    close: () => child.stdin.end(),
  };
}

async function makeImpls(
  server: MemcachedServer,
  bytes: Buffer,
): Promise<{ impls: Impl[]; close: () => Promise<void> }> {
  const key = (prefix: string, i: number) => `${prefix}${i % KEYS}`;
  const cache = createCache({ CACHE_TYPE: "MemcachedCache", CACHE_MEMCACHED_SERVERS: [server.address] });
  await cache.whenReady();
  const backend = new MemcachedBackend({ kind: "memcached", servers: [server] });
  const mj = memjs.Client.create(server.address, { retries: 0 });
  const npm = new Memcached(server.address, { retries: 0 });
  const npmGet = (k: string) =>
    new Promise((resolve, reject) => npm.get(k, (e, v) => (e ? reject(e) : resolve(v))));
  const npmSet = (k: string) =>
    new Promise((resolve, reject) => npm.set(k, bytes, 600, (e, v) => (e ? reject(e) : resolve(v))));
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
      name: "memjs",
      get: (i) => mj.get(key("j:", i)),
      set: (i) => mj.set(key("j:", i), bytes, { expires: 600 }),
    },
    { name: "memcached (npm)", get: (i) => npmGet(key("n:", i)), set: (i) => npmSet(key("n:", i)) },
  ];
  for (const impl of impls) for (let i = 0; i < KEYS; i++) await impl.set(i);
  return {
    impls,
    close: async () => {
      await cache.close();
      await backend.close();
      mj.close();
      npm.end();
    },
  };
}

const OURS = ["ours (backend)", "ours (Cache)"];
const THEIRS = ["memjs", "memcached (npm)"];

/** One full run: every case, every implementation. */
async function oneRun(server: MemcachedServer): Promise<{ measurements: Measurement[]; ratios: Ratio[] }> {
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  for (const [label, size] of Object.entries(SIZES)) {
    const { impls, close } = await makeImpls(server, Buffer.alloc(size, 0x78));
    const python = await pythonImpl(server.address, size);
    for (const c of CONCURRENCY) {
      for (const op of ["get", "set"] as const) {
        const caseName = `${op} ${label} c=${c}`;
        measurements.push(
          ...(await measureInterleaved(caseName, c === 1 ? [...impls, python.impl] : impls, op, c, TIMING)),
        );
        for (const ours of OURS) {
          for (const theirs of THEIRS)
            ratios.push(ratio(measurements, caseName, ours, theirs, ">= 1 (ops/s)"));
          if (c === 1) ratios.push(ratio(measurements, caseName, ours, "pylibmc (python)", ">= 1 (ops/s)"));
        }
      }
    }
    python.close();
    await close();
  }
  return { measurements, ratios };
}

export default async function memcachedSuite(): Promise<SuiteResult> {
  const server = await MemcachedServer.start();
  let run: { measurements: Measurement[]; ratios: Ratio[] };
  try {
    run = await oneRun(server);
  } finally {
    await server.stop();
  }
  const { measurements, ratios } = run;
  return {
    suite: "memcached",
    measurements,
    ratios,
    notes: [
      "one memcached (Debian 1.6.18, -m 256) on loopback started for the run; every client shares it",
      "ours (Cache) stores the bytes value with pylibmc's flag 0, as Flask-Caching's MemcachedCache does; ours (backend) stores the bytes as given",
      "memjs speaks the binary protocol, memcached (npm) and pylibmc the text protocol; timeouts 600 s everywhere",
      `ops/s = median of ${roundsOr(ROUNDS)} interleaved rounds × ${roundMsOr(ROUND_MS)} ms after ${Math.min(WARMUP_MS, roundMsOr(ROUND_MS))} ms warm-up; p50/p99 per call over all rounds`,
      "pylibmc (libmemcached) in a Python subprocess timing its own loop (concurrency 1), driven round by round",
    ],
  };
}
