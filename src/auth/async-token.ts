/**
 * The `async-token` cookie of Superset's global async queries (`AsyncQueryManager`): an HS256
 * JWT signed with `GLOBAL_ASYNC_QUERIES_JWT_SECRET` holding `channel` (the browser's event
 * channel id) and `sub` (the user id as text, `null` when anonymous).
 */
import { randomUUID } from "node:crypto";
import { type Clock, systemClock, unixSeconds } from "../core/clock.js";
import type { PyValue } from "../python/values.js";
import { AuthError } from "./errors.js";
import type { SecretKey } from "./formats/signer.js";
import { decodePythonJwt, encodePythonJwt, type JwtClaims } from "./python-jwt.js";

/** `GLOBAL_ASYNC_QUERIES_JWT_COOKIE_NAME` default. */
export const DEFAULT_ASYNC_TOKEN_COOKIE_NAME = "async-token";
const SETTING = "GLOBAL_ASYNC_QUERIES_JWT_SECRET";
const ALGORITHM = "HS256";

/** Options of {@link mintAsyncToken}. */
export interface MintAsyncTokenOptions {
  /** `GLOBAL_ASYNC_QUERIES_JWT_SECRET`. */
  secret: SecretKey;
  /** The channel id. Default a new `str(uuid.uuid4())`, as Superset makes it. */
  channel?: string;
  /** The logged-in user's id; `null`/`0` writes `"sub": null`, as Superset does for anonymous users. */
  userId: number | null;
  /** Add an `exp` claim this many SECONDS after `now`. Default: none (Superset writes none). */
  expiresInSeconds?: number;
  clock?: Clock;
}

/** A verified async token. */
export interface AsyncToken {
  channel: string;
  /** `sub`: the user id as Superset wrote it, or `null`. */
  sub: string | null;
  claims: JwtClaims;
}

/**
 * The token `validate_session` sets in the `async-token` cookie, byte for byte what PyJWT
 * writes for the same channel and user.
 * @returns the token and its channel id
 * @throws AuthError `AUTH_SECRET_MISSING`, `AUTH_INVALID_OPTION`
 */
export async function mintAsyncToken(
  options: MintAsyncTokenOptions,
): Promise<{ token: string; channel: string }> {
  const channel = options.channel ?? randomUUID();
  const claims: Record<string, PyValue> = {
    channel,
    sub: options.userId ? String(options.userId) : null,
  };
  if (options.expiresInSeconds !== undefined) {
    if (!Number.isInteger(options.expiresInSeconds) || options.expiresInSeconds <= 0) {
      throw new AuthError("AUTH_INVALID_OPTION", "expiresInSeconds must be a whole number of seconds > 0");
    }
    claims.exp = unixSeconds(options.clock ?? systemClock) + options.expiresInSeconds;
  }
  return { token: await encodePythonJwt(claims, options.secret, ALGORITHM, SETTING), channel };
}

/** Options of {@link verifyAsyncToken}. */
export interface VerifyAsyncTokenOptions {
  /** `GLOBAL_ASYNC_QUERIES_JWT_SECRET`. */
  secret: SecretKey;
  /** Leeway for `exp`, SECONDS. Default 0. */
  clockSkewSeconds?: number;
  clock?: Clock;
}

/**
 * `parse_channel_id_from_request`: `jwt.decode(token, secret, algorithms=["HS256"])["channel"]`.
 * @throws AuthError `AUTH_TOKEN_INVALID`, `AUTH_TOKEN_EXPIRED` (an `exp` that has passed),
 *   `AUTH_TOKEN_CLAIMS` (no string `channel`)
 */
export async function verifyAsyncToken(token: string, options: VerifyAsyncTokenOptions): Promise<AsyncToken> {
  const claims = await decodePythonJwt(token, {
    secret: options.secret,
    algorithm: ALGORITHM,
    audience: null,
    clockSkewSeconds: options.clockSkewSeconds,
    clock: options.clock,
    setting: SETTING,
  });
  if (typeof claims.channel !== "string") {
    throw new AuthError("AUTH_TOKEN_CLAIMS", "the async token has no channel claim");
  }
  const sub = claims.sub;
  return { channel: claims.channel, sub: typeof sub === "string" ? sub : null, claims };
}
