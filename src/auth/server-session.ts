/**
 * Flask-Session's Redis store (`SESSION_TYPE = "redis"`, Superset's `SESSION_SERVER_SIDE = True`):
 * the cookie holds a session id, signed as `sid.signature` with itsdangerous'
 * `Signer(SECRET_KEY, salt="flask-session", key_derivation="hmac")` when `SESSION_USE_SIGNER`
 * is on; the session dict lives at `<SESSION_KEY_PREFIX><sid>`. Flask-Session ≤ 0.5 writes a
 * protocol-4 pickle with `SETEX` under a uuid4 id; 0.6+ writes msgspec MessagePack with
 * `SET … EX` under `token_urlsafe(32)`, and reads MessagePack, then JSON, then pickle.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { stdlibJsonLoads } from "../codecs/json/stdlib-decode.js";
import { loads as pickleLoads } from "../codecs/pickle/decode/decoder.js";
import type { LoadsOptions } from "../codecs/pickle/decode/options.js";
import { dumps as pickleDumps } from "../codecs/pickle/encode/encoder.js";
import { isPyDict, type PyDict } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";
import { DEFAULT_SESSION_LIFETIME_SECONDS } from "./cookie-session.js";
import { AuthError } from "./errors.js";
import { msgspecDecode, msgspecEncode } from "./formats/msgspec-msgpack.js";
import { ItsdangerousSigner, type SecretKey, wantBytes } from "./formats/signer.js";

/** Flask-Session's `SESSION_KEY_PREFIX` default. */
export const DEFAULT_SESSION_KEY_PREFIX = "session:";
/** The salt of Flask-Session's session-id signer. */
export const SESSION_ID_SALT = "flask-session";
/** Longest session id looked up (Flask-Session's ids are 36 or 43 characters). */
const MAX_SID_LENGTH = 256;

/** How a session value is written: `pickle` as Flask-Session ≤ 0.5, `msgpack` as 0.6+. */
export type ServerSessionFormat = "pickle" | "msgpack";

/** Where and how Flask-Session keeps sessions. */
export interface ServerSessionStoreOptions {
  /** An ioredis client on the `SESSION_REDIS` database. */
  redis: Redis;
  /** `SESSION_KEY_PREFIX`. Default `"session:"`. */
  keyPrefix?: string;
  /** `SESSION_USE_SIGNER`: the cookie is `sid.signature`. Default `false` (Flask-Session's default). */
  useSigner?: boolean;
  /** `SECRET_KEY`; required when `useSigner` is on (Flask-Session signs with it alone, no fallbacks). */
  secretKey?: SecretKey;
  /** Options of the safe pickle decoder for ≤ 0.5 values. */
  pickle?: LoadsOptions;
}

/** A session read from the store. */
export interface ServerSessionContents {
  sid: string;
  data: PyDict;
  /** The format the stored value was in (`json` only when a 0.8 JSON-format store wrote it). */
  format: ServerSessionFormat | "json";
}

/** Options of {@link writeServerSession}. */
export interface WriteServerSessionOptions extends ServerSessionStoreOptions {
  /** `pickle` (Flask-Session ≤ 0.5) or `msgpack` (0.6+). Default `msgpack`. */
  format?: ServerSessionFormat;
  /** `PERMANENT_SESSION_LIFETIME`, SECONDS: the key's TTL. Default 31 days. */
  lifetimeSeconds?: number;
  /** Reuse this session id instead of making a new one. */
  sid?: string;
}

function sidSigner(options: ServerSessionStoreOptions): ItsdangerousSigner {
  if (options.secretKey === undefined) {
    throw new AuthError("AUTH_SECRET_MISSING", "SESSION_USE_SIGNER needs SECRET_KEY (secretKey)");
  }
  return new ItsdangerousSigner([options.secretKey], SESSION_ID_SALT);
}

/**
 * The session id a Flask-Session cookie carries: the value itself, or, with the signer on, the
 * part before the signature once it verifies.
 * @returns the id, or `null` for an empty, unsigned, forged or oversized value
 */
export function sessionIdFromCookie(
  cookieValue: string | null | undefined,
  options: ServerSessionStoreOptions,
): string | null {
  if (!cookieValue || cookieValue.length > MAX_SID_LENGTH * 2) return null;
  let sid = cookieValue;
  if (options.useSigner) {
    const value = sidSigner(options).unsign(wantBytes(cookieValue));
    if (value === null) return null;
    try {
      sid = new TextDecoder("utf-8", { fatal: true }).decode(value);
    } catch {
      return null;
    }
  }
  return sid.length > 0 && sid.length <= MAX_SID_LENGTH ? sid : null;
}

