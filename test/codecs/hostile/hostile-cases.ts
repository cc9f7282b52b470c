/**
 * Adversarial inputs for the decoders, one class per way a small input could cost gigabytes,
 * plus a seeded mutation fuzzer over real DataFrame pickles and results payloads. Pickles come
 * from python/peer/hostile_pickles.py (hand-written opcodes where Python would refuse to build
 * the object); results payloads and Redis values are built here.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { Field, makeData, Null, RecordBatch, Schema, Struct, Table, tableToIPC } from "apache-arrow";
import { encodeResultsPayload } from "#src/superset/results/index.js";
import type { CookieReadContext, HostileKind } from "#test/helpers/hostile-worker.js";
import { PICKLE_FIXTURES_DIR, PYTHON_PEER_DIR } from "#test/helpers/paths.js";
import { debianPython } from "#test/helpers/python.js";

/** One input and what it must do: `codes` lists the typed outcomes accepted (empty: a value). */
export interface HostileInput {
  name: string;
  kind: HostileKind;
  bytes: Uint8Array;
  /** Error codes accepted; `"value"` accepts a decoded value. */
  expect: readonly string[];
  /** How a `cookie-session` case is read. */
  cookie?: CookieReadContext;
}

const LIMIT = ["DECODE_ALLOCATION_LIMIT", "DECODE_ELEMENT_LIMIT", "DECODE_NODE_LIMIT"] as const;

/** What each Python-generated pickle must give. */
const PICKLE_EXPECT: Record<string, readonly string[]> = {
  "frame-slice-placement": ["DECODE_ELEMENT_LIMIT"],
  "numpy-itemsize0-S0": ["DECODE_ELEMENT_LIMIT"],
  "numpy-itemsize0-S0-2d": ["DECODE_ELEMENT_LIMIT"],
  "numpy-itemsize0-U0": ["DECODE_ELEMENT_LIMIT"],
  "numpy-itemsize0-U0-2d": ["DECODE_ELEMENT_LIMIT"],
  "numpy-itemsize0-V0": ["DECODE_ELEMENT_LIMIT"],
  "numpy-itemsize0-V0-2d": ["DECODE_ELEMENT_LIMIT"],
  "frame-itemsize0-S0": ["DECODE_ELEMENT_LIMIT"],
  "frame-itemsize0-U0": ["DECODE_ELEMENT_LIMIT"],
  "frame-itemsize0-V0": ["DECODE_ELEMENT_LIMIT"],
  "numpy-long-str": ["value"],
  "frame-bytes-cells": LIMIT,
  "frame-bytes-cells-mixed": LIMIT,
  "frame-dag-cell": ["PICKLE_LIMIT_EXCEEDED", ...LIMIT],
  "frame-dag-many-cells": LIMIT,
  "frame-shared-long-str": LIMIT,
  "text-long-int": ["PICKLE_LIMIT_EXCEEDED"],
  "text-long-long": ["PICKLE_LIMIT_EXCEEDED"],
};

function pythonPickles(): HostileInput[] {
  const r = spawnSync(debianPython(), [join(PYTHON_PEER_DIR, "hostile_pickles.py")], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`hostile_pickles.py failed: ${r.stderr}`);
  const hex = JSON.parse(r.stdout) as Record<string, string>;
  return Object.entries(hex).map(([name, h]) => ({
    name,
    kind: "pickle" as const,
    bytes: Buffer.from(h, "hex"),
    expect: PICKLE_EXPECT[name] ?? ["value", ...LIMIT],
  }));
}

/** An IPC stream whose only column is Null-typed, with every length patched to `rows`. */
function nullColumnStream(rows: bigint): Uint8Array {
  const marker = 77_777;
  const field = new Field("n", new Null(), true);
  const child = makeData({ type: new Null(), length: marker });
  const struct = makeData({ type: new Struct([field]), length: marker, nullCount: 0, children: [child] });
  const bytes = tableToIPC(new Table([new RecordBatch(new Schema([field]), struct)]), "stream");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i + 8 <= bytes.length; i++) {
    if (view.getBigInt64(i, true) === BigInt(marker)) view.setBigInt64(i, rows, true);
  }
  return bytes;
}

const json = (v: unknown): Uint8Array => deflateSync(Buffer.from(JSON.stringify(v)));

