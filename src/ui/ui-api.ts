/**
 * The inspector's JSON API, one function per route. Every handler gets the parsed request and
 * returns a status and a JSON body (or bytes for images); ui-server.ts does transport, access
 * control and secret scrubbing. Redis is read with SCAN (never KEYS), STRLEN/GETRANGE before GET,
 * and values above the decode limit are never fetched whole.
 */
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { DEFAULT_SESSION_KEY_PREFIX } from "../auth/server-session.js";
import { CELERY_TASK_META_PREFIX } from "../celery/results.js";
import { type DecodedEntry, decodeEntry, imageContentType } from "../ops/decode-entry.js";
import { escapeControl } from "../ops/display/control-chars.js";
import { doctor } from "../ops/doctor.js";
import { lintSupersetConfig } from "../ops/doctor-superset-checks.js";
import type { DoctorReport } from "../ops/doctor-types.js";
import { runWarmup, type WarmTarget } from "../ops/warm/runner.js";
import { imageBytesOf, rowsAt, type ValuePath, type ViewLimits, viewOf } from "./entry-view.js";
import type { InfoSampler } from "./sampler.js";
import { maskSid, type SessionKeys } from "./session-keys.js";
import { DEFAULT_STRUCTURE_ITEMS, readStructure } from "./structured-entry.js";
import { displayUrl, type UiCacheTarget } from "./targets.js";
import { type SpecialView, specialString } from "./task-views.js";

export interface ApiReply {
  status: number;
  json?: unknown;
  bytes?: { body: Uint8Array; type: string };
}

export interface ApiContext {
  targets: readonly UiCacheTarget[];
  /** The client of a Redis cache's server and database. */
  client(target: UiCacheTarget): Redis;
  /** Sampler id of a Redis cache's server. */
  serverId(target: UiCacheTarget): string;
  sampler: InfoSampler;
  limits: ViewLimits;
  allowWrites: boolean;
  supersetConfig: Readonly<Record<string, unknown>>;
  invalidate?: (datasourceUids: string[]) => Promise<unknown>;
  warmTarget?: WarmTarget;
  /** Strings masked in raw bytes too (the JSON text is masked by the server). */
  secrets: readonly string[];
  /** Decoded entries kept for paging; see {@link decodedEntries}. */
  decoded: LRUCache<string, { entry: DecodedEntry }>;
  /** Session keys: masked names and the handles the page opens them by. */
  sessions: SessionKeys;
}

/** SCAN COUNT per call, keys per page, and SCAN calls per page at most (bounded work per request). */
const SCAN_COUNT = 1000;
const DEFAULT_PAGE_KEYS = 100;
const MAX_PAGE_KEYS = 500;
const MAX_SCANS_PER_PAGE = 50;
/** Bytes of raw value per request at most. */
const MAX_RAW_BYTES = 64 * 1024;
/** Bytes of list/hash/set/stream items read per request at most (estimated from MEMORY USAGE). */
const MAX_STRUCTURE_BYTES = 8 * 1024 * 1024;
/** Decoded entries kept for paging (and how long, MILLISECONDS). */
const DECODED_KEEP = 8;
const DECODED_TTL_MS = 60_000;

const ok = (json: unknown): ApiReply => ({ status: 200, json });
const fail = (status: number, error: string): ApiReply => ({ status, json: { error } });

/** A key as text for display: UTF-8, control characters (terminal escapes) shown as `\xNN`. */
export function keyText(raw: Buffer): string {
  return escapeControl(raw.toString("utf8"));
}

/** Glob-escape for SCAN MATCH. */
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

function targetOf(ctx: ApiContext, name: string | null): UiCacheTarget | ApiReply {
  const t = ctx.targets.find((x) => x.name === name);
  if (!t) return fail(404, `no named cache ${String(name)}`);
  if (!t.redis) return fail(400, `${t.name} is a ${t.backend}: only Redis caches can be browsed`);
  return t;
}
const isReply = (x: unknown): x is ApiReply => typeof (x as ApiReply).status === "number";

