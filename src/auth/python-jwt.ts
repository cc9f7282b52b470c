/**
 * JWTs as Superset makes and checks them with PyJWT (`jwt.encode` / `jwt.decode`), over `jose`
 * for the cryptography (signing, the algorithm check, signature verification). Minting writes
 * PyJWT's exact bytes: header `{"alg":…,"typ":"JWT"}`, payload as
 * `json.dumps(claims, separators=(",", ":"))`. Verifying applies PyJWT's rules: the algorithm
 * must be the configured one (`none` never is), `exp`/`nbf`/`iat` against the clock with a skew
 * allowance, and `aud` refused when no audience is expected.
 */
import { CompactSign, compactVerify, errors, type JWTPayload } from "jose";
import { dumps } from "../codecs/json/dumps.js";
import { type Clock, systemClock } from "../core/clock.js";
import { pyTruthy } from "../python/truthiness.js";
import type { PyValue } from "../python/values.js";
import { AuthError } from "./errors.js";
import { type SecretKey, wantBytes } from "./formats/signer.js";

/** The HMAC algorithms Superset's token secrets are used with. */
export type JwtAlgorithm = "HS256" | "HS384" | "HS512";

const ALGORITHMS: ReadonlySet<string> = new Set<JwtAlgorithm>(["HS256", "HS384", "HS512"]);

/** A verified token's claims. */
export type JwtClaims = JWTPayload & Record<string, unknown>;

/** @throws AuthError `AUTH_JWT_ALGORITHM_UNSUPPORTED` for anything but HS256/HS384/HS512 */
export function checkAlgorithm(algorithm: string): JwtAlgorithm {
  if (!ALGORITHMS.has(algorithm)) {
    throw new AuthError(
      "AUTH_JWT_ALGORITHM_UNSUPPORTED",
      `JWT algorithm ${JSON.stringify(algorithm)} is not supported (HS256, HS384 or HS512)`,
    );
  }
  return algorithm as JwtAlgorithm;
}

function keyOf(secret: SecretKey | undefined, setting: string): Uint8Array {
  if (secret === undefined || secret.length === 0) {
    throw new AuthError("AUTH_SECRET_MISSING", `${setting} is required`);
  }
  return wantBytes(secret);
}

/**
 * `jwt.encode(claims, secret, algorithm=algorithm)`: the same token PyJWT writes for the same
 * claims in the same order.
 * @throws AuthError `AUTH_SECRET_MISSING`, `AUTH_JWT_ALGORITHM_UNSUPPORTED`, `AUTH_INVALID_OPTION`
 *   (a claim JSON cannot carry)
 */
export async function encodePythonJwt(
  claims: Record<string, PyValue>,
  secret: SecretKey | undefined,
  algorithm: string,
  setting: string,
): Promise<string> {
  const alg = checkAlgorithm(algorithm);
  let payload: string;
  try {
    payload = dumps(claims, { separators: [",", ":"] });
  } catch (cause) {
    throw new AuthError("AUTH_INVALID_OPTION", "token claims must be JSON-serializable", { cause });
  }
  return new CompactSign(wantBytes(payload))
    .setProtectedHeader({ alg, typ: "JWT" })
    .sign(keyOf(secret, setting));
}

/** Options of {@link decodePythonJwt}. */
export interface DecodeJwtOptions {
  secret: SecretKey | undefined;
  /** The one accepted algorithm (`GUEST_TOKEN_JWT_ALGO`, or HS256). */
  algorithm: string;
  /** Expected `aud` (any of these); `null`: a token carrying `aud` is refused, as PyJWT does. */
  audience: string | readonly string[] | null;
  /** Leeway for `exp`, `nbf` and `iat`, SECONDS (PyJWT's `leeway`). Default 0. */
  clockSkewSeconds?: number;
  /** Source of "now". Default the system clock. */
  clock?: Clock;
  /** The config name of the secret, for error messages. */
  setting: string;
}

