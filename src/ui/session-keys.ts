/**
 * Flask-Session keys (`session:<sid>`) in the inspector. With `SESSION_USE_SIGNER` off (its
 * default) the sid is the session cookie itself, so a session key never leaves the server: the
 * page gets its name masked (`session:3f2a…`) and an opaque handle, an HMAC of the key under a
 * random secret of this process. The server remembers the handles it hands out (a bounded map)
 * and, for one it has forgotten, finds the key again by scanning the session keys and
 * recomputing their HMACs. A catch-all pass over every JSON reply masks sids, session cookies
 * and JWTs that reach it some other way (a value quoting a key, a driver's error message).
 */
import { createHmac, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import { DEFAULT_SESSION_KEY_PREFIX } from "../auth/server-session.js";
import { DEFAULT_SESSION_COOKIE_NAME } from "../auth/superset-session.js";
import { REDACTED } from "../core/redact.js";
import { escapeControl } from "../ops/display/control-chars.js";

/** Handles remembered at most (older ones are found again by scanning). */
export const DEFAULT_SESSION_HANDLES = 10_000;
/** Characters of a sid shown (never more than half of it). */
const SID_SHOWN = 4;
/** What marks a handle: `.` is not in base64url, so a handle is never a key id. */
const HANDLE_MARK = "s.";
/** SCAN calls (COUNT 1000 each) spent finding a forgotten handle at most. */
const MAX_RESOLVE_SCANS = 100;
const SCAN_COUNT = 1000;
/** A JWT: two base64url JSON objects (`eyJ` is `{"`) and a signature. */
const JWT = "()(eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*)";

/** A pattern whose group 1 stays and group 2 is masked: a sid keeps its first characters. */
type Scrubber = { re: RegExp; sid: boolean };

/** What a key's cache says about where sessions live in it. */
export interface SessionScope {
  name: string;
  prefix: string;
  role?: string;
}

const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
const regexEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The first characters of `sid` and `…`: enough to tell sessions apart, not enough to use one. */
export function maskSid(sid: string): string {
  const chars = [...sid];
  return `${escapeControl(chars.slice(0, Math.min(SID_SHOWN, Math.floor(chars.length / 2))).join(""))}…`;
}

/** Session keys of the caches a config names: which keys they are, how they show, their handles. */
export class SessionKeys {
  private readonly secret = randomBytes(32);
  private readonly handles: LRUCache<string, Buffer>;
  /** Non-empty key prefixes that mark a session key in any cache. */
  private readonly prefixes: string[];
  /** Over JSON text (prefixes as JSON writes them) and over bytes read as latin1. */
  private readonly scrubbers: { json: Scrubber[]; bytes: Scrubber[] };

  /**
   * @param config the Superset config: `SESSION_KEY_PREFIX` (besides `session:`) and
   *   `SESSION_COOKIE_NAME` (default `session`) say what to mask
   * @param maxHandles handles remembered at most (default {@link DEFAULT_SESSION_HANDLES})
   */
  constructor(config: Readonly<Record<string, unknown>>, maxHandles = DEFAULT_SESSION_HANDLES) {
    this.handles = new LRUCache({ max: maxHandles });
    const own = config.SESSION_KEY_PREFIX;
    this.prefixes = [...new Set([typeof own === "string" ? own : "", DEFAULT_SESSION_KEY_PREFIX])].filter(
      (p) => p !== "",
    );
    const cookie =
      typeof config.SESSION_COOKIE_NAME === "string" && config.SESSION_COOKIE_NAME
        ? config.SESSION_COOKIE_NAME
        : DEFAULT_SESSION_COOKIE_NAME;
    const build = (form: (p: string) => string): Scrubber[] => [
      ...this.prefixes.map((p) => ({
        re: new RegExp(`(${regexEscape(form(p))})([A-Za-z0-9_-]{5,})`, "g"),
        sid: true,
      })),
      {
        re: new RegExp(`((?:^|[\\s;"'])${regexEscape(form(cookie))}=)(?!\\*\\*\\*)([^;\\s"'\\\\]+)`, "g"),
        sid: false,
      },
      { re: new RegExp(JWT, "g"), sid: false },
    ];
    this.scrubbers = {
      json: build((p) => JSON.stringify(p).slice(1, -1)),
      bytes: build((p) => Buffer.from(p, "utf8").toString("latin1")),
    };
  }

  /** Byte offset where the sid starts in `key`, or -1 when `key` names no session. */
  sidStart(t: SessionScope, key: Buffer): number {
    if (t.role === "sessions") {
      const p = Buffer.from(t.prefix, "utf8");
      if (key.length > p.length && key.subarray(0, p.length).equals(p)) return p.length;
    }
    for (const p of this.prefixes) {
      const at = key.indexOf(p, 0, "utf8");
      const start = at + Buffer.byteLength(p);
      if (at >= 0 && key.length > start) return start;
    }
    return -1;
  }

  /** The key as the page may see it: control characters escaped, a sid cut to its first characters. */
  display(t: SessionScope, key: Buffer): string {
    const start = this.sidStart(t, key);
    if (start < 0) return escapeControl(key.toString("utf8"));
    return (
      escapeControl(key.subarray(0, start).toString("utf8")) + maskSid(key.subarray(start).toString("utf8"))
    );
  }

  /** True when `display` masks `key`. */
  masks(t: SessionScope, key: Buffer): boolean {
    return this.sidStart(t, key) >= 0;
  }

  private handleOf(t: SessionScope, key: Buffer): string {
    const mac = createHmac("sha256", this.secret).update(t.name).update("\u0000").update(key);
    return HANDLE_MARK + mac.digest("base64url").slice(0, 32);
  }

  /** The id the page opens `key` by: base64url of the key, or a remembered handle for a session key. */
  idOf(t: SessionScope, key: Buffer): string {
    if (!this.masks(t, key)) return key.toString("base64url");
    const h = this.handleOf(t, key);
    this.handles.set(h, key);
    return h;
  }

  /**
   * The key an id names: a key id decoded, a handle looked up (or found by SCAN over the session
   * keys of `r`, at most 100 SCAN calls).
   * @returns undefined for a malformed id or a handle no session key of this cache has
   */
  async resolve(t: SessionScope, r: Redis, id: string): Promise<Buffer | undefined> {
    if (/^[A-Za-z0-9_-]*$/.test(id)) return id ? Buffer.from(id, "base64url") : undefined;
    if (!id.startsWith(HANDLE_MARK)) return undefined;
    const kept = this.handles.get(id);
    if (kept && this.handleOf(t, kept) === id) return kept;
    const patterns = this.prefixes.map((p) => `*${globEscape(p)}*`);
    if (t.role === "sessions") patterns.unshift(`${globEscape(t.prefix)}*`);
    for (const match of new Set(patterns)) {
      let cursor = "0";
      let scans = 0;
      do {
        const [next, batch] = await r.scanBuffer(cursor, "MATCH", match, "COUNT", SCAN_COUNT);
        cursor = next.toString();
        for (const k of batch) if (this.masks(t, k) && this.idOf(t, k) === id) return k;
      } while (cursor !== "0" && ++scans < MAX_RESOLVE_SCANS);
    }
    return undefined;
  }

  /** Drop a handle (its key was deleted). */
  forget(id: string): void {
    this.handles.delete(id);
  }

  /** JSON text with any sid after a session prefix, session cookie value and JWT masked. */
  scrub(json: string): string {
    let out = json;
    for (const { re, sid } of this.scrubbers.json)
      out = out.replace(re, (_m, lead: string, secret: string) =>
        sid ? `${lead}${maskSid(secret)}` : `${lead}${REDACTED}`,
      );
    return out;
  }

  /**
   * Raw bytes (a GETRANGE page) with the same secrets overwritten by `*` in place, so offsets
   * and lengths stay true. A secret cut by the page's start is not recognised.
   */
  scrubBytes(chunk: Buffer): Buffer {
    let text = chunk.toString("latin1");
    for (const { re, sid } of this.scrubbers.bytes)
      text = text.replace(re, (_m, lead: string, secret: string) => {
        const keep = sid ? Math.min(SID_SHOWN, Math.floor(secret.length / 2)) : 0;
        return lead + secret.slice(0, keep) + "*".repeat(secret.length - keep);
      });
    return Buffer.from(text, "latin1");
  }
}
