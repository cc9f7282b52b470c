/**
 * `npm run bench [-- suite ...]`: runs every suite in bench/suites (or the named ones),
 * each comparing ours against its peers in the same run, and writes bench/results/*.json.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { report, type SuiteResult } from "./harness.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "suites");
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts"))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.ts$/, "")))
  .sort();
if (files.length === 0) throw new Error(`no bench suite matches ${wanted.join(", ")}`);

for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: () => Promise<SuiteResult> };
  report(await mod.default());
}
