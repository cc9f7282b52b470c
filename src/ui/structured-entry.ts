/**
 * Redis lists, hashes, sets, sorted sets and streams in the key browser. Recognised by content:
 * kombu queue lists (Celery task messages, shown in the order workers take them), the `unacked`
 * hash, the `unacked_index` sorted set and async-query event streams; any other key shows its
 * first items as text. Read-only and bounded: LRANGE, HSCAN, SSCAN, ZRANGE and XRANGE of at most
 * `maxItems` items (fewer when the key's items are large), never a command that consumes.
 */
import type { Redis } from "ioredis";
import { asyncEventRow, queueItemRow, type SpecialView, unackedRow } from "./task-views.js";

/** Items of a list, hash, set, sorted set or stream shown at most. */
export const DEFAULT_STRUCTURE_ITEMS = 50;
/** SCAN calls per request at most (HSCAN/SSCAN COUNT hints are not limits). */
const MAX_SCANS = 20;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Text when the bytes are UTF-8, else the bytes (the view shows a hex preview). */
export function itemText(b: Uint8Array): string | Uint8Array {
  try {
    return UTF8.decode(b);
  } catch {
    return b;
  }
}

/** What {@link readStructure} may read. */
export interface StructureLimits {
  maxItems: number;
  /** BYTES read per request at most, judged from MEMORY USAGE (items are fetched whole). */
  maxBytes: number;
}

/** Items to fetch so about `maxBytes` are read: MEMORY USAGE / length estimates an item's size. */
function itemBudget(memory: number, total: number, limits: StructureLimits): number {
  const each = total > 0 ? memory / total : 0;
  const fit = each > 0 ? Math.floor(limits.maxBytes / each) : limits.maxItems;
  return Math.max(1, Math.min(limits.maxItems, fit));
}

async function scanPairs(
  r: Redis,
  cmd: "hscanBuffer" | "sscanBuffer",
  key: Buffer,
  want: number,
): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const step = cmd === "hscanBuffer" ? 2 : 1;
  let cursor = "0";
  let scans = 0;
  do {
    const [next, batch] = await r[cmd](key, cursor, "COUNT", want);
    cursor = next.toString();
    out.push(...batch);
  } while (cursor !== "0" && out.length < want * step && ++scans < MAX_SCANS);
  return out.slice(0, want * step);
}

const view = (kind: string, format: string, total: number, value: unknown[]): SpecialView => ({
  kind,
  format,
  items: { total, shown: value.length },
  value,
});

async function list(r: Redis, key: Buffer, n: number, total: number): Promise<SpecialView> {
  // kombu LPUSHes and workers BRPOP: the tail is next, so read it oldest first, as peek does.
  const tail = (await r.lrangeBuffer(key, -n, -1)).reverse();
  const rows = tail.map((b) => queueItemRow(b));
  if (rows.some((x) => x !== undefined))
    return view(
      "celery-queue",
      "list",
      total,
      rows.map(
        (row, i) =>
          row ?? { task: null, error: "not a Celery task message", text: itemText(tail[i] as Buffer) },
      ),
    );
  const head = await r.lrangeBuffer(key, 0, n - 1);
  return view(
    "redis-list",
    "list",
    total,
    head.map((b, i) => ({ index: i, value: itemText(b) })),
  );
}

async function hash(r: Redis, key: Buffer, n: number, total: number): Promise<SpecialView> {
  const flat = await scanPairs(r, "hscanBuffer", key, n);
  const pairs: [Buffer, Buffer][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i] as Buffer, flat[i + 1] as Buffer]);
  const rows = pairs.map(([f, v]) => unackedRow(f.toString("utf8"), v));
  if (rows.some((x) => x !== undefined)) {
    // kombu's `unacked_index` beside `unacked` holds each delivery's time (epoch SECONDS).
    const index = Buffer.concat([key, Buffer.from("_index")]);
    const p = r.pipeline();
    for (const [f] of pairs) p.zscore(index, f);
    const scores = (await p.exec()) ?? [];
    return view(
      "celery-unacked",
      "hash",
      total,
      rows.map((row, i) => {
        const score = Number(scores[i]?.[1] ?? Number.NaN);
        const deliveredAt = Number.isFinite(score) ? new Date(score * 1000).toISOString() : null;
        return row
          ? { ...row, deliveredAt }
          : { deliveryTag: itemText(pairs[i]?.[0] as Buffer), error: "not a kombu unacked entry" };
      }),
    );
  }
  return view(
    "redis-hash",
    "hash",
    total,
    pairs.map(([f, v]) => ({ field: itemText(f), value: itemText(v) })),
  );
}

async function zset(r: Redis, key: Buffer, n: number, total: number): Promise<SpecialView> {
  const flat = await r.zrangeBuffer(key, 0, n - 1, "WITHSCORES");
  const rows: { member: string | Uint8Array; score: number }[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2)
    rows.push({ member: itemText(flat[i] as Buffer), score: Number((flat[i + 1] as Buffer).toString()) });
  if (key.toString("latin1").endsWith("unacked_index"))
    return view(
      "celery-unacked-index",
      "zset",
      total,
      rows.map((x) => ({ deliveryTag: x.member, deliveredAt: new Date(x.score * 1000).toISOString() })),
    );
  return view("redis-zset", "zset", total, rows);
}

async function stream(r: Redis, key: Buffer, n: number, total: number): Promise<SpecialView> {
  const entries = await r.xrangeBuffer(key, "-", "+", "COUNT", n);
  const plain = entries.map(([id, kv]) => {
    const fields: Record<string, string> = Object.create(null);
    for (let i = 0; i + 1 < kv.length; i += 2)
      fields[(kv[i] as Buffer).toString("utf8")] = (kv[i + 1] as Buffer).toString("utf8");
    return { id: id.toString(), fields };
  });
  const events = plain.map((e) => asyncEventRow(e.id, e.fields));
  if (events.length > 0 && events.every((x) => x !== undefined))
    return view("async-query-events", "stream", total, events);
  return view("redis-stream", "stream", total, plain);
}

async function set(r: Redis, key: Buffer, n: number, total: number): Promise<SpecialView> {
  const members = await scanPairs(r, "sscanBuffer", key, n);
  return view(
    "redis-set",
    "set",
    total,
    members.map((m) => ({ member: itemText(m) })),
  );
}

const LENGTH: Record<string, "llen" | "hlen" | "scard" | "zcard" | "xlen"> = {
  list: "llen",
  hash: "hlen",
  set: "scard",
  zset: "zcard",
  stream: "xlen",
};
const READ = { list, hash, set, zset, stream };

/**
 * The first items of a non-string key, decoded when they are Celery's or Superset's.
 * @returns undefined for a type not read here (string, none, module types)
 */
export async function readStructure(
  r: Redis,
  key: Buffer,
  type: string,
  limits: StructureLimits,
): Promise<(SpecialView & { bytes: number }) | undefined> {
  const length = LENGTH[type];
  if (!length) return undefined;
  const [total, memory] = await Promise.all([
    r[length](key),
    r.call("MEMORY", "USAGE", key, "SAMPLES", "5").then(Number, () => 0),
  ]);
  const n = itemBudget(memory, total, limits);
  const read = READ[type as keyof typeof READ];
  return { ...(await read(r, key, n, total)), bytes: memory };
}
