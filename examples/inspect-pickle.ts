/**
 * Inspect a value Superset stored in Redis: strip cachelib's "!" marker, decode the pickle
 * safely, and print what it holds (a chart-data dict with a DataFrame here). Nothing in the
 * pickle is executed; unknown classes come back as inert placeholders.
 *
 * Run: npx tsx --conditions=superset-cache-source examples/inspect-pickle.ts [file]
 * (default file: a Superset chart-data value captured from Flask-Caching,
 * test/fixtures/pickle/superset_query_cache.redis, which the package ships too)
 */
import { readFileSync } from "node:fs";
import { Table } from "apache-arrow";
import { PyObject, pickle } from "superset-cache";
import { PickleDecodeError } from "superset-cache/pickle";

const file =
  process.argv[2] ?? new URL("../test/fixtures/pickle/superset_query_cache.redis", import.meta.url).pathname;
const raw = readFileSync(file);
const bytes = raw[0] === 0x21 ? raw.subarray(1) : raw; // "!" + pickle, as cachelib writes

try {
  const value = pickle.loads(bytes);
  const isDict = value !== null && typeof value === "object" && Object.getPrototypeOf(value) === null;
  const entries: [unknown, unknown][] =
    value instanceof Map ? [...value.entries()] : isDict ? Object.entries(value) : [["(value)", value]];
  for (const [key, v] of entries) {
    if (v instanceof Table) {
      console.log(`${String(key)}: DataFrame ${v.numRows} rows`);
      for (const f of v.schema.fields) {
        const sample = v.getChild(f.name)?.get(0);
        console.log(
          `  ${f.name}: ${f.type} (pandas ${f.metadata.get("pandas_dtype")}) first = ${String(sample)}`,
        );
      }
      console.log(`  index: ${v.schema.metadata.get("pandas_index")}`);
    } else if (v instanceof PyObject) {
      console.log(`${String(key)}: placeholder for ${v.qualifiedName} (not executed)`);
    } else {
      console.log(
        `${String(key)}: ${JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x))}`,
      );
    }
  }
} catch (e) {
  if (e instanceof PickleDecodeError) console.error(`not a readable pickle: ${e.code} at byte ${e.offset}`);
  else throw e;
}
