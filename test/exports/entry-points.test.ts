/**
 * The public surface, entry by entry: every subpath of package.json `exports` with the names it
 * exports at runtime (`Object.keys` of the source entry) and the type-only names its source
 * declares, snapshotted in entry-points.txt so any change to the public API shows in review.
 */
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "#test/helpers/paths.js";

const SOURCE_CONDITION = "superset-cache-source";

interface PackageJson {
  name: string;
  exports: Record<string, string | Record<string, string | { types: string; default: string }>>;
}

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as PackageJson;

interface Entry {
  specifier: string;
  /** Absolute path of the source entry file. */
  source: string;
  /** `import.default` target, e.g. `./dist/index.js`. */
  distImport: string;
}

const ENTRIES: Entry[] = Object.entries(pkg.exports).flatMap(([subpath, target]) => {
  if (typeof target === "string") return [];
  const source = target[SOURCE_CONDITION];
  const esm = target.import;
  if (typeof source !== "string" || typeof esm !== "object")
    throw new Error(`exports["${subpath}"] is incomplete`);
  return [
    { specifier: pkg.name + subpath.slice(1), source: join(REPO_ROOT, source), distImport: esm.default },
  ];
});

interface DeclaredNames {
  values: string[];
  types: string[];
}

const EXPORT_LIST = /export\s+(type\s+)?\{([^}]*)\}\s*from\s*"([^"]+)"/g;
const EXPORT_NAMESPACE = /export\s+\*\s+as\s+(\w+)\s+from\s*"([^"]+)"/g;
const EXPORT_STAR = /export\s+\*\s+from\s*"([^"]+)"/g;
const LOCAL_VALUE = /export\s+(?:const|function|class)\s+(\w+)/g;
const LOCAL_TYPE = /export\s+(?:type|interface)\s+(\w+)\s*[=<{]/g;

/** The names a module's source exports, split into values and type-only names (follows `export *`). */
function declaredNames(file: string): DeclaredNames {
  const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
  const values = new Set<string>();
  const types = new Set<string>();
  for (const [, typeOnly, list] of text.matchAll(EXPORT_LIST)) {
    for (const item of (list as string)
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const isType = typeOnly !== undefined || item.startsWith("type ");
      const name = item
        .replace(/^type\s+/, "")
        .split(/\s+as\s+/)
        .pop() as string;
      (isType ? types : values).add(name);
    }
  }
  for (const [, name] of text.matchAll(EXPORT_NAMESPACE)) values.add(name as string);
  for (const [, spec] of text.matchAll(EXPORT_STAR)) {
    const inner = declaredNames(join(dirname(file), (spec as string).replace(/\.js$/, ".ts")));
    for (const v of inner.values) values.add(v);
    for (const t of inner.types) types.add(t);
  }
  for (const [, name] of text.matchAll(LOCAL_VALUE)) values.add(name as string);
  for (const [, name] of text.matchAll(LOCAL_TYPE))
    if (!values.has(name as string)) types.add(name as string);
  return { values: sortNames(values), types: sortNames(types) };
}

function sortNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => a.localeCompare(b));
}

async function runtimeNames(file: string): Promise<string[]> {
  return sortNames(Object.keys(await import(file)));
}

