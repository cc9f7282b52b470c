/**
 * The package as a consumer gets it. The built `dist/` and the files `npm pack` ships are
 * installed into a fresh project whose node_modules holds only this package, its runtime
 * `dependencies` and @types/node: no keyv, prom-client, pg, mysql2 or vitest. A strict tsc
 * (`skipLibCheck: false`) over code importing the entries must pass, that code must run (ESM
 * and CommonJS), and shipped examples must run against `dist/`.
 *
 * `dist/` is rebuilt (`npm run build`, minutes) only when a build input is newer than it.
 */
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, TSX_BIN } from "#test/helpers/paths.js";

const BUILD_TIMEOUT_MS = 15 * 60_000;
const BUILD_INPUTS = ["src", "package.json", "tsup.config.ts", "tsconfig.json"];
/** Peers a consumer installs only for the entry that needs them; none may leak into other types. */
const OPTIONAL_PEERS = ["keyv", "prom-client", "pg", "mysql2", "vitest"];
/** Entries whose types need an optional peer (`superset-cache/keyv` names Keyv's types). */
const PEER_ENTRIES = new Set(["./keyv", "./prometheus"]);

interface ConditionalTarget {
  types: string;
  default: string;
}
interface PackageJson {
  name: string;
  exports: Record<string, string | { import: ConditionalTarget; require: ConditionalTarget }>;
  dependencies: Record<string, string>;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as PackageJson;
const entries = Object.entries(pkg.exports).flatMap(([subpath, target]) =>
  typeof target === "string" ? [] : [{ subpath, ...target }],
);
const distFiles = entries.flatMap((e) => [
  e.import.types,
  e.import.default,
  e.require.types,
  e.require.default,
]);

function newestMtimeMs(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestMtimeMs(join(path, name))));
}

function distIsFresh(): boolean {
  const built = distFiles.map((f) => {
    try {
      return statSync(join(REPO_ROOT, f)).mtimeMs;
    } catch {
      return Number.NEGATIVE_INFINITY;
    }
  });
  const newestInput = Math.max(...BUILD_INPUTS.map((p) => newestMtimeMs(join(REPO_ROOT, p))));
  return Math.min(...built) > newestInput;
}

function run(command: string, args: string[], cwd: string, timeout = 120_000) {
  const r = spawnSync(command, args, { cwd, encoding: "utf8", timeout });
  return {
    ok: r.status === 0,
    output: `${command} ${args.join(" ")} (exit ${r.status}):\n${r.stdout}${r.stderr}`,
  };
}

/** The paths `npm pack` would put in the tarball. */
function packedFiles(): string[] {
  const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed:\n${r.stderr}`);
  const [report] = JSON.parse(r.stdout) as [{ files: { path: string }[] }];
  return report.files.map((f) => f.path);
}

/** Install by hand what npm would: the packed files copied, dependencies linked from this repo. */
function installInto(project: string, files: readonly string[]): void {
  const modules = join(project, "node_modules");
  const self = join(modules, pkg.name);
  for (const file of files) {
    mkdirSync(dirname(join(self, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(self, file));
  }
  for (const dep of [...Object.keys(pkg.dependencies), "@types/node"]) {
    mkdirSync(dirname(join(modules, dep)), { recursive: true });
    symlinkSync(join(REPO_ROOT, "node_modules", dep), join(modules, dep), "dir");
  }
}

const ESM_CONSUMER = `
import {
  Cache,
  CacheManager,
  type CacheOperationEvent,
  createCache,
  type FlaskCacheConfig,
  OPERATION_CHANNEL_NAME,
  pickle,
  PyTuple,
  type PyValue,
  SupersetCacheError,
} from "superset-cache";
import { createInMemoryCacheManager, FakeClock } from "superset-cache/testing";
import { SimpleBackend } from "superset-cache/backends";
import { RedisSerializer } from "superset-cache/codecs";
import { queryObjectCacheKey } from "superset-cache/superset";
import { dumps } from "superset-cache/pickle";
import type { RedisBackendOptions } from "superset-cache/backends/redis";
import type { FileSystemBackendOptions } from "superset-cache/backends/filesystem";
import type { MetastoreBackendOptions } from "superset-cache/backends/metastore";
import type { MemcachedBackendOptions } from "superset-cache/backends/memcached";
import type { DoctorReport } from "superset-cache/ops";
import { AuthError } from "superset-cache/auth";
import { CeleryError } from "superset-cache/celery";

const clock = new FakeClock();
const manager = createInMemoryCacheManager({ CACHE_DEFAULT_TIMEOUT: 60 }, { clock });
const config: FlaskCacheConfig = { CACHE_TYPE: "SimpleCache" };
const cache: Cache = createCache(config);
const direct = new Cache({ backend: new SimpleBackend({ clock }), serializer: new RedisSerializer() });
const unused: [
  RedisBackendOptions?,
  FileSystemBackendOptions?,
  MetastoreBackendOptions?,
  MemcachedBackendOptions?,
  DoctorReport?,
] = [];
const onEvent = (event: CacheOperationEvent): string => event.cache;
interface ChartRow {
  name: string;
  value: number;
}
const chartRows: ChartRow[] = [{ name: "a", value: 1 }];

await manager.dataCache.set("k", PyTuple.fromItems([1, 2]), 30);
const value: PyValue | undefined = await manager.dataCache.get("k");
await cache.set("x", "y");
await direct.set("z", 1);
await manager.dataCache.set("rows", chartRows);
const rows = await manager.dataCache.get<ChartRow[]>("rows");
const filled = await manager.dataCache.getOrSet<ChartRow[]>("filled", () => chartRows);
if (rows?.[0]?.name !== "a" || filled[0]?.value !== 1) {
  throw new SupersetCacheError("CONFIG_INVALID_VALUE", "typed rows did not round-trip");
}
const roundTrip = pickle.loads(dumps({ a: 1 }));
const key: string = queryObjectCacheKey({ columns: ["a"] });
if (!(manager instanceof CacheManager) || value === undefined || roundTrip === undefined || key.length === 0) {
  throw new SupersetCacheError("CONFIG_INVALID_VALUE", "unexpected result");
}
await manager.close();
await cache.close();
await direct.close();
console.log(OPERATION_CHANNEL_NAME, unused.length, typeof onEvent, AuthError.name, CeleryError.name);
`;

const CJS_CONSUMER = `
import { CacheManager, PyTuple } from "superset-cache";
import { createInMemoryCacheManager } from "superset-cache/testing";

async function main(): Promise<void> {
  const manager: CacheManager = createInMemoryCacheManager();
  await manager.cache.set("t", PyTuple.fromItems(["a"]));
  console.log(String(await manager.cache.has("t")));
  await manager.close();
}
void main();
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022"],
    types: ["node"],
    strict: true,
    skipLibCheck: false,
    noUncheckedIndexedAccess: true,
    outDir: "out",
  },
  files: ["esm.ts", "cjs.cts"],
};

