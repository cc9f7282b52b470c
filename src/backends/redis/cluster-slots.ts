/**
 * Redis Cluster hash slots: CRC16 (XMODEM) of the key, or of its `{hash tag}`, modulo 16384,
 * exactly as the server computes it (cluster spec). Used to split multi-key commands (MGET,
 * UNLINK) and pipelines per slot, because a cluster rejects commands that span slots.
 */
import type { ChainableCommander, Cluster, Redis } from "ioredis";
import { isClusterClient } from "./client.js";
import { RedisBackendError, RedisErrorCode, toRedisError } from "./errors.js";
import { toValues } from "./wire/replies.js";

/** Number of hash slots in a Redis Cluster. */
export const CLUSTER_SLOTS = 16384;

const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const encoder = new TextEncoder();

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++)
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/** The hash slot of a key (UTF-8 for strings), honouring `{tag}` hash tags. */
export function keySlot(key: string | Uint8Array): number {
  const bytes = typeof key === "string" ? encoder.encode(key) : key;
  const open = bytes.indexOf(OPEN_BRACE);
  if (open !== -1) {
    const close = bytes.indexOf(CLOSE_BRACE, open + 1);
    // An empty tag `{}` hashes the whole key, as the server does.
    if (close > open + 1) return crc16(bytes, open + 1, close) % CLUSTER_SLOTS;
  }
  return crc16(bytes, 0, bytes.length) % CLUSTER_SLOTS;
}

/**
 * Group item indexes by the slot of their key, keeping the caller's order inside each group.
 * Returns one array of indexes per distinct slot.
 */
export function groupBySlot<T>(items: readonly T[], keyOf: (item: T) => string | Uint8Array): number[][] {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < items.length; i++) {
    const slot = keySlot(keyOf(items[i]!));
    const group = groups.get(slot);
    if (group) group.push(i);
    else groups.set(slot, [i]);
  }
  return [...groups.values()];
}

/**
 * MGET on a cluster: one MGET per hash slot, in parallel; values in the caller's order.
 * @throws what `fail` throws for a failed MGET
 */
export async function mgetPerSlot(
  c: Cluster,
  keys: readonly string[],
  fail: (e: unknown) => never,
): Promise<(Uint8Array | undefined)[]> {
  const out = new Array<Uint8Array | undefined>(keys.length);
  await Promise.all(
    groupBySlot(keys, (k) => k).map(async (g) => {
      const values = toValues(await c.mgetBuffer(...g.map((i) => keys[i]!)).catch(fail), g.length);
      for (let j = 0; j < g.length; j++) out[g[j]!] = values[j];
    }),
  );
  return out;
}

/** One command per item of a pipelined batch: the key it touches, how to add it, which reply means done. */
export interface PipelinedCommand<T> {
  keyOf: (item: T) => string;
  add: (pipe: ChainableCommander, item: T) => unknown;
  ok: (reply: unknown) => boolean;
}

/**
 * One command per item in non-transactional pipelines (one per hash slot on a cluster, else
 * one); `ok(reply)` per item, in the caller's order.
 * @param exec sends a pipeline (the caller adds its offline bookkeeping and error mapping)
 * @throws RedisBackendError for a pipeline without replies (connection closed) or the first failed command
 */
export async function runPipelined<T>(
  c: Redis | Cluster,
  items: readonly T[],
  command: PipelinedCommand<T>,
  exec: (pipe: ChainableCommander) => Promise<[Error | null, unknown][] | null>,
  secrets: readonly string[],
): Promise<boolean[]> {
  const groups = isClusterClient(c) ? groupBySlot(items, command.keyOf) : [items.map((_, i) => i)];
  const out = new Array<boolean>(items.length).fill(false);
  await Promise.all(
    groups.map(async (g) => {
      const pipe = c.pipeline();
      for (const i of g) command.add(pipe, items[i]!);
      const replies = await exec(pipe);
      if (!replies)
        throw new RedisBackendError(
          RedisErrorCode.connection,
          "redis PIPELINE failed: Connection is closed",
          true,
        );
      for (let j = 0; j < g.length; j++) {
        const [err, reply] = replies[j] ?? [null, null];
        if (err) throw toRedisError(err, "PIPELINE", secrets);
        out[g[j]!] = command.ok(reply);
      }
    }),
  );
  return out;
}
