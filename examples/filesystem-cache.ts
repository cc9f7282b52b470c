/**
 * A FileSystemCache directory as Superset (Flask-Caching 2.x / cachelib) writes it, from Node.
 * Run: npx tsx --conditions=superset-cache-source examples/filesystem-cache.ts
 *
 * Point CACHE_DIR at the directory your superset_config.py uses (e.g. DATA_CACHE_CONFIG =
 * {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": "/var/cache/superset"}) and both sides read
 * each other's entries. Here a temp directory stands in for it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCache } from "superset-cache";
import type { FileSystemBackend } from "superset-cache/backends/filesystem";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "superset-fs-cache-"));
  const cache = createCache({ CACHE_TYPE: "FileSystemCache", CACHE_DIR: dir, CACHE_DEFAULT_TIMEOUT: 300 });
  // Creates the directory if needed and proves it writable now, not on the first request.
  await cache.whenReady();

  await cache.set("chart:42", { rowcount: 1, data: [{ name: "a", total: 17 }] }, 60);
  say(
    `stored chart:42 for 60 seconds; read back rowcount ${((await cache.get("chart:42")) as { rowcount: number }).rowcount}`,
  );

  // The file is cachelib's: name = md5 of the key (no prefix), 4-byte LE expiry, then the pickle.
  const backend = (await cache.backend()) as FileSystemBackend;
  const file = backend.pathForKey("chart:42");
  const bytes = readFileSync(file);
  say(
    `file ${file.split("/").pop()}: expires at ${bytes.readUInt32LE(0)} (Unix seconds), pickle starts ${bytes.subarray(4, 6).toString("hex")}`,
  );
  say(
    `count file ${backend.countFileName} says ${await backend.readCount()} entr${(await backend.readCount()) === 1 ? "y" : "ies"}`,
  );

  // Flask-Caching semantics: add refuses an existing key, delete of a missing key is true.
  say(
    `add("chart:42") again -> ${await cache.add("chart:42", "other")}; delete("nope") -> ${await cache.delete("nope")}`,
  );
  say(`directory now holds: ${readdirSync(dir).join(", ")}`);

  await cache.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