let project = "";
let files: string[] = [];

beforeAll(() => {
  if (!distIsFresh()) {
    const r = run("npm", ["run", "build"], REPO_ROOT, BUILD_TIMEOUT_MS);
    if (!r.ok) throw new Error(r.output);
  }
  files = packedFiles();
  project = mkdtempSync(join(tmpdir(), "superset-cache-consumer-"));
  installInto(project, files);
  writeFileSync(join(project, "package.json"), `${JSON.stringify({ private: true, type: "module" })}\n`);
  writeFileSync(join(project, "tsconfig.json"), `${JSON.stringify(CONSUMER_TSCONFIG, null, 2)}\n`);
  writeFileSync(join(project, "esm.ts"), ESM_CONSUMER);
  writeFileSync(join(project, "cjs.cts"), CJS_CONSUMER);
}, BUILD_TIMEOUT_MS);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe("the package as a strict consumer installs it", () => {
  it("ships every exports target, the examples and the fixture they read", () => {
    const shipped = new Set(files);
    const missing = distFiles.map((f) => f.replace(/^\.\//, "")).filter((f) => !shipped.has(f));
    expect(missing).toEqual([]);
    expect(files.filter((f) => f.startsWith("examples/") && f.endsWith(".ts")).length).toBeGreaterThan(5);
    expect(shipped.has("test/fixtures/pickle/superset_query_cache.redis")).toBe(true);
    expect(files.filter((f) => f.startsWith("src/"))).toEqual([]);
  });

  it("the consumer imports every entry but keyv and prometheus, with no optional peer installed", () => {
    const modules = join(project, "node_modules");
    expect(OPTIONAL_PEERS.filter((peer) => existsSync(join(modules, peer)))).toEqual([]);
    const specifiers = entries
      .filter((e) => !PEER_ENTRIES.has(e.subpath))
      .map((e) => pkg.name + e.subpath.slice(1));
    expect(specifiers.filter((s) => !ESM_CONSUMER.includes(`from "${s}";`))).toEqual([]);
  });

  it("type-checks strictly (skipLibCheck off) and runs as ESM and CommonJS", () => {
    const tsc = run(
      process.execPath,
      [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
      project,
    );
    expect(tsc.ok, tsc.output).toBe(true);
    const esm = run(process.execPath, ["out/esm.js"], project);
    expect(esm.ok, esm.output).toBe(true);
    expect(esm.output).toContain("superset-cache:operation");
    const cjs = run(process.execPath, ["out/cjs.cjs"], project);
    expect(cjs.ok, cjs.output).toBe(true);
    expect(cjs.output).toContain("true");
  });

  it.each(["quickstart.ts", "inspect-pickle.ts", "operations.ts"])(
    "examples/%s runs from node_modules against dist",
    (file) => {
      const r = run(TSX_BIN, [join("node_modules", pkg.name, "examples", file)], project);
      expect(r.ok, r.output).toBe(true);
    },
  );
});
