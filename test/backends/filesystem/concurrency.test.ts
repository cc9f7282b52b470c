/**
 * Two Node processes (createCache + filesystem backend) and two Python processes (Flask-Caching
 * FileSystemCache) run mixed get/set/delete on ONE directory for 11 seconds, with a small
 * threshold so pruning races too. Values are self-describing (writer:seq:padding:sha256), so a
 * torn or mixed read cannot pass the digest check.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { runChild } from "#test/helpers/child-run.js";
import { HELPERS_DIR, REPO_ROOT as ROOT } from "#test/helpers/paths.js";
import { debianPython } from "#test/helpers/python.js";

const SECONDS = 11;
const THRESHOLD = 15;
const KEYS = 24;

interface Summary {
  writer: string;
  sets: number;
  gets: number;
  hits: number;
  deletes: number;
  bad: string[];
  errors: string[];
  seen: Record<string, [count: number, maxSeq: number]>;
  last_seq: number;
}

const dir = mkdtempSync(join(tmpdir(), "fs-concurrency-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it(`2 Node + 2 Python processes share one directory for ${SECONDS}s: no torn reads, no crashes`, async () => {
  const tsx = join(ROOT, "node_modules", ".bin", "tsx");
  const worker = join(HELPERS_DIR, "filesystem-worker.ts");
  const pyWriter = join(ROOT, "python", "fs_writer.py");
  const common = (id: string, seed: number) => [
    dir,
    id,
    String(SECONDS),
    String(seed),
    String(THRESHOLD),
    String(KEYS),
  ];
  const results = await Promise.all([
    runChild(tsx, [worker, ...common("node1", 11)]),
    runChild(tsx, [worker, ...common("node2", 22)]),
    runChild(debianPython(), [pyWriter, ...common("py1", 33)]),
    runChild(debianPython(), [pyWriter, ...common("py2", 44)]),
  ]);
  const summaries: Summary[] = results.map((r) => {
    expect(r.code, r.stderr).toBe(0);
    // Races between processes are normal here and must not produce warnings (count file, prune).
    expect(r.stderr, "process warnings").not.toContain("SupersetCacheWarning");
    return JSON.parse(r.stdout.trim().split("\n").pop()!) as Summary;
  });
  const lastSeq = Object.fromEntries(summaries.map((s) => [s.writer, s.last_seq]));
  for (const s of summaries) {
    expect(s.errors, `${s.writer} errors`).toEqual([]);
    expect(s.bad, `${s.writer} torn or foreign reads`).toEqual([]);
    expect(s.sets, s.writer).toBeGreaterThan(50);
    expect(s.hits, s.writer).toBeGreaterThan(20);
    // Every value read names a writer of this run and a sequence number that writer reached.
    for (const [writer, [, maxSeq]] of Object.entries(s.seen)) {
      expect(Object.keys(lastSeq), `${s.writer} read from ${writer}`).toContain(writer);
      expect(maxSeq).toBeLessThanOrEqual(lastSeq[writer]!);
    }
  }
  // Each runtime read whole values written by the other one.
  const readFrom = (readerPrefix: string, writerPrefix: string) =>
    summaries
      .filter((s) => s.writer.startsWith(readerPrefix))
      .some((s) => Object.keys(s.seen).some((w) => w.startsWith(writerPrefix)));
  expect(readFrom("node", "py")).toBe(true);
  expect(readFrom("py", "node")).toBe(true);
  // No temp files survive once every writer has finished.
  expect(readdirSync(dir).filter((n) => n.endsWith(".__wz_cache"))).toEqual([]);
  console.log(
    summaries
      .map((s) => `${s.writer}: ${s.sets} sets, ${s.gets} gets (${s.hits} hits), ${s.deletes} deletes`)
      .join("; "),
  );
}, 60_000);
