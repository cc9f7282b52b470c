/**
 * The code in the README and in docs/*.md compiles and runs, so the docs cannot drift from the
 * library.
 *
 * Fence info strings:
 * - ```ts / ```typescript: type-checked with the repo's tsc, then run with tsx (it must exit 0).
 *   A block containing `redis://localhost:6379` runs against a redis-server this test starts, with
 *   that URL replaced by the server's.
 * - ```ts no-run: type-checked only. For blocks that need a service the test does not start (a
 *   PostgreSQL database, Sentinel, a Superset server) or that are vitest files themselves. They
 *   must still be complete: declare what they assume (`declare const manager: CacheManager;`).
 * - ```sh / ```bash: every `npm run <script>` names a script in package.json.
 *
 * Blocks are written to a scratch directory inside the repo (`.tmp/`, git-ignored) so that
 * `superset-cache` imports resolve to this package itself, through its `superset-cache-source`
 * export condition, i.e. to `src/` (no build needed). All blocks are type-checked in one tsc run.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "#test/helpers/paths.js";
import { RedisServer } from "#test/helpers/redis-server.js";

/** The export condition under which package.json maps every entry point to its source file. */
const SOURCE_CONDITION = "superset-cache-source";
/** The URL docs use for "your Redis"; blocks containing it run against a test server. */
const DOC_REDIS_URL = "redis://localhost:6379";
const RUN_TIMEOUT_MS = 60_000;

interface CodeBlock {
  /** `docs/redis.md:101`: file and line of the opening fence. */
  name: string;
  /** The fence's language (`ts`, `sh`, …). */
  lang: string;
  /** Words after the language (`no-run`). */
  flags: string[];
  code: string;
  /** Line of the first code line in its markdown file (1-based). */
  firstLine: number;
}

const DOC_FILES = [
  "README.md",
  "bench/README.md",
  ...readdirSync(join(REPO_ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .sort()
    .map((f) => `docs/${f}`),
];

/** Fenced blocks of one markdown file; fences may be indented (inside list items). */
function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(join(REPO_ROOT, file), "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    blocks.push({
      name: `${file}:${i + 1}`,
      lang: open[2]!,
      flags: open[3]!.trim().split(/\s+/).filter(Boolean),
      code: body.join("\n"),
      firstLine: i + 2,
    });
    i = j;
  }
  return blocks;
}

const ALL_BLOCKS = DOC_FILES.flatMap(codeBlocks);
const TS_BLOCKS = ALL_BLOCKS.filter((b) => b.lang === "ts" || b.lang === "typescript");
const SHELL_BLOCKS = ALL_BLOCKS.filter((b) => b.lang === "sh" || b.lang === "bash");
const runnable = (b: CodeBlock) => !b.flags.includes("no-run");
const needsRedis = (b: CodeBlock) => b.code.includes(DOC_REDIS_URL);

/** File name of a block in the scratch directory. */
const fileOf = (b: CodeBlock) => `${b.name.replace(/[^A-Za-z0-9]+/g, "_")}.ts`;

let dir = "";
let scratchTmp = "";
let redis: RedisServer | undefined;
/** tsc diagnostics per block file name. */
const diagnostics = new Map<string, string[]>();

beforeAll(async () => {
  if (TS_BLOCKS.some((b) => runnable(b) && needsRedis(b))) redis = await RedisServer.start({ label: "docs" });
  mkdirSync(join(REPO_ROOT, ".tmp"), { recursive: true });
  dir = mkdtempSync(join(REPO_ROOT, ".tmp", "code-blocks-"));
  scratchTmp = join(dir, "tmp");
  mkdirSync(scratchTmp);
  for (const b of TS_BLOCKS) {
    const code = redis ? b.code.replaceAll(DOC_REDIS_URL, redis.url) : b.code;
    // `export {}` makes every block a module of its own: no names shared between blocks.
    writeFileSync(join(dir, fileOf(b)), `${code}\nexport {};\n`);
  }
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      extends: relative(dir, join(REPO_ROOT, "tsconfig.json")),
      compilerOptions: { customConditions: [SOURCE_CONDITION], noEmit: true },
      include: ["*.ts"],
    }),
  );
  const tsc = spawnSync(
    process.execPath,
    [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir, "--pretty", "false"],
    { cwd: REPO_ROOT, encoding: "utf8" },
  );
  // Diagnostics start with the file path relative to the cwd; keep those inside the scratch dir.
  const prefix = `${relative(REPO_ROOT, dir)}/`;
  for (const line of tsc.stdout.split("\n")) {
    if (!line.startsWith(prefix)) continue;
    const file = line.slice(prefix.length).split("(")[0]!;
    diagnostics.set(file, [...(diagnostics.get(file) ?? []), line.slice(prefix.length)]);
  }
  // Errors in src/ belong to other tests; only a tsc that could not run at all stops this one.
  if (tsc.status !== 0 && !tsc.stdout.includes("error TS")) {
    throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  }
}, 240_000);

afterAll(async () => {
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `docs/x.md:12 (…)` location of a tsc diagnostic, so a failure points into the markdown. */
function locate(b: CodeBlock, diagnostic: string): string {
  const m = /^[^(]+\((\d+),(\d+)\)/.exec(diagnostic);
  const line = m ? b.firstLine + Number(m[1]) - 1 : b.firstLine;
  return `${b.name.split(":")[0]}:${line}: ${diagnostic.replace(/^[^:]+: /, "")}`;
}

describe("docs code blocks", () => {
  it("finds the blocks it checks", () => {
    expect(TS_BLOCKS.length).toBeGreaterThan(20);
    for (const b of TS_BLOCKS)
      expect(
        b.flags.filter((f) => f !== "no-run"),
        b.name,
      ).toEqual([]);
  });

  it.each(TS_BLOCKS.map((b) => [b.name, b] as const))("%s type-checks", (_name, b) => {
    const found = (diagnostics.get(fileOf(b)) ?? []).map((d) => locate(b, d));
    expect(found).toEqual([]);
  });

  it.each(TS_BLOCKS.filter(runnable).map((b) => [b.name, b] as const))(
    "%s runs",
    (_name, b) => {
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: scratchTmp };
      // Blocks read these to pick a real service; the test runs them on the defaults.
      for (const name of Object.keys(env))
        if (name.startsWith("SUPERSET_") || name === "REDIS_URL" || name === "SQLALCHEMY_DATABASE_URI")
          delete env[name];
      const r = spawnSync(
        process.execPath,
        [`--conditions=${SOURCE_CONDITION}`, "--import", "tsx", fileOf(b)],
        { cwd: dir, env, encoding: "utf8", timeout: RUN_TIMEOUT_MS },
      );
      expect(r.status, `${b.name} failed (signal ${r.signal}):\n${r.stdout}\n${r.stderr}`).toBe(0);
    },
    RUN_TIMEOUT_MS + 10_000,
  );

  it("every `npm run <script>` in a shell block names a script of package.json", () => {
    const scripts = Object.keys(
      (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { scripts: object }).scripts,
    );
    const named = SHELL_BLOCKS.flatMap((b) =>
      [...b.code.matchAll(/npm run ([\w:.-]+)/g)].map((m) => ({ block: b.name, script: m[1]! })),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !scripts.includes(n.script))).toEqual([]);
  });
});
