/**
 * Seeded fuzzing of the pickle decoder: mutated, truncated, spliced and random inputs built
 * from the golden fixtures and from random opcode streams. Every input must either decode
 * or fail with a PickleDecodeError — no other exception, no hang (each input is timed and the
 * slowest is bounded). Seed and count can be changed with PICKLE_FUZZ_SEED / PICKLE_FUZZ_COUNT.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { PickleDecodeError } from "#src/codecs/pickle/errors.js";
import { Op } from "#src/codecs/pickle/opcodes.js";
import { PICKLE_FIXTURES_DIR } from "#test/helpers/paths.js";

const SEED = Number(process.env.PICKLE_FUZZ_SEED ?? 20261122);
const COUNT = Number(process.env.PICKLE_FUZZ_COUNT ?? 100_000);
/** Per-input bound (generous: the CI machine is shared). */
const MAX_MS_PER_INPUT = 2000;

/** mulberry32: small, fast, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIX = PICKLE_FIXTURES_DIR;
const fixtures = readdirSync(FIX)
  .filter((f) => f.endsWith(".pkl"))
  .map((f) => new Uint8Array(readFileSync(join(FIX, f))));
const small = fixtures.filter((f) => f.length < 1200);
const OPCODES = Object.values(Op);
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x2e, 0x28];

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const out = Array.from(src);
  const edits = 1 + Math.floor(r() * 4);
  for (let e = 0; e < edits; e++) {
    const pos = Math.floor(r() * out.length);
    const kind = r();
    if (kind < 0.4) out[pos] = Math.floor(r() * 256);
    else if (kind < 0.55) out[pos] = INTERESTING[Math.floor(r() * INTERESTING.length)] as number;
    else if (kind < 0.7) out.splice(pos, 1 + Math.floor(r() * 8));
    else if (kind < 0.85)
      out.splice(pos, 0, ...Array.from({ length: 1 + Math.floor(r() * 8) }, () => Math.floor(r() * 256)));
    else out[pos] = OPCODES[Math.floor(r() * OPCODES.length)] as number;
  }
  return Uint8Array.from(out);
}

function randomOps(r: () => number): Uint8Array {
  const out: number[] = r() < 0.5 ? [0x80, Math.floor(r() * 6)] : [];
  const n = 1 + Math.floor(r() * 40);
  for (let k = 0; k < n; k++) {
    out.push(OPCODES[Math.floor(r() * OPCODES.length)] as number);
    const args = Math.floor(r() * 4);
    for (let a = 0; a < args; a++) out.push(r() < 0.5 ? Math.floor(r() * 4) : Math.floor(r() * 256));
  }
  if (r() < 0.7) out.push(0x2e);
  return Uint8Array.from(out);
}

function makeInput(r: () => number): Uint8Array {
  const pick = r();
  const base =
    (r() < 0.8 ? small : fixtures)[Math.floor(r() * (r() < 0.8 ? small.length : fixtures.length))] ??
    (small[0] as Uint8Array);
  if (pick < 0.55) return mutate(base, r);
  if (pick < 0.7) return base.subarray(0, Math.floor(r() * base.length));
  if (pick < 0.8) {
    const other = small[Math.floor(r() * small.length)] as Uint8Array;
    const cut = Math.floor(r() * base.length);
    const from = Math.floor(r() * other.length);
    const out = new Uint8Array(cut + other.length - from);
    out.set(base.subarray(0, cut));
    out.set(other.subarray(from), cut);
    return out;
  }
  if (pick < 0.95) return randomOps(r);
  return Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256));
}

describe("pickle decoder fuzzing", () => {
  it(`${COUNT} seeded inputs (seed ${SEED}) raise nothing but PickleDecodeError`, () => {
    const r = rng(SEED);
    const codes = new Map<string, number>();
    let decoded = 0;
    let slowest = 0;
    const unexpected: string[] = [];
    for (let k = 0; k < COUNT; k++) {
      const input = makeInput(r);
      const started = performance.now();
      try {
        loads(input, { dicts: k % 2 === 0 ? "object" : "map", exactNumbers: k % 3 === 0 });
        decoded++;
      } catch (e) {
        if (e instanceof PickleDecodeError) codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
        else if (unexpected.length < 5)
          unexpected.push(`#${k} ${Buffer.from(input).toString("hex")}: ${String(e)}`);
        else unexpected.push("…");
      }
      slowest = Math.max(slowest, performance.now() - started);
    }
    expect(unexpected).toEqual([]);
    expect(slowest).toBeLessThan(MAX_MS_PER_INPUT);
    // The corpus must exercise both outcomes and many error codes.
    expect(decoded).toBeGreaterThan(COUNT / 100);
    expect(codes.size).toBeGreaterThan(8);
  }, 180_000);
});