/** GET /api/overview: every named cache with its server's latest numbers and history. */
export function overview(ctx: ApiContext): ApiReply {
  const caches = ctx.targets.map((t) => {
    const base = {
      name: t.name,
      backend: t.backend,
      prefix: t.prefix,
      ...(t.problem ? { problem: t.problem } : {}),
    };
    if (!t.redis) return base;
    const h = ctx.sampler.history(ctx.serverId(t));
    const s = h.samples;
    const pick = <K extends keyof (typeof s)[number]>(k: K) => s.map((x) => x[k]);
    const latest = s.at(-1);
    return {
      ...base,
      server: displayUrl(t.redis.url, t.redis.db),
      ...(h.error ? { error: h.error } : {}),
      latest: latest ? { ...latest, keysInDb: latest.keyspace[t.redis.db] ?? 0 } : null,
      series: {
        t: pick("t"),
        hitRatio: pick("hitRatio"),
        opsPerSec: pick("opsPerSec"),
        p99GetUsec: pick("p99GetUsec"),
        usedMemoryBytes: pick("usedMemoryBytes"),
        evictedInInterval: pick("evictedInInterval"),
        connectedClients: pick("connectedClients"),
      },
    };
  });
  return ok({ caches, allowWrites: ctx.allowWrites, intervalSeconds: ctx.sampler.intervalSeconds });
}

/** GET /api/keys?cache&cursor&q&count: one page of keys under the cache's prefix. */
export async function keys(ctx: ApiContext, q: URLSearchParams): Promise<ApiReply> {
  const t = targetOf(ctx, q.get("cache"));
  if (isReply(t)) return t;
  const r = ctx.client(t);
  const want = Math.min(MAX_PAGE_KEYS, Math.max(1, Number(q.get("count")) || DEFAULT_PAGE_KEYS));
  const search = q.get("q") ?? "";
  const match = `${globEscape(t.prefix)}*${search ? `${globEscape(search)}*` : ""}`;
  // The search may be a sid an operator typed: it is used, never echoed whole.
  const shown = `${keyText(Buffer.from(`${globEscape(t.prefix)}*`))}${search ? `${maskSid(search)}*` : ""}`;
  let cursor = /^\d+$/.test(q.get("cursor") ?? "") ? (q.get("cursor") as string) : "0";
  const found: Buffer[] = [];
  let scans = 0;
  do {
    const [next, batch] = await r.scanBuffer(cursor, "MATCH", match, "COUNT", SCAN_COUNT);
    cursor = next.toString();
    found.push(...batch);
  } while (cursor !== "0" && found.length < want && ++scans < MAX_SCANS_PER_PAGE);
  const p = r.pipeline();
  for (const k of found) {
    p.pttl(k);
    p.call("MEMORY", "USAGE", k, "SAMPLES", "0");
    p.type(k);
  }
  const res = (await p.exec()) ?? [];
  const rows = found.map((k, i) => {
    const [ttlRes, memRes, typeRes] = [res[i * 3], res[i * 3 + 1], res[i * 3 + 2]];
    const ttl = Number(ttlRes?.[1] ?? -2);
    return {
      id: ctx.sessions.idOf(t, k),
      key: ctx.sessions.display(t, k),
      ...(ctx.sessions.masks(t, k) ? { masked: true } : {}),
      type: String(typeRes?.[1] ?? "?"),
      bytes: memRes?.[0] ? null : Number(memRes?.[1] ?? 0),
      ttlSeconds: ttl >= 0 ? Math.ceil(ttl / 1000) : null,
    };
  });
  return ok({ cache: t.name, match: shown, cursor, keys: rows });
}

