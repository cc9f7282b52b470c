/**
 * Our side of the filesystem suite in a second Node process, started with other glibc malloc
 * settings (see docs/filesystem.md, "Performance"). Same line protocol as python/fs_bench.py:
 *   {"op": "setup", "dir": D, "size": N, "keys": K}  -> {}
 *   {"op": "round", "case": "get"|"set"|"miss", "ms": M} -> {"ops_per_sec": x, "faults_per_op": y}
 * Usage: node --import tsx bench/fs-node-child.ts
 */
import { createInterface } from "node:readline";
import type { Cache } from "#src/cache/cache.js";
import { createCache } from "#src/manager/create-cache.js";
import { type FsBenchKind, fsBenchOp, randomValue } from "./fs-ops.js";
import { timeRound } from "./interleaved.js";

interface Command {
  op: "setup" | "round";
  dir?: string;
  size?: number;
  keys?: number;
  case?: FsBenchKind;
  ms?: number;
}

let cache: Cache | undefined;
let value: Uint8Array = new Uint8Array(0);

async function handle(cmd: Command): Promise<Record<string, number>> {
  if (cmd.op === "setup") {
    await cache?.close();
    cache = createCache({ CACHE_TYPE: "FileSystemCache", CACHE_DIR: cmd.dir!, CACHE_DEFAULT_TIMEOUT: 0 });
    value = randomValue(cmd.size!);
    for (let i = 0; i < cmd.keys!; i++) await cache.set(`bench:${i}`, value, 0);
    return {};
  }
  const round = await timeRound(fsBenchOp(cache!, cmd.case!, value), 1, cmd.ms!);
  return { ops_per_sec: round.opsPerSec, faults_per_op: round.faultsPerOp };
}

for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${JSON.stringify(await handle(JSON.parse(line) as Command))}\n`);
}
await cache?.close();
