/**
 * Size rules of the source tree: a folder holds one concept (at most 15 files flat; more means a
 * sub-concept wants its own folder), and a file stays readable in one sitting (about 400 lines;
 * the check allows a little slack so a doc comment does not force a split).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "#test/helpers/paths.js";

const SRC = join(REPO_ROOT, "src");
const MAX_FILES_PER_FOLDER = 15;
const MAX_LINES_PER_FILE = 440;

function folders(dir: string): string[] {
  const subs = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  return [dir, ...subs.flatMap((e) => folders(join(dir, e.name)))];
}

describe("source tree sizes", () => {
  it(`no folder holds more than ${MAX_FILES_PER_FOLDER} files flat`, () => {
    const crowded = folders(SRC)
      .map((d) => ({
        d: relative(SRC, d) || ".",
        n: readdirSync(d, { withFileTypes: true }).filter((e) => e.isFile()).length,
      }))
      .filter((x) => x.n > MAX_FILES_PER_FOLDER)
      .map((x) => `${x.d}: ${x.n} files`);
    expect(crowded).toEqual([]);
  });

  it(`no source file is over ${MAX_LINES_PER_FILE} lines`, () => {
    const long = folders(SRC)
      .flatMap((d) =>
        readdirSync(d, { withFileTypes: true })
          .filter((e) => e.isFile() && e.name.endsWith(".ts"))
          .map((e) => join(d, e.name)),
      )
      .map((f) => ({ f: relative(SRC, f), n: readFileSync(f, "utf8").split("\n").length - 1 }))
      .filter((x) => x.n > MAX_LINES_PER_FILE)
      .map((x) => `${x.f}: ${x.n} lines`);
    expect(long).toEqual([]);
  });
});
