/**
 * The operations of the filesystem suite, shared by bench/suites/filesystem.ts (in the bench
 * process) and bench/fs-node-child.ts (a second Node process with other malloc settings); both
 * time them with `timeRound` (bench/interleaved.ts).
 */
import type { Cache } from "#src/cache/cache.js";

/** Keys cycled by every round, on both sides. */
export const FS_BENCH_KEYS = 100;

/** The operations the suite times. "miss" gets keys that were never set. */
export const FS_BENCH_KINDS = ["get", "set", "miss"] as const;
export type FsBenchKind = (typeof FS_BENCH_KINDS)[number];

/** The operation of `kind` on `cache`; a get that finds the wrong answer throws. */
export function fsBenchOp(
  cache: Cache,
  kind: FsBenchKind,
  value: Uint8Array,
): (i: number) => Promise<unknown> {
  if (kind === "get") {
    return async (i) => {
      if ((await cache.get(`bench:${i % FS_BENCH_KEYS}`)) === undefined) throw new Error("bench key missing");
    };
  }
  if (kind === "miss") {
    return async (i) => {
      if ((await cache.get(`absent:${i % FS_BENCH_KEYS}`)) !== undefined) throw new Error("absent key found");
    };
  }
  return (i) => cache.set(`bench:${i % FS_BENCH_KEYS}`, value, 0);
}

/** A random `bytes` value of `size` bytes. */
export function randomValue(size: number): Uint8Array {
  return new Uint8Array(size).map(() => Math.floor(Math.random() * 256));
}
