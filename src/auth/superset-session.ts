/**
 * Who is logged in to Superset, from the browser's `session` cookie: a Flask cookie session
 * (Superset's default) or a Flask-Session Redis session (`SESSION_SERVER_SIDE = True`), then
 * Flask-Login's keys in it (`_user_id`, `_fresh`, `_id`) and Flask-WTF's `csrf_token`.
 */
import { Redis } from "ioredis";
import type { Clock } from "../core/clock.js";
import { dictGet, type PyDict } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";
import { flaskLoginSessionId, type SessionIdInput } from "../superset/temporary/session-id.js";
import { type FlaskSecretOptions, readCookieSession } from "./cookie-session.js";
import { AuthError } from "./errors.js";
import { constantTimeEqual, wantBytes } from "./formats/signer.js";
import { readServerSession } from "./server-session.js";

/** Flask's `SESSION_COOKIE_NAME` default (Superset keeps it). */
export const DEFAULT_SESSION_COOKIE_NAME = "session";

/** Flask-Login's session protection (`SESSION_PROTECTION`), checked against the request. */
export interface SessionProtection {
  /** `"basic"` (Flask-Login's default): a mismatch marks the session not fresh. `"strong"`: a
   * mismatch on a non-permanent session logs the user out. */
  mode: "basic" | "strong";
  /** The request's address and user agent, from which Flask-Login computes `_id`. */
  request: SessionIdInput;
}

/** Options of {@link readSupersetSession} and {@link SupersetSessionReader}. */
export interface SupersetSessionOptions extends FlaskSecretOptions {
  /**
   * Superset's session Redis (`SESSION_REDIS`) as a URL or an ioredis client: sessions are
   * server-side (Flask-Session). Without it sessions are Flask cookie sessions.
   */
  sessionRedis?: string | Redis;
  /** `SESSION_KEY_PREFIX`. Default `"session:"`. */
  sessionKeyPrefix?: string;
  /** `SESSION_USE_SIGNER` (server-side sessions only). Default `false`. */
  sessionUseSigner?: boolean;
  /** `PERMANENT_SESSION_LIFETIME`, SECONDS (cookie sessions: the oldest accepted signature). Default 31 days. */
  maxAgeSeconds?: number;
  /** Accepted difference between Superset's clock and ours, SECONDS. Default 0. */
  clockSkewSeconds?: number;
  /** Source of "now". Default the system clock. */
  clock?: Clock;
  /** Check Flask-Login's `_id` against this request. Default: not checked. */
  sessionProtection?: SessionProtection;
}

/** A valid Superset session. */
export interface SupersetSession {
  /** `cookie`: a Flask cookie session; `server`: a Flask-Session Redis session. */
  kind: "cookie" | "server";
  /** Flask-Login's `_user_id` as an integer (FAB's `load_user(int(user_id))`); `null` when nobody is logged in. */
  userId: number | null;
  /** Flask-Login's `_fresh`: the login happened in this session (not from a remember cookie). */
  fresh: boolean;
  /** Flask-Login's `_id` (the identifier the session was created for), if any. */
  flaskLoginId: string | null;
  /** Flask-WTF's `csrf_token` (the raw token forms are signed from), if any. */
  csrfToken: string | null;
  /** `_permanent`: Flask's permanent-session flag. */
  permanent: boolean;
  /** The Flask-Session id (server sessions only). */
  sid: string | null;
  /** When Flask signed the cookie, Unix SECONDS (cookie sessions only). */
  signedAt: number | null;
  /** The whole session dict, as Python values. */
  data: PyDict;
}

function stringField(data: PyDict, key: string): string | null {
  const v = dictGet(data, key);
  return typeof v === "string" ? v : null;
}

/** Python `int(text)` for a decimal user id (surrounding whitespace allowed, `_` between digits). */
function userIdOf(value: PyValue | undefined): number | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value !== "string") return null;
  const text = value.trim();
  if (!/^[+-]?\d+(?:_\d+)*$/.test(text)) return null;
  const n = Number(text.replaceAll("_", ""));
  return Number.isSafeInteger(n) ? n : null;
}