/** The key `key=` names: a key id or a session key's handle, resolved by the server. */
function rawKey(ctx: ApiContext, t: UiCacheTarget, q: URLSearchParams): Promise<Buffer | undefined> {
  return ctx.sessions.resolve(t, ctx.client(t), q.get("key") ?? "");
}

/** The Redis cache `cache=` names and the key `key=` gives, or the reply saying which is wrong. */
async function keyOf(
  ctx: ApiContext,
  q: URLSearchParams,
): Promise<{ t: UiCacheTarget; key: Buffer } | ApiReply> {
  const t = targetOf(ctx, q.get("cache"));
  if (isReply(t)) return t;
  const key = await rawKey(ctx, t, q);
  return key ? { t, key } : fail(400, "key must be the id the key list gave");
}

/** A fresh store of decoded entries (a few, for a minute): paging rows does not decode again. */
export function decodedEntries(): LRUCache<string, { entry: DecodedEntry }> {
  return new LRUCache({ max: DECODED_KEEP, ttl: DECODED_TTL_MS });
}

type Loaded = { entry: DecodedEntry; key: Buffer; t: UiCacheTarget } | ApiReply;

/** Decode the entry, or say why not (missing, not a string, too large, undecodable). */
async function load(ctx: ApiContext, q: URLSearchParams, fresh: boolean): Promise<Loaded> {
  const found = await keyOf(ctx, q);
  if (isReply(found)) return found;
  const { t, key } = found;
  const memo = `${t.name}\u0000${key.toString("base64")}`;
  const kept = fresh ? undefined : ctx.decoded.get(memo);
  if (kept) return { entry: kept.entry, key, t };
  const r = ctx.client(t);
  const type = await r.type(key);
  if (type === "none") return fail(404, "no such key");
  if (type !== "string") return fail(415, `a Redis ${type}: only string values are decoded`);
  const size = await r.strlen(key);
  if (size > ctx.limits.maxDecodeBytes)
    return fail(
      413,
      `${size} bytes is above the decode limit of ${ctx.limits.maxDecodeBytes}; show raw bytes`,
    );
  const stored = await r.getBuffer(key);
  if (stored === null) return fail(404, "no such key");
  try {
    const entry = decodeEntry(stored);
    ctx.decoded.set(memo, { entry });
    return { entry, key, t };
  } catch (err) {
    return fail(422, `cannot decode: ${(err as Error).message}`);
  }
}

/**
 * A value read by its Redis type or key name rather than as a Flask-Caching entry: lists,
 * hashes, sets, sorted sets and streams (Celery queues, `unacked`, async-query events), Celery
 * result meta and Flask-Session sessions. Undefined for other strings (and missing keys).
 */
async function specialEntry(
  ctx: ApiContext,
  t: UiCacheTarget,
  key: Buffer,
): Promise<(SpecialView & { bytes?: number }) | undefined> {
  const r = ctx.client(t);
  const type = await r.type(key);
  if (type !== "string")
    return readStructure(r, key, type, {
      // One page: the view would otherwise page the list through /api/rows, which reads strings only.
      maxItems: Math.min(DEFAULT_STRUCTURE_ITEMS, ctx.limits.pageRows),
      maxBytes: Math.min(ctx.limits.maxDecodeBytes, MAX_STRUCTURE_BYTES),
    });
  const name = key.toString("utf8");
  const sessionPrefix = t.role === "sessions" ? t.prefix : DEFAULT_SESSION_KEY_PREFIX;
  if (!name.includes(CELERY_TASK_META_PREFIX) && !name.includes(sessionPrefix)) return undefined;
  if ((await r.strlen(key)) > ctx.limits.maxDecodeBytes) return undefined;
  const stored = await r.getBuffer(key);
  return stored ? specialString(name, stored, sessionPrefix) : undefined;
}

