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
 * valid UTF-8 are deleted too. On each SCAN reply the next SCAN goes out first, then that reply's
 * keys as UNLINKs, none of them awaited on its own: one round trip per SCAN and none per UNLINK,
 * and the server runs the next SCAN while this process builds the UNLINKs. (SCAN's cursor is not
 * disturbed by deleting keys it already returned; a key returned twice is unlinked once.)
 * @throws whatever the client rejects with (the caller maps it to a typed error)
 */
export async function clearPrefixOnNode(node: Redis, prefix: string, options: ClearOptions): Promise<number> {
  const pattern = `${escapeGlob(prefix)}*`;
  const batchSize = options.unlinkBatchSize;
  let deleted = 0;
  let failure: { error: unknown } | undefined;
  const unlinks: Promise<void>[] = [];
  const counted = (n: number) => {
    deleted += n;
  };
  // Attached at once, so a failed UNLINK is never an unhandled rejection while a SCAN is awaited.
  const failed = (error: unknown) => {
    failure ??= { error };
  };
  const unlink = (keys: Buffer[]) => unlinks.push(node.unlink(...keys).then(counted, failed));
  const scan = (cursor: string) => node.scanBuffer(cursor, "MATCH", pattern, "COUNT", options.scanCount);
  let reply = scan("0");
  for (;;) {
    const [next, keys] = await reply;
    if (failure) break;
    const cursor = next.toString();
    if (cursor !== "0") reply = scan(cursor);
    for (let from = 0; from < keys.length; from += batchSize) {
      const batch = keys.length <= batchSize ? keys : keys.slice(from, from + batchSize);
      if (!options.perSlot) unlink(batch);
      else for (const g of groupBySlot(batch, (k) => k)) unlink(g.map((i) => batch[i]!));
    }
    if (cursor === "0") break;
  }
  await Promise.all(unlinks);
  if (failure) throw failure.error;
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
