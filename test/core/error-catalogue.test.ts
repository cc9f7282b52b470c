/**
 * The error catalogue: the family lists of src/core/error-codes/ (every one re-exported by its
 * index, none declared elsewhere in src/) match the code union, every code is documented in
 * docs/errors.md and nothing else is, and src/ creates no bare `Error`/`RangeError`/`TypeError`
 * outside a short list of documented internal cases.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import * as catalogue from "#src/core/error-codes/index.js";
import { ERROR_CODES, type SupersetCacheErrorCode } from "#src/core/error-codes/index.js";
import { REPO_ROOT } from "#test/helpers/paths.js";

type Catalogue = typeof catalogue;
/** Names of the per-family lists (`CONFIG_ERROR_CODES`, `PICKLE_DECODE_ERROR_CODES`, …). */
type FamilyListName = {
  [K in keyof Catalogue]: K extends `${string}_ERROR_CODES` ? K : never;
}[keyof Catalogue];
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Compile-time: the family lists together are exactly the union every error's `code` is typed with.
const familiesMatchTheUnion: Equal<Catalogue[FamilyListName][number], SupersetCacheErrorCode> = true;

/** Every `*_ERROR_CODES` list the module exports, by name. */
function familyLists(): [string, readonly string[]][] {
  return Object.entries(catalogue as Record<string, unknown>).filter(
    (e): e is [string, readonly string[]] => /^[A-Z_]+_ERROR_CODES$/.test(e[0]) && Array.isArray(e[1]),
  );
}

const CATALOGUE_DIR = join(REPO_ROOT, "src", "core", "error-codes");
const FAMILY_LIST = /^export const ([A-Z_]+_ERROR_CODES)\b/gm;

/** Each family-group file of the catalogue folder, with the family lists it exports. */
async function catalogueFiles(): Promise<{ file: string; lists: [string, unknown][] }[]> {
  const files = readdirSync(CATALOGUE_DIR).filter((f) => f.endsWith(".ts") && f !== "index.ts");
  return Promise.all(
    files.map(async (file) => {
      const mod = (await import(join(CATALOGUE_DIR, file))) as Record<string, unknown>;
      return { file, lists: Object.entries(mod).filter(([name]) => /^[A-Z_]+_ERROR_CODES$/.test(name)) };
    }),
  );
}

/** First-column codes of the tables in docs/errors.md, one per row. */
function documentedCodes(): string[] {
  const text = readFileSync(join(REPO_ROOT, "docs", "errors.md"), "utf8");
  return [...text.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1] as string);
}

describe("error codes", () => {
  it("ERROR_CODES is every family list's codes, once each, UPPER_SNAKE", () => {
    expect(familiesMatchTheUnion).toBe(true);
    const lists = familyLists();
    expect(lists.length).toBeGreaterThan(5);
    expect(new Set(ERROR_CODES)).toEqual(new Set(lists.flatMap(([, codes]) => codes)));
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/);
  });

  it("every family list of the folder's files is exported by its index, and only those", async () => {
    const files = await catalogueFiles();
    expect(files.length).toBeGreaterThan(5);
    const inFiles = files.flatMap(({ file, lists }) => {
      expect(lists.length, `${file} declares no family list`).toBeGreaterThan(0);
      return lists;
    });
    for (const [name, list] of inFiles) expect((catalogue as Record<string, unknown>)[name], name).toBe(list);
    expect(
      familyLists()
        .map(([name]) => name)
        .sort(),
    ).toEqual(inFiles.map(([name]) => name).sort());
  });

  it("no family list is declared in src/ outside the catalogue folder", () => {
    const elsewhere = sourceFiles(join(REPO_ROOT, "src"))
      .filter((path) => !path.startsWith(CATALOGUE_DIR))
      .flatMap((path) =>
        [...readFileSync(path, "utf8").matchAll(FAMILY_LIST)].map(
          (m) => `${relative(REPO_ROOT, path)}: ${m[1]}`,
        ),
      );
    expect(elsewhere).toEqual([]);
  });

  it("docs/errors.md documents every code, once, and no code that does not exist", () => {
    const documented = documentedCodes();
    const known = new Set<string>(ERROR_CODES);
    expect(
      ERROR_CODES.filter((c) => !documented.includes(c)),
      "codes missing from docs/errors.md",
    ).toEqual([]);
    expect(
      documented.filter((c) => !known.has(c)),
      "docs/errors.md lists codes that do not exist",
    ).toEqual([]);
    expect(
      documented.filter((c, i) => documented.indexOf(c) !== i),
      "codes documented twice",
    ).toEqual([]);
  });
});

/**
 * Built-in errors src/ may still create, each an internal case no caller ever sees. Keep it tiny:
 * everything else throws a `SupersetCacheError` subclass with a code.
 */
const BARE_ERROR_ALLOWLIST: readonly { file: string; line: RegExp; why: string }[] = [
  { file: "src/core/errors.ts", line: /class SupersetCacheError extends Error/, why: "the base class" },
  {
    file: "src/backends/redis/wire/framed-connector.ts",
    line: /reject\(new Error\(CONNECTION_CLOSED\)\)/,
    why: "ioredis's connector contract; ioredis handles it and toRedisError types what surfaces",
  },
  {
    file: "src/backends/redis/wire/replies.ts",
    line: /return new Error\("Command timed out"\)/,
    why: "ioredis's timeout error for our own commands; the backend's mapping types it as ioredis's",
  },
];
const BARE_ERROR = /\bnew (?:Range|Type|Syntax|Reference|Aggregate)?Error\(|\bextends (?:Range|Type)?Error\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

describe("thrown errors", () => {
  it("src/ creates no bare Error, RangeError or TypeError outside the allowlist", () => {
    const found: string[] = [];
    for (const path of sourceFiles(join(REPO_ROOT, "src"))) {
      const file = relative(REPO_ROOT, path);
      readFileSync(path, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (!BARE_ERROR.test(line)) return;
          if (BARE_ERROR_ALLOWLIST.some((a) => a.file === file && a.line.test(line))) return;
          found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it("every allowlisted line still exists (no stale entries)", () => {
    for (const a of BARE_ERROR_ALLOWLIST) {
      expect(readFileSync(join(REPO_ROOT, a.file), "utf8"), `${a.file} (${a.why})`).toMatch(a.line);
    }
  });
});