function resultsInputs(): HostileInput[] {
  const nils = 60_000_000;
  const flood = Buffer.alloc(5 + nils, 0xc0);
  flood[0] = 0xdd;
  flood.writeUInt32BE(nils, 1);
  const manyKeys = Array.from({ length: 2000 }, (_, r) =>
    Object.fromEntries(Array.from({ length: 30 }, (_, k) => [`k${r}_${k}`, 0])),
  );
  return [
    {
      name: "results-msgpack-nil-flood",
      kind: "results-msgpack",
      bytes: deflateSync(flood, { level: 9 }),
      expect: ["DECODE_ELEMENT_LIMIT"],
    },
    {
      name: "results-null-column-2^40-rows",
      kind: "results-msgpack",
      bytes: encodeResultsPayload({
        status: "success",
        data: nullColumnStream(2n ** 40n),
        columns: [],
        selected_columns: [],
        expanded_columns: [],
        query: {},
      }),
      expect: ["DECODE_ELEMENT_LIMIT", "RESULTS_ARROW_INVALID"],
    },
    {
      name: "results-json-null-row",
      kind: "results-json",
      bytes: json({ data: [null, { a: 1 }], columns: [{ column_name: "a" }] }),
      expect: ["RESULTS_PAYLOAD_INVALID"],
    },
    {
      name: "results-json-null-column",
      kind: "results-json",
      bytes: json({ data: [{ a: 1 }], columns: [null] }),
      expect: ["RESULTS_PAYLOAD_INVALID"],
    },
    {
      name: "results-json-columns-not-list",
      kind: "results-json",
      bytes: json({ data: [{ a: 1 }], selected_columns: 5 }),
      expect: ["RESULTS_PAYLOAD_INVALID"],
    },
    {
      name: "results-json-thousands-of-keys",
      kind: "results-json",
      bytes: json({ data: manyKeys, columns: [] }),
      expect: ["DECODE_ELEMENT_LIMIT"],
    },
    {
      name: "results-json-number-flood",
      kind: "results-json",
      bytes: deflateSync(Buffer.from(`{"data":[${"0,".repeat(30_000_000)}0]}`), { level: 9 }),
      expect: ["DECODE_ELEMENT_LIMIT"],
    },
  ];
}

function redisInputs(): HostileInput[] {
  return [
    {
      name: "redis-ascii-int-60MB",
      kind: "redis",
      bytes: Buffer.alloc(60_000_000, 0x39),
      expect: ["value"],
    },
  ];
}

/** Every class above. */
export function hostileInputs(): HostileInput[] {
  return [...pythonPickles(), ...resultsInputs(), ...redisInputs()];
}

/** mulberry32: a small seeded PRNG, so every mutant is reproducible from its name. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values that make lengths, counts and indices extreme. */
const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x94, 0x68, 0x6a];

export function mutate(seed: Uint8Array, rand: () => number): Uint8Array {
  const out = Buffer.from(seed);
  const at = () => Math.floor(rand() * out.length);
  const edits = 1 + Math.floor(rand() * 4);
  for (let e = 0; e < edits; e++) {
    const kind = Math.floor(rand() * 5);
    if (kind === 0) {
      const i = at();
      out[i] = (out[i] as number) ^ (1 << Math.floor(rand() * 8));
    } else if (kind === 1) out[at()] = INTERESTING[Math.floor(rand() * INTERESTING.length)] as number;
    else if (kind === 2) {
      // A length or count field made huge.
      const i = at();
      if (i + 4 <= out.length) out.writeUInt32LE(Math.floor(rand() * 2 ** 32), i);
    } else if (kind === 3) {
      // A slice repeated in place (duplicated opcodes, memo references).
      const i = at();
      const len = Math.min(16, out.length - i);
      const j = at();
      out.copy(out, j, i, i + Math.min(len, out.length - j));
    } else out[at()] = 0x68; // BINGET
  }
  return out;
}

function resultSeeds(): { kind: HostileKind; inflated: Uint8Array }[] {
  const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, name: `n${i}`, v: i / 3, ok: i % 2 === 0 }));
  const columns = [
    { column_name: "id" },
    { column_name: "name" },
    { column_name: "v" },
    { column_name: "ok" },
  ];
  const payload = {
    status: "success",
    data: rows,
    columns,
    selected_columns: columns,
    expanded_columns: [],
    query: { limit: 40 },
  };
  return [
    { kind: "results-msgpack", inflated: inflateSync(encodeResultsPayload(payload)) },
    { kind: "results-json", inflated: inflateSync(encodeResultsPayload(payload, { useMsgpack: false })) },
  ];
}

/**
 * `perSeed` mutants of every DataFrame pickle fixture and of a msgpack and a JSON results
 * payload (mutated before zlib, so they reach the parsers), from one `seed`.
 */
export function mutants(seed: number, perSeed: number): HostileInput[] {
  const rand = prng(seed);
  const out: HostileInput[] = [];
  const pickles = readdirSync(PICKLE_FIXTURES_DIR).filter((f) => /^(df_|hand_df_)\w+\.pkl$/.test(f));
  for (const file of pickles) {
    const bytes = readFileSync(join(PICKLE_FIXTURES_DIR, file));
    for (let i = 0; i < perSeed; i++)
      out.push({
        name: `mutant ${seed}:${file}#${i}`,
        kind: "pickle",
        bytes: mutate(bytes, rand),
        expect: [],
      });
  }
  for (const { kind, inflated } of resultSeeds()) {
    for (let i = 0; i < perSeed * 4; i++) {
      const bytes = deflateSync(mutate(inflated, rand));
      out.push({ name: `mutant ${seed}:${kind}#${i}`, kind, bytes, expect: [] });
    }
  }
  return out;
}