describe("entry points", () => {
  it("every exports subpath has a source entry and a dist entry built by tsup", () => {
    const tsup = readFileSync(join(REPO_ROOT, "tsup.config.ts"), "utf8");
    const built = new Map(
      [...tsup.matchAll(/"?([\w/]+)"?:\s*"(src\/[\w/.-]+\.ts)"/g)].map((m) => [
        m[2] as string,
        m[1] as string,
      ]),
    );
    const mismatched = ENTRIES.filter((e) => {
      const stem = built.get(relative(REPO_ROOT, e.source));
      return stem === undefined || e.distImport !== `./dist/${stem}.js`;
    }).map((e) => e.specifier);
    expect(mismatched).toEqual([]);
    expect(ENTRIES.length).toBeGreaterThanOrEqual(12);
  });

  it("the names of every entry (runtime and type-only) match the snapshot", async () => {
    const sections: string[] = [];
    for (const entry of ENTRIES) {
      const runtime = await runtimeNames(entry.source);
      const declared = declaredNames(entry.source);
      // The source parse and the runtime agree, so the type list below is trustworthy.
      expect(declared.values, entry.specifier).toEqual(runtime);
      sections.push(
        [
          `${entry.specifier}  (${relative(REPO_ROOT, entry.source)})`,
          `  values (${runtime.length}):`,
          ...runtime.map((n) => `    ${n}`),
          `  types (${declared.types.length}):`,
          ...declared.types.map((n) => `    ${n}`),
        ].join("\n"),
      );
    }
    await expect(`${sections.join("\n\n")}\n`).toMatchFileSnapshot("entry-points.txt");
  });

  it("the root's `pickle` namespace has the names of `superset-cache/pickle`", async () => {
    const pickleEntry = join(REPO_ROOT, "src", "codecs", "pickle", "index.ts");
    const namespaceModule = join(REPO_ROOT, "src", "codecs", "pickle", "namespace.ts");
    const root = await import(join(REPO_ROOT, "src", "index.ts"));
    expect(sortNames(Object.keys(root.pickle))).toEqual(await runtimeNames(pickleEntry));
    expect(declaredNames(namespaceModule).types).toEqual(declaredNames(pickleEntry).types);
  });

  it("the `pyjson` namespace of `superset-cache/codecs` has the names of codecs/json/index.ts", async () => {
    const jsonIndex = join(REPO_ROOT, "src", "codecs", "json", "index.ts");
    const namespaceModule = join(REPO_ROOT, "src", "codecs", "json", "namespace.ts");
    const codecs = await import(join(REPO_ROOT, "src", "codecs", "index.ts"));
    expect(sortNames(Object.keys(codecs.pyjson))).toEqual(await runtimeNames(jsonIndex));
    expect(declaredNames(namespaceModule).types).toEqual(declaredNames(jsonIndex).types);
  });

  it("docs/upgrading-0.2.md sends every moved name to an entry that exports it", async () => {
    const doc = readFileSync(join(REPO_ROOT, "docs", "upgrading-0.2.md"), "utf8");
    const rows = [
      ...doc.matchAll(
        /\| `import (?:type )?\{ (\w+) \} from "superset-cache"` \| `import (?:type )?\{ \1 \} from "([\w/-]+)"` \|/g,
      ),
    ];
    expect(rows.length).toBeGreaterThan(200);
    const exported = new Map<string, Set<string>>();
    for (const entry of ENTRIES) {
      const names = declaredNames(entry.source);
      exported.set(entry.specifier, new Set([...names.values, ...names.types]));
    }
    const root = exported.get(pkg.name) as Set<string>;
    const wrong = rows
      .filter(
        ([, name, specifier]) =>
          root.has(name as string) || !exported.get(specifier as string)?.has(name as string),
      )
      .map(([, name, specifier]) => `${name} -> ${specifier}`);
    expect(wrong).toEqual([]);
  });

  it("docs/upgrading-0.2.md lists every entry point", () => {
    const doc = readFileSync(join(REPO_ROOT, "docs", "upgrading-0.2.md"), "utf8");
    const listed = new Set([...doc.matchAll(/^\| `([\w/-]+)` \|/gm)].map((m) => m[1]));
    expect(ENTRIES.map((e) => e.specifier).filter((s) => !listed.has(s))).toEqual([]);
  });

  it("`superset-cache` imported by name resolves to src/ under vitest (the source condition)", async () => {
    const byName = await import("superset-cache");
    const bySource = await import("#src/manager/cache-manager.js");
    expect(byName.CacheManager).toBe(bySource.CacheManager);
  });
});
