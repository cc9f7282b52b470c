/**
 * Runs one op of python/peer/results_peer.py (Debian's Python with msgpack, simplejson,
 * cachelib/Flask-Caching) and returns its result.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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
