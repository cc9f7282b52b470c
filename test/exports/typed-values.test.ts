/**
 * A strict consumer's typing of cache values, without a build: tsc (`skipLibCheck: false`, the
 * `superset-cache-source` condition) over test/fixtures/consumer/typed-values.ts, which reads
 * with `get<ChartRow[]>`, fills with `getOrSet<ChartRow[]>`, memoizes, stores interface-typed
 * objects and keeps functions, symbols and class instances rejected (`@ts-expect-error`).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, expect, it } from "vitest";
import { FIXTURES_DIR, REPO_ROOT } from "#test/helpers/paths.js";

const FIXTURE = join(FIXTURES_DIR, "consumer", "typed-values.ts");
let dir = "";

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it("a strict consumer types reads and writes with its own interfaces", () => {
  mkdirSync(join(REPO_ROOT, ".tmp"), { recursive: true });
  dir = mkdtempSync(join(REPO_ROOT, ".tmp", "typed-values-"));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: relative(dir, join(REPO_ROOT, "tsconfig.json")),
      compilerOptions: { customConditions: ["superset-cache-source"], noEmit: true, skipLibCheck: false },
      files: [relative(dir, FIXTURE)],
      include: [],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir, "--pretty", "false"],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  // Errors in src/ belong to other tests; this one owns the fixture's.
  const fixtureErrors = tsc.stdout
    .split("\n")
    .filter((line) => line.startsWith(relative(REPO_ROOT, FIXTURE)));
  expect(tsc.stdout.includes("error TS") || tsc.status === 0, `${tsc.stdout}${tsc.stderr}`).toBe(true);
  expect(fixtureErrors).toEqual([]);
}, 240_000);