/** GET /api/entry?cache&key: the decoded value's first page, TTL and format. */
export async function entry(ctx: ApiContext, q: URLSearchParams): Promise<ApiReply> {
  const t = targetOf(ctx, q.get("cache"));
  if (isReply(t)) return t;
  const key = await rawKey(ctx, t, q);
  const ttl = key ? await ctx.client(t).pttl(key) : -2;
  const size = key
    ? await ctx
        .client(t)
        .strlen(key)
        .catch(() => 0)
    : 0;
  const head = {
    cache: t.name,
    key: key ? ctx.sessions.display(t, key) : "",
    bytes: size,
    ttlSeconds: ttl >= 0 ? Math.ceil(ttl / 1000) : null,
  };
  const special = key ? await specialEntry(ctx, t, key) : undefined;
  if (special) return ok({ ...head, ...special, value: viewOf(special.value, ctx.limits) });
  const l = await load(ctx, q, true);
  if (isReply(l))
    return l.status === 413
      ? { status: 200, json: { ...head, tooLarge: true, error: (l.json as { error: string }).error } }
      : l;
  const image = imageBytesOf(l.entry);
  return ok({
    ...head,
    format: l.entry.format,
    kind: image ? "thumbnail-image" : l.entry.kind,
    ...(image ? { image: { type: imageContentType(image), bytes: image.length } } : {}),
    value: viewOf(l.entry.value, ctx.limits),
  });
}

/** GET /api/rows?cache&key&path&offset&limit: a page of the DataFrame or list at `path` (JSON array). */
export async function rows(ctx: ApiContext, q: URLSearchParams): Promise<ApiReply> {
  let path: unknown;
  try {
    path = JSON.parse(q.get("path") ?? "[]");
  } catch {
    path = undefined;
  }
  if (!Array.isArray(path) || !path.every((p) => typeof p === "string" || typeof p === "number"))
    return fail(400, "path must be a JSON array of keys and indexes");
  const l = await load(ctx, q, false);
  if (isReply(l)) return l;
  const offset = Math.max(0, Number(q.get("offset")) || 0);
  const limit = Math.max(1, Number(q.get("limit")) || ctx.limits.pageRows);
  const page = rowsAt(l.entry.value, path as ValuePath, offset, limit, ctx.limits);
  return page ? ok(page) : fail(404, "no table or list at that path");
}

/** GET /api/image?cache&key: the thumbnail's PNG/JPEG bytes, after the magic-byte check. */
export async function image(ctx: ApiContext, q: URLSearchParams): Promise<ApiReply> {
  const l = await load(ctx, q, false);
  if (isReply(l)) return l;
  const bytes = imageBytesOf(l.entry);
  const type = bytes ? imageContentType(bytes) : undefined;
  if (!bytes || !type) return fail(415, "not a PNG or JPEG image");
  return { status: 200, bytes: { body: bytes, type } };
}

/** GET /api/raw?cache&key&offset&length: stored bytes as hex (GETRANGE: never the whole value). */
export async function raw(ctx: ApiContext, q: URLSearchParams): Promise<ApiReply> {
  const found = await keyOf(ctx, q);
  if (isReply(found)) return found;
  const { t, key } = found;
  const r = ctx.client(t);
  const type = await r.type(key);
  if (type !== "string") return fail(415, `a Redis ${type}: raw bytes are shown for strings only`);
  const offset = Math.max(0, Number(q.get("offset")) || 0);
  const length = Math.min(MAX_RAW_BYTES, Math.max(1, Number(q.get("length")) || 4096));
  const [total, chunk] = await Promise.all([
    r.strlen(key),
    r.getrangeBuffer(key, offset, offset + length - 1),
  ]);
  // A value may hold a config secret (a password echoed into a cached page): mask its bytes too.
  for (const secret of ctx.secrets) {
    const needle = Buffer.from(secret, "utf8");
    for (let i = chunk.indexOf(needle); i >= 0; i = chunk.indexOf(needle, i + needle.length))
      chunk.fill(0x2a, i, i + needle.length);
  }
  // Sids, session cookies and JWTs a value quotes: hex would carry them past the JSON scrub.
  return ok({ total, offset, length: chunk.length, hex: ctx.sessions.scrubBytes(chunk).toString("hex") });
}

