/**
 * Flask's client-side session (`SecureCookieSessionInterface`, Superset's default with
 * `SESSION_SERVER_SIDE = False`): the `session` cookie is itsdangerous'
 * `URLSafeTimedSerializer(keys, salt="cookie-session")` over Flask's tagged JSON, signed with
 * HMAC-SHA1 (`key_derivation="hmac"`), zlib-compressed behind a leading `.` when that is shorter.
 */
import { deflateSync, inflateSync } from "node:zlib";
import { type Clock, systemClock, unixSeconds } from "../core/clock.js";
import { isPyDict, type PyDict } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";
import { AuthError } from "./errors.js";
import { dumpsTaggedJson, loadsTaggedJson } from "./formats/flask-tagged-json.js";
import { base64Decode, base64Encode } from "./formats/itsdangerous-base64.js";
import { ItsdangerousSigner, type SecretKey, wantBytes } from "./formats/signer.js";

/** Flask's `PERMANENT_SESSION_LIFETIME` default: 31 days, in SECONDS. */
export const DEFAULT_SESSION_LIFETIME_SECONDS = 31 * 24 * 3600;
/** The salt of Flask's session serializer. */
export const COOKIE_SESSION_SALT = "cookie-session";
/** Default cap on an inflated cookie payload, bytes (browsers send at most ~4 KB of cookie). */
export const DEFAULT_MAX_INFLATED_BYTES = 1024 * 1024;

/** The secrets Flask signs sessions with. */
export interface FlaskSecretOptions {
  /** `SECRET_KEY`: signs, and verifies. */
  secretKey: SecretKey;
  /** `SECRET_KEY_FALLBACKS` (Flask 3.1+): older keys that still verify, never sign. */
  secretKeyFallbacks?: readonly SecretKey[];
}

/** Options of {@link readCookieSession}. */
export interface ReadCookieSessionOptions extends FlaskSecretOptions {
  /** `PERMANENT_SESSION_LIFETIME` in SECONDS: older signatures are refused. Default 31 days. */
  maxAgeSeconds?: number;
  /** Accepted difference between Superset's clock and ours, SECONDS. Default 0 (Flask's rule). */
  clockSkewSeconds?: number;
  /** Source of "now". Default the system clock. */
  clock?: Clock;
  /** Cap on the inflated payload of a compressed cookie, bytes. Default 1 MiB. */
  maxInflatedBytes?: number;
}

/** A verified session cookie. */
export interface CookieSessionContents {
  /** The session dict, values untagged into Python values. */
  data: PyDict;
  /** When Flask signed it, Unix SECONDS. */
  signedAt: number;
}

/** Options of {@link writeCookieSession}. */
export interface WriteCookieSessionOptions {
  /** `SECRET_KEY`. */
  secretKey: SecretKey;
  /** Signing time, whole Unix SECONDS. Default: now from `clock`. */
  now?: number;
  /** Source of "now" when `now` is not given. Default the system clock. */
  clock?: Clock;
}

/** Keys in itsdangerous' order (oldest to newest): the fallbacks, then `SECRET_KEY`, which signs. */
export function flaskSigningKeys(options: FlaskSecretOptions): SecretKey[] {
  return [...(options.secretKeyFallbacks ?? []), options.secretKey];
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0)
    throw new AuthError("AUTH_INVALID_OPTION", `${name} must be a number >= 0`);
  return v;
}

/**
 * Verify and read a Flask `session` cookie as `open_session` does.
 * @returns the session, or `null` for an absent, forged, tampered, truncated or expired cookie
 *   (and for one whose payload Flask itself could not load); never throws for cookie content
 * @throws AuthError `AUTH_SECRET_MISSING` without a secret, `AUTH_INVALID_OPTION` for a bad option
 */
export function readCookieSession(
  cookieValue: string | null | undefined,
  options: ReadCookieSessionOptions,
): CookieSessionContents | null {
  const signer = new ItsdangerousSigner(flaskSigningKeys(options), COOKIE_SESSION_SALT);
  const maxAge = nonNegative("maxAgeSeconds", options.maxAgeSeconds, DEFAULT_SESSION_LIFETIME_SECONDS);
  const skew = nonNegative("clockSkewSeconds", options.clockSkewSeconds, 0);
  const maxBytes = nonNegative("maxInflatedBytes", options.maxInflatedBytes, DEFAULT_MAX_INFLATED_BYTES);
  if (!cookieValue) return null;
  const unsigned = signer.unsignTimestamped(wantBytes(cookieValue), {
    now: unixSeconds(options.clock ?? systemClock),
    maxAgeSeconds: Math.floor(maxAge),
    clockSkewSeconds: skew,
  });
  if (typeof unsigned === "string") return null;
  const data = loadPayload(unsigned.value, maxBytes);
  return data === null ? null : { data, signedAt: unsigned.signedAt };
}

/** `URLSafeSerializerMixin.load_payload` then the tagged JSON; `null` where Flask raises BadPayload. */
function loadPayload(payload: Uint8Array, maxBytes: number): PyDict | null {
  const compressed = payload[0] === 0x2e;
  let json = base64Decode(compressed ? payload.subarray(1) : payload);
  if (json === null) return null;
  try {
    if (compressed) json = inflateSync(json, { maxOutputLength: maxBytes });
    const value = loadsTaggedJson(json);
    return isPyDict(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * The cookie Flask's `save_session` writes for `data`: byte for byte what Flask produces at the
 * same signing time.
 * @throws AuthError `AUTH_SECRET_MISSING`, or `AUTH_SESSION_ENCODE_FAILED` for a value Flask's
 *   serializer refuses (sets, bytearrays, objects, datetimes in a named zone, …)
 */
export function writeCookieSession(data: PyDict, options: WriteCookieSessionOptions): string {
  const signer = new ItsdangerousSigner([options.secretKey], COOKIE_SESSION_SALT);
  let json: Uint8Array;
  try {
    json = wantBytes(dumpsTaggedJson(data as PyValue));
  } catch (cause) {
    throw new AuthError("AUTH_SESSION_ENCODE_FAILED", "the session holds a value Flask cannot serialize", {
      cause,
    });
  }
  const zipped = deflateSync(json);
  const payload = zipped.length < json.length - 1 ? `.${base64Encode(zipped)}` : base64Encode(json);
  const now = options.now ?? unixSeconds(options.clock ?? systemClock);
  return Buffer.from(signer.signTimestamped(wantBytes(payload), now)).toString("latin1");
}