/** Flask-Login's view of a session dict, with `_session_protection_failed` applied. */
export function interpretSession(
  data: PyDict,
  base: Pick<SupersetSession, "kind" | "sid" | "signedAt">,
  protection?: SessionProtection,
): SupersetSession {
  const permanent = dictGet(data, "_permanent") === true;
  const flaskLoginId = stringField(data, "_id");
  let userId = userIdOf(dictGet(data, "_user_id"));
  let fresh = dictGet(data, "_fresh") === true;
  if (protection && userId !== null) {
    const expected = wantBytes(flaskLoginSessionId(protection.request));
    const matches = flaskLoginId !== null && constantTimeEqual(wantBytes(flaskLoginId), expected);
    if (!matches) {
      if (protection.mode === "basic" || permanent) fresh = false;
      else userId = null;
    }
  }
  return {
    ...base,
    userId,
    fresh,
    flaskLoginId,
    csrfToken: stringField(data, "csrf_token"),
    permanent,
    data,
  };
}

/**
 * Reads Superset sessions with one configuration, keeping one Redis connection for
 * server-side sessions. `close()` ends a connection it opened from a URL.
 */
export class SupersetSessionReader {
  private readonly redis: Redis | undefined;
  private readonly ownsRedis: boolean;

  /** @throws AuthError `AUTH_SECRET_MISSING` without `secretKey` */
  constructor(private readonly options: SupersetSessionOptions) {
    if (!options.secretKey || options.secretKey.length === 0) {
      throw new AuthError("AUTH_SECRET_MISSING", "SECRET_KEY (secretKey) is required to verify sessions");
    }
    const store = options.sessionRedis;
    this.ownsRedis = typeof store === "string";
    if (typeof store === "string") {
      // One retry, then the read fails with AUTH_SESSION_STORE_FAILED instead of waiting on a dead server.
      this.redis = new Redis(store, { lazyConnect: true, maxRetriesPerRequest: 1 });
      this.redis.on("error", () => {}); // reported by the failing read
    } else this.redis = store;
  }

  /**
   * The session behind a `session` cookie value.
   * @returns the session, or `null` for a missing, forged, tampered, expired or undecodable one
   * @throws AuthError `AUTH_SESSION_STORE_FAILED` when Redis fails (never for cookie content)
   */
  async read(cookieValue: string | null | undefined): Promise<SupersetSession | null> {
    const o = this.options;
    if (this.redis) {
      const found = await readServerSession(cookieValue, {
        redis: this.redis,
        keyPrefix: o.sessionKeyPrefix,
        useSigner: o.sessionUseSigner,
        secretKey: o.secretKey,
      });
      return (
        found &&
        interpretSession(found.data, { kind: "server", sid: found.sid, signedAt: null }, o.sessionProtection)
      );
    }
    const found = readCookieSession(cookieValue, o);
    return (
      found &&
      interpretSession(
        found.data,
        { kind: "cookie", sid: null, signedAt: found.signedAt },
        o.sessionProtection,
      )
    );
  }

  /** End the Redis connection this reader opened from a URL (a given client is left open). */
  async close(): Promise<void> {
    if (this.ownsRedis && this.redis) this.redis.disconnect();
  }
}

/**
 * One call: verify a `session` cookie value and return the Superset session behind it. With a
 * Redis URL a connection is opened and closed per call; keep a {@link SupersetSessionReader}
 * in servers.
 * @returns the session, or `null` for a missing, forged, tampered, expired or undecodable one
 * @throws AuthError `AUTH_SECRET_MISSING`, `AUTH_SESSION_STORE_FAILED` (Redis down), `AUTH_INVALID_OPTION`
 */
export async function readSupersetSession(
  cookieValue: string | null | undefined,
  options: SupersetSessionOptions,
): Promise<SupersetSession | null> {
  const reader = new SupersetSessionReader(options);
  try {
    return await reader.read(cookieValue);
  } finally {
    await reader.close();
  }
}
