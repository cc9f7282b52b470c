/**
 * `clear(prefix)` for Redis: SCAN (never KEYS) with the prefix matched literally, UNLINK in
 * batches. Flask-Caching sends `KEYS prefix*`, so glob characters in the prefix act as
 * wildcards there (`a?` also clears `ab…`); here they are escaped and match only themselves.
 */
import type { Cluster, Redis } from "ioredis";
import { isClusterClient } from "./client.js";
import { groupBySlot } from "./cluster-slots.js";

/** Escape Redis glob metacharacters (`* ? [ ] \`) so a pattern matches the text literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

export interface ClearOptions {
  /** SCAN COUNT hint per call (default 1000). */
  scanCount: number;
  /** Keys per UNLINK command (default 500). */
  unlinkBatchSize: number;
  /** Split each UNLINK per hash slot (required on a cluster node; CROSSSLOT otherwise). */
  perSlot: boolean;
}

/**
 * Delete every key starting with `prefix` on one server (one master of a cluster).
 * Returns the number of keys deleted. Keys are handled as Buffers, so keys that are not
 * valid UTF-8 are deleted too.
 * @throws whatever the client rejects with (the caller maps it to a typed error)
 */
export async function clearPrefixOnNode(node: Redis, prefix: string, options: ClearOptions): Promise<number> {
  const pattern = `${escapeGlob(prefix)}*`;
  let cursor = "0";
  let deleted = 0;
  let pending: Buffer[] = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    if (!options.perSlot) {
      deleted += await node.unlink(...batch);
      return;
    }
    const counts = await Promise.all(
      groupBySlot(batch, (k) => k).map((g) => node.unlink(...g.map((i) => batch[i]!))),
    );
    for (const c of counts) deleted += c;
  };
  do {
    const [next, keys] = await node.scanBuffer(cursor, "MATCH", pattern, "COUNT", options.scanCount);
    cursor = next.toString();
    for (const key of keys) {
      pending.push(key);
      if (pending.length >= options.unlinkBatchSize) await flush();
    }
  } while (cursor !== "0");
  await flush();
  return deleted;
}

/**
 * `clear(prefix)` on every master of `client`: FLUSHDB for an empty prefix, else
 * {@link clearPrefixOnNode}. `true` when something was deleted (always after a FLUSHDB).
 * @throws whatever the client rejects with (the caller maps it to a typed error)
 */
export async function clearKeys(
  client: Redis | Cluster,
  prefix: string,
  options: Omit<ClearOptions, "perSlot">,
): Promise<boolean> {
  const cluster = isClusterClient(client);
  const nodes = cluster ? client.nodes("master") : [client as Redis];
  if (prefix === "") {
    await Promise.all(nodes.map((n) => n.flushdb()));
    return true;
  }
  const counts = await Promise.all(
    nodes.map((n) => clearPrefixOnNode(n, prefix, { ...options, perSlot: cluster })),
  );
  return counts.some((n) => n > 0);
}
