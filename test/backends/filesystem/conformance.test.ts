/**
 * The backend conformance suite (superset-cache/testing) on FileSystemBackend, in fresh temp
 * directories, with the suite's FakeClock driving expiry (async and sync-read variants).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as vitest from "vitest";
import { FileSystemBackend } from "#src/backends/filesystem/backend.js";
import { runBackendConformance } from "#src/testing/index.js";

const dirs: string[] = [];
vitest.afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function fresh(syncReads: boolean) {
  return ({ clock }: { clock: { now(): number } }) => {
    const dir = mkdtempSync(join(tmpdir(), "fs-conformance-"));
    dirs.push(dir);
    return FileSystemBackend.open({ dir, clock, syncReads });
  };
}

runBackendConformance("filesystem", fresh(false), { vitest, deleteMissingReturns: true });
runBackendConformance("filesystem (sync_reads)", fresh(true), {
  vitest,
  deleteMissingReturns: true,
});
