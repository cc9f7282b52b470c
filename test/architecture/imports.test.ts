/**
 * The layer map of docs/architecture.md, enforced: every import in `src/` (type imports
 * included) goes to its own layer or a lower one, backend families never import each other,
 * and no two modules import each other through a chain of static imports.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "#test/helpers/paths.js";

const SRC = join(REPO_ROOT, "src");

/** Lower rank = lower layer. Layers of equal rank must not import each other. */
const LAYER_RANK: Readonly<Record<string, number>> = {
  core: 0,
  python: 1,
  codecs: 2,
  config: 2,
  backends: 3,
  cache: 4,
  manager: 5,
  superset: 6,
  integrations: 7,
  ops: 7,
  testing: 7,
  celery: 7,
  auth: 7,
  ui: 8,
  cli: 9,
  "index.ts": 10,
};
/** Every folder under backends/ is one backend family. */
const BACKEND_FAMILIES = readdirSync(join(SRC, "backends"), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

interface ImportEdge {
  from: string;
  to: string;
  /** `import type`, `export type`, or `import("…")` used as a type or lazily. */
  static: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^;]*?from\s+"(\.[^"]+)"/g;
const DYNAMIC = /import\(\s*"(\.[^"]+)"\s*\)/g;

function edges(): ImportEdge[] {
  const out: ImportEdge[] = [];
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, "utf8");
    const from = relative(SRC, file);
    const resolve = (spec: string) =>
      relative(SRC, normalize(join(dirname(file), spec.replace(/\.js$/, ".ts"))));
    for (const m of text.matchAll(IMPORT)) {
      out.push({ from, to: resolve(m[3] as string), static: m[2] === undefined });
    }
    for (const m of text.matchAll(DYNAMIC)) out.push({ from, to: resolve(m[1] as string), static: false });
  }
  return out;
}

const layerOf = (path: string): string => path.split("/")[0] as string;
const familyOf = (path: string): string | undefined => {
  const [layer, family] = path.split("/");
  return layer === "backends" && family !== undefined && BACKEND_FAMILIES.includes(family)
    ? family
    : undefined;
};

const ALL = edges();

describe("import layers", () => {
  it("finds the imports it checks", () => {
    expect(ALL.length).toBeGreaterThan(500);
    for (const e of ALL) expect(LAYER_RANK[layerOf(e.to)], `${e.from} -> ${e.to}`).toBeDefined();
  });

  it("every file sits in a known layer", () => {
    const unknown = sourceFiles(SRC)
      .map((f) => relative(SRC, f))
      .filter((f) => LAYER_RANK[layerOf(f)] === undefined);
    expect(unknown).toEqual([]);
  });

  it("imports only go down (or stay in their layer)", () => {
    const bad = ALL.filter((e) => {
      const a = layerOf(e.from);
      const b = layerOf(e.to);
      return a !== b && (LAYER_RANK[b] as number) >= (LAYER_RANK[a] as number);
    }).map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("backend families do not import each other", () => {
    expect(BACKEND_FAMILIES).toEqual(expect.arrayContaining(["filesystem", "metastore", "redis"]));
    const bad = ALL.filter((e) => {
      const a = familyOf(e.from);
      const b = familyOf(e.to);
      return a !== undefined && b !== undefined && a !== b;
    }).map((e) => `${e.from} -> ${e.to}`);
    expect(bad).toEqual([]);
  });

  it("superset/ reaches storage only through Cache: it never imports backends/", () => {
    const bad = ALL.filter((e) => layerOf(e.from) === "superset" && layerOf(e.to) === "backends");
    expect(bad.map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });

  it("cache/ is backend-neutral: it never imports a Redis client", () => {
    const bad = sourceFiles(join(SRC, "cache")).filter((f) =>
      /from\s+"ioredis"/.test(readFileSync(f, "utf8")),
    );
    expect(bad.map((f) => relative(SRC, f))).toEqual([]);
  });

  it("static value imports form no cycle", () => {
    const graph = new Map<string, string[]>();
    for (const e of ALL.filter((x) => x.static)) graph.set(e.from, [...(graph.get(e.from) ?? []), e.to]);
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (node: string, path: string[]): void => {
      if (state.get(node) === "done") return;
      if (state.get(node) === "open") {
        cycles.push([...path.slice(path.indexOf(node)), node].join(" -> "));
        return;
      }
      state.set(node, "open");
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, "done");
    };
    for (const node of graph.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
