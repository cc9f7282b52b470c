/**
 * One Node participant of the FileSystemCache concurrency test (the Node twin of
 * python/fs_writer.py): mixed get/set/delete through `createCache` (PickleSerializer + the
 * filesystem backend) for a number of seconds, then one JSON summary on stdout.
 *
 * usage: tsx filesystem-worker.ts DIR WRITER_ID SECONDS SEED THRESHOLD KEYS
 */
import { createHash } from "node:crypto";
import { createCache } from "#src/manager/create-cache.js";

const DIGEST = 32;
const SIZES = [64, 1000, 5000, 70_000, 200_000];

// Small deterministic PRNG (mulberry32) so a failing run can be replayed from its seed.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeValue(writer: string, seq: number, random: () => number): Uint8Array {
  const size = SIZES[Math.floor(random() * SIZES.length)]!;
  const prefix = Buffer.from(`${writer}:${seq}:`);
  const padding = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) padding[i] = Math.floor(random() * 256);
  const body = Buffer.concat([prefix, padding]);
  return Buffer.concat([body, createHash("sha256").update(body).digest()]);
}

/** [writer, seq] of a whole value, else undefined. */
function checkValue(value: unknown): [string, number] | undefined {
  if (!(value instanceof Uint8Array) || value.length < DIGEST) return undefined;
  const body = Buffer.from(value.subarray(0, value.length - DIGEST));
  const digest = Buffer.from(value.subarray(value.length - DIGEST));
  if (!createHash("sha256").update(body).digest().equals(digest)) return undefined;
  const [writer, seq] = body.subarray(0, 64).toString("latin1").split(":");
  return [writer!, Number(seq)];
}

async function main(): Promise<void> {
  const [dir, writer, seconds, seed, threshold, keys] = process.argv.slice(2);
  const random = prng(Number(seed));
  const cache = createCache(
    { CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir, CACHE_THRESHOLD: Number(threshold) },
    { onBackendError: "throw" },
  );
  await cache.whenReady();
  const keyNames = Array.from({ length: Number(keys) }, (_, i) => `k${i}`);
  const summary = {
    writer,
    sets: 0,
    gets: 0,
    hits: 0,
    deletes: 0,
    bad: [] as string[],
    errors: [] as string[],
    seen: {} as Record<string, [number, number]>,
    last_seq: 0,
  };
  let seq = 0;
  const deadline = performance.now() + Number(seconds) * 1000;
  while (performance.now() < deadline) {
    const key = keyNames[Math.floor(random() * keyNames.length)]!;
    const roll = random();
    try {
      if (roll < 0.45) {
        seq++;
        const timeout = [0, 60, 3600][Math.floor(random() * 3)]!;
        await cache.set(key, makeValue(writer!, seq, random), timeout);
        summary.sets++;
      } else if (roll < 0.9) {
        summary.gets++;
        const value = await cache.get(key);
        if (value !== undefined && value !== null) {
          summary.hits++;
          const who = checkValue(value);
          if (who === undefined)
            summary.bad.push(`${key}: ${value instanceof Uint8Array ? value.length : typeof value}`);
          else {
            summary.seen[who[0]] ??= [0, 0];
            const seen = summary.seen[who[0]]!;
            seen[0]++;
            seen[1] = Math.max(seen[1], who[1]);
          }
        }
      } else {
        await cache.delete(key);
        summary.deletes++;
      }
    } catch (error) {
      summary.errors.push(String(error));
    }
  }
  summary.last_seq = seq;
  await cache.close();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

await main();
