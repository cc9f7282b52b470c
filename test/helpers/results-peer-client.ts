/**
 * Runs one op of python/peer/results_peer.py (Debian's Python with msgpack, simplejson,
 * cachelib/Flask-Caching) and returns its result.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Table } from "apache-arrow";
import { tableToIpcStream } from "#src/superset/results/arrow-ipc.js";
import { debianPython } from "./python.js";
import type { Json } from "./tagged.js";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "python", "peer", "results_peer.py");
const MAX_OUTPUT_BYTES = 512 * 1024 * 1024;

/** @throws Error carrying the Python exception type and message */
export function resultsPeer(op: string, args: Record<string, Json> = {}): Json {
  const r = spawnSync(debianPython(), [SCRIPT], {
    input: JSON.stringify({ op, ...args }),
    encoding: "utf8",
    maxBuffer: MAX_OUTPUT_BYTES,
  });
  if (r.status !== 0) throw new Error(`results peer failed (${r.status}): ${r.stderr}`);
  const reply = JSON.parse(r.stdout) as { ok: boolean; result?: Json; type?: string; error?: string };
  if (!reply.ok) throw new Error(`${reply.type}: ${reply.error}`);
  return reply.result ?? null;
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "hex"));

/** Where the peer writes: a Redis the test started. */
export interface PeerRedis {
  host: string;
  port: number;
}

/**
 * Python's SQL Lab writes a msgpack results payload for `table` (columns `id` INT, `name` STRING)
 * under `superset_results_<key>`, as Superset's `RESULTS_BACKEND` stores it.
 */
export function pythonStoresResults(redis: PeerRedis, key: string, table: Table, sql: string): void {
  resultsPeer("store", {
    redis: { host: redis.host, port: redis.port, key_prefix: "superset_results_" },
    key,
    mode: "msgpack",
    timeout: 600,
    shape: "classic",
    parts: {
      query_id: 42,
      data: { $bytes: hex(tableToIpcStream(table)) },
      columns: [
        { column_name: "id", name: "id", type: "INT", is_dttm: false },
        { column_name: "name", name: "name", type: "STRING", is_dttm: false },
      ],
      selected_columns: [],
      expanded_columns: [],
      query: { sql, state: "success" },
    },
  });
}

/** Python's thumbnail cache stores `png` under `superset_thumbnails_<key>` (`shape`: bytes or Superset 5's dict). */
export function pythonStoresThumbnail(
  redis: PeerRedis,
  key: string,
  shape: "bytes" | "dict",
  png: Uint8Array,
): void {
  resultsPeer("thumb_store", {
    redis: { host: redis.host, port: redis.port },
    prefix: "superset_thumbnails_",
    key,
    shape,
    image_hex: hex(png),
    status: "Updated",
    timestamp: "2025-02-03T04:05:06.700000",
  });
}