/** GET /api/doctor: the findings for every Redis the caches use, plus the config lint. */
export async function doctorApi(ctx: ApiContext): Promise<ApiReply> {
  const servers = new Map<string, UiCacheTarget[]>();
  for (const t of ctx.targets) {
    if (!t.redis || (t.role ?? "cache") !== "cache") continue;
    const u = new URL(t.redis.url);
    u.pathname = `/${t.redis.db}`;
    servers.set(u.toString(), [...(servers.get(u.toString()) ?? []), t]);
  }
  const lint = lintSupersetConfig(ctx.supersetConfig);
  const reports: (DoctorReport | { url: string; error: string })[] = [];
  for (const [url, ts] of servers) {
    const prefixes = ts.map((t) => ({
      prefix: t.prefix,
      role: t.name === "RESULTS_BACKEND" ? ("results" as const) : ("cache" as const),
      cacheName: t.name,
    }));
    try {
      reports.push(await doctor(url, { prefixes }));
    } catch (err) {
      reports.push({ url: displayUrl(url, ts[0]?.redis?.db ?? 0), error: (err as Error).message });
    }
  }
  return ok({ lint, reports });
}

const writesOff = fail(403, "read-only: start superset-cache ui with --allow-writes to change the cache");

/** POST /api/delete {cache, key}: delete one key of the cache (under its prefix). */
export async function deleteKey(ctx: ApiContext, body: Record<string, unknown>): Promise<ApiReply> {
  if (!ctx.allowWrites) return writesOff;
  const q = new URLSearchParams({ cache: String(body.cache ?? ""), key: String(body.key ?? "") });
  const t = targetOf(ctx, q.get("cache"));
  if (isReply(t)) return t;
  const key = await rawKey(ctx, t, q);
  if (!key?.subarray(0, Buffer.byteLength(t.prefix)).equals(Buffer.from(t.prefix)))
    return fail(400, `key is not under ${t.name}'s prefix`);
  const deleted = await ctx.client(t).del(key);
  ctx.sessions.forget(q.get("key") ?? "");
  ctx.decoded.clear();
  return ok({ deleted });
}

/** POST /api/invalidate {datasourceUids}: Superset's cache-key invalidation. */
export async function invalidateApi(ctx: ApiContext, body: Record<string, unknown>): Promise<ApiReply> {
  if (!ctx.allowWrites) return writesOff;
  if (!ctx.invalidate) return fail(501, "invalidation needs the metadata database (--database-uri)");
  const uids = body.datasourceUids;
  if (!Array.isArray(uids) || uids.length === 0 || !uids.every((u) => typeof u === "string" && u !== ""))
    return fail(400, "datasourceUids must be a non-empty list of strings, e.g. 3__table");
  ctx.decoded.clear();
  return ok(await ctx.invalidate(uids as string[]));
}

/** POST /api/warm {chartId, dashboardId?}: warm one chart through the configured target. */
export async function warmApi(ctx: ApiContext, body: Record<string, unknown>): Promise<ApiReply> {
  if (!ctx.allowWrites) return writesOff;
  if (!ctx.warmTarget) return fail(501, "warming needs Superset's URL (--superset-url with credentials)");
  const chartId = Number(body.chartId);
  const dashboardId =
    body.dashboardId === undefined || body.dashboardId === null ? null : Number(body.dashboardId);
  if (!Number.isInteger(chartId) || chartId < 1 || (dashboardId !== null && !Number.isInteger(dashboardId)))
    return fail(400, "chartId (and dashboardId) must be positive integers");
  return ok(await runWarmup([{ chartId, dashboardId }], ctx.warmTarget, { concurrency: 1 }));
}