/**
 * `jwt.decode(token, secret, algorithms=[algorithm], audience=audience, leeway=skew)`: jose
 * checks the algorithm and the signature; the claims follow PyJWT 2.8–2.10 (the time of day as
 * a float, `exp`/`nbf`/`iat` truncated to whole seconds, `sub`/`jti` strings).
 * @returns the claims
 * @throws AuthError `AUTH_TOKEN_INVALID` (malformed, wrong key or algorithm, `none`, audience),
 *   `AUTH_TOKEN_EXPIRED` (`exp` passed, or `nbf`/`iat` in the future); `AUTH_SECRET_MISSING`,
 *   `AUTH_JWT_ALGORITHM_UNSUPPORTED`, `AUTH_INVALID_OPTION` for the options
 */
export async function decodePythonJwt(token: string, options: DecodeJwtOptions): Promise<JwtClaims> {
  const alg = checkAlgorithm(options.algorithm);
  const key = keyOf(options.secret, options.setting);
  const skew = options.clockSkewSeconds ?? 0;
  if (!Number.isFinite(skew) || skew < 0) {
    throw new AuthError("AUTH_INVALID_OPTION", "clockSkewSeconds must be a number >= 0");
  }
  let payload: unknown;
  try {
    const verified = await compactVerify(token, key, { algorithms: [alg] });
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(verified.payload));
  } catch (cause) {
    throw new AuthError("AUTH_TOKEN_INVALID", `the token is invalid (${reasonOf(cause)})`, { cause });
  }
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
    throw new AuthError("AUTH_TOKEN_INVALID", "the token is invalid (the payload is not a JSON object)");
  }
  const claims = payload as JwtClaims;
  // PyJWT 2.10's _validate_sub/_validate_jti, except that a null `sub` passes: Superset writes
  // one into the async token of an anonymous user.
  if (claims.sub !== undefined && claims.sub !== null && typeof claims.sub !== "string") {
    throw new AuthError("AUTH_TOKEN_INVALID", "the token is invalid (sub must be a string)");
  }
  if (claims.jti !== undefined && typeof claims.jti !== "string") {
    throw new AuthError("AUTH_TOKEN_INVALID", "the token is invalid (jti must be a string)");
  }
  checkTimes(claims, (options.clock ?? systemClock).now() / 1000, skew);
  checkAudience(claims.aud, options.audience);
  return claims;
}

/** PyJWT's `_validate_iat`, `_validate_nbf` and `_validate_exp`. */
function checkTimes(claims: JwtClaims, now: number, skew: number): void {
  const seconds = (name: "iat" | "nbf" | "exp"): number | undefined => {
    const v = claims[name];
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new AuthError("AUTH_TOKEN_INVALID", `the token is invalid (${name} must be a number)`);
    }
    return Math.trunc(v);
  };
  const iat = seconds("iat");
  const nbf = seconds("nbf");
  const exp = seconds("exp");
  if (iat !== undefined && iat > now + skew)
    throw new AuthError("AUTH_TOKEN_EXPIRED", "the token is not yet valid (iat)");
  if (nbf !== undefined && nbf > now + skew)
    throw new AuthError("AUTH_TOKEN_EXPIRED", "the token is not yet valid (nbf)");
  if (exp !== undefined && exp <= now - skew)
    throw new AuthError("AUTH_TOKEN_EXPIRED", "the token has expired");
}

/** PyJWT's `_validate_aud`: with no expected audience, a truthy `aud` is refused. */
function checkAudience(aud: unknown, expected: string | readonly string[] | null): void {
  const invalid = (why: string) => new AuthError("AUTH_TOKEN_INVALID", `the token is invalid (${why})`);
  if (expected === null) {
    if (aud !== undefined && pyTruthy(aud)) throw invalid("it names an audience; none is expected");
    return;
  }
  if (aud === undefined) throw invalid("no aud claim");
  const given = typeof aud === "string" ? [aud] : aud;
  if (!Array.isArray(given) || !given.every((a) => typeof a === "string"))
    throw invalid("malformed aud claim");
  const wanted = typeof expected === "string" ? [expected] : expected;
  if (!wanted.some((a) => given.includes(a))) throw invalid("audience mismatch");
}

/** A short reason that never echoes the token. */
function reasonOf(cause: unknown): string {
  if (cause instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (cause instanceof errors.JWSSignatureVerificationFailed) return "signature mismatch";
  if (cause instanceof errors.JOSEError) return cause.code;
  return "malformed";
}