/**
 * Decode a stored session value as Flask-Session 0.8 does (MessagePack, then JSON, then a
 * pickle, which is all ≤ 0.5 wrote), with the safe pickle decoder: nothing is ever executed.
 * @returns the dict and its format, or `null` when no decoder yields a dict
 */
export function decodeSessionValue(
  bytes: Uint8Array,
  pickleOptions: LoadsOptions = {},
): { data: PyDict; format: ServerSessionContents["format"] } | null {
  const attempts: [ServerSessionContents["format"], () => PyValue][] = [
    ["msgpack", () => msgspecDecode(bytes)],
    ["json", () => stdlibJsonLoads(bytes, { allowNan: false })],
    ["pickle", () => pickleLoads(bytes, pickleOptions)],
  ];
  for (const [format, decode] of attempts) {
    let value: PyValue;
    try {
      value = decode();
    } catch {
      continue;
    }
    // A value that decodes but is no dict is no session, whatever a later decoder might say.
    return isPyDict(value) ? { data: value, format } : null;
  }
  return null;
}

/**
 * Read the session a Flask-Session cookie points at.
 * @returns the session, or `null` for a missing/forged cookie, a missing key or an undecodable value
 * @throws AuthError `AUTH_SESSION_STORE_FAILED` when Redis fails; `AUTH_SECRET_MISSING` when
 *   the signer is on without a secret
 */
export async function readServerSession(
  cookieValue: string | null | undefined,
  options: ServerSessionStoreOptions,
): Promise<ServerSessionContents | null> {
  const sid = sessionIdFromCookie(cookieValue, options);
  if (sid === null) return null;
  let raw: Buffer | null;
  try {
    raw = await options.redis.getBuffer((options.keyPrefix ?? DEFAULT_SESSION_KEY_PREFIX) + sid);
  } catch (cause) {
    throw new AuthError("AUTH_SESSION_STORE_FAILED", "reading the session from Redis failed", { cause });
  }
  if (raw === null) return null;
  const decoded = decodeSessionValue(raw, options.pickle);
  return decoded === null ? null : { sid, ...decoded };
}

/** Encode a session dict in a Flask-Session format. @throws AuthError `AUTH_SESSION_ENCODE_FAILED` */
export function encodeSessionValue(data: PyDict, format: ServerSessionFormat): Uint8Array {
  try {
    // Flask-Session ≤ 0.5: pickle.dumps(dict(session)), Python's default protocol 4.
    return format === "pickle"
      ? pickleDumps(data as PyValue, { protocol: 4 })
      : msgspecEncode(data as PyValue);
  } catch (cause) {
    throw new AuthError("AUTH_SESSION_ENCODE_FAILED", `the session holds a value ${format} cannot carry`, {
      cause,
    });
  }
}

/**
 * Store a session as Flask-Session's `save_session` does and return the cookie value it sets.
 * @returns `{ sid, cookieValue }` (the cookie is `sid.signature` with the signer on)
 * @throws AuthError `AUTH_SESSION_ENCODE_FAILED`, `AUTH_SESSION_STORE_FAILED`, `AUTH_INVALID_OPTION`
 */
export async function writeServerSession(
  data: PyDict,
  options: WriteServerSessionOptions,
): Promise<{ sid: string; cookieValue: string }> {
  const format = options.format ?? "msgpack";
  if (format !== "pickle" && format !== "msgpack") {
    throw new AuthError("AUTH_INVALID_OPTION", `format must be "pickle" or "msgpack"`);
  }
  const ttl = options.lifetimeSeconds ?? DEFAULT_SESSION_LIFETIME_SECONDS;
  if (!Number.isInteger(ttl) || ttl <= 0) {
    throw new AuthError("AUTH_INVALID_OPTION", "lifetimeSeconds must be a whole number of seconds > 0");
  }
  // ≤ 0.5: str(uuid4()); 0.6+: secrets.token_urlsafe(SESSION_ID_LENGTH = 32).
  const sid = options.sid ?? (format === "pickle" ? randomUUID() : randomBytes(32).toString("base64url"));
  const value = Buffer.from(encodeSessionValue(data, format));
  const key = (options.keyPrefix ?? DEFAULT_SESSION_KEY_PREFIX) + sid;
  try {
    if (format === "pickle") await options.redis.setex(key, ttl, value);
    else await options.redis.set(key, value, "EX", ttl);
  } catch (cause) {
    throw new AuthError("AUTH_SESSION_STORE_FAILED", "writing the session to Redis failed", { cause });
  }
  const cookieValue = options.useSigner
    ? Buffer.from(sidSigner(options).sign(wantBytes(sid))).toString("latin1")
    : sid;
  return { sid, cookieValue };
}
