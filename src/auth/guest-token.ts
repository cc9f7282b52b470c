/**
 * Superset's embedded-dashboard guest tokens (`SupersetSecurityManager.create_guest_access_token`
 * / `parse_jwt_guest_token`): a JWT signed with `GUEST_TOKEN_JWT_SECRET` and
 * `GUEST_TOKEN_JWT_ALGO`, claims `user`, `resources`, `rls_rules`, `iat`, `exp` (float seconds),
 * `aud` and `type: "guest"`; and the token's row-level-security clauses for a dataset as the
 * `rls` input of a query cache key (`get_rls_cache_key`).
 */
import { type Clock, systemClock } from "../core/clock.js";
import { isPlainObject } from "../python/dicts.js";
import { pyTruthy } from "../python/truthiness.js";
import { PyFloat, type PyValue } from "../python/values.js";
import { AuthError } from "./errors.js";
import type { SecretKey } from "./formats/signer.js";
import { decodePythonJwt, encodePythonJwt } from "./python-jwt.js";

/** `GUEST_TOKEN_JWT_EXP_SECONDS` default. */
export const DEFAULT_GUEST_TOKEN_EXP_SECONDS = 300;

/** The `user` claim (`GuestTokenUser`). */
export interface GuestTokenUser {
  username?: string;
  first_name?: string;
  last_name?: string;
  [key: string]: unknown;
}

/** One entry of `resources` (`GuestTokenResource`): usually `{ type: "dashboard", id: <uuid> }`. */
export interface GuestTokenResource {
  type: string;
  id: string | number;
  [key: string]: unknown;
}

/** One entry of `rls_rules` (`GuestTokenRlsRule`): a clause for one dataset, or for all when `dataset` is empty. */
export interface GuestTokenRlsRule {
  dataset?: string | number | null;
  clause?: string;
  [key: string]: unknown;
}

/** A verified guest token's claims. */
export interface GuestTokenClaims {
  user: GuestTokenUser;
  resources: GuestTokenResource[];
  rls_rules: GuestTokenRlsRule[];
  iat?: number;
  exp?: number;
  aud?: string | string[];
  type: "guest";
  [key: string]: unknown;
}

/** The settings Superset signs guest tokens with. */
export interface GuestTokenSettings {
  /** `GUEST_TOKEN_JWT_SECRET`. */
  secret: SecretKey;
  /** `GUEST_TOKEN_JWT_ALGO`. Default `"HS256"`. */
  algorithm?: string;
  /** `GUEST_TOKEN_JWT_AUDIENCE`, or what Superset falls back to: `WEBDRIVER_BASEURL` (default `http://0.0.0.0:8080/`). */
  audience: string;
}

/** What a guest token grants. */
export interface GuestTokenGrant {
  user: GuestTokenUser;
  resources: GuestTokenResource[];
  rls?: GuestTokenRlsRule[];
}

/** Options of {@link mintGuestToken}. */
export interface MintGuestTokenOptions extends GuestTokenSettings {
  /** `GUEST_TOKEN_JWT_EXP_SECONDS`. Default 300. */
  expiresInSeconds?: number;
  /** Issue time, Unix SECONDS (a float, as `time.time()`). Default: now from `clock`. */
  now?: number;
  clock?: Clock;
}

/** Options of {@link verifyGuestToken}. */
export interface VerifyGuestTokenOptions extends GuestTokenSettings {
  /** Leeway for `exp`/`iat`/`nbf`, SECONDS. Default 0. */
  clockSkewSeconds?: number;
  clock?: Clock;
}

/**
 * `create_guest_access_token(user, resources, rls)`: the token Superset's
 * `POST /api/v1/security/guest_token/` returns, byte for byte for the same issue time.
 * @throws AuthError `AUTH_SECRET_MISSING`, `AUTH_JWT_ALGORITHM_UNSUPPORTED`, `AUTH_INVALID_OPTION`
 */
export async function mintGuestToken(
  grant: GuestTokenGrant,
  options: MintGuestTokenOptions,
): Promise<string> {
  const now = options.now ?? (options.clock ?? systemClock).now() / 1000;
  const expSeconds = options.expiresInSeconds ?? DEFAULT_GUEST_TOKEN_EXP_SECONDS;
  if (!Number.isFinite(now) || !Number.isFinite(expSeconds)) {
    throw new AuthError("AUTH_INVALID_OPTION", "now and expiresInSeconds must be finite numbers of seconds");
  }
  const claims: Record<string, PyValue> = {
    user: grant.user as PyValue,
    resources: grant.resources as PyValue,
    rls_rules: (grant.rls ?? []) as PyValue,
    // time.time() is a float, and so is time.time() + GUEST_TOKEN_JWT_EXP_SECONDS.
    iat: new PyFloat(now),
    exp: new PyFloat(now + expSeconds),
    aud: options.audience,
    type: "guest",
  };
  return encodePythonJwt(claims, options.secret, options.algorithm ?? "HS256", "GUEST_TOKEN_JWT_SECRET");
}

/**
 * `parse_jwt_guest_token` plus `get_guest_user_from_request`'s claim checks.
 * @returns the claims of a valid guest token
 * @throws AuthError `AUTH_TOKEN_INVALID`, `AUTH_TOKEN_EXPIRED`, `AUTH_TOKEN_CLAIMS` (no `user`,
 *   `resources` or `rls_rules`, or `type` is not `guest`)
 */
export async function verifyGuestToken(
  token: string,
  options: VerifyGuestTokenOptions,
): Promise<GuestTokenClaims> {
  const claims = await decodePythonJwt(token, {
    secret: options.secret,
    algorithm: options.algorithm ?? "HS256",
    audience: options.audience,
    clockSkewSeconds: options.clockSkewSeconds,
    clock: options.clock,
    setting: "GUEST_TOKEN_JWT_SECRET",
  });
  const missing = (name: string) =>
    new AuthError("AUTH_TOKEN_CLAIMS", `the guest token's ${name} claim is missing or malformed`);
  if (!isPlainObject(claims.user)) throw missing("user");
  if (!Array.isArray(claims.resources)) throw missing("resources");
  const rules = claims.rls_rules;
  if (
    !Array.isArray(rules) ||
    !rules.every((r) => isPlainObject(r) && (r.clause === undefined || typeof r.clause === "string"))
  ) {
    throw missing("rls_rules");
  }
  if (claims.type !== "guest") throw new AuthError("AUTH_TOKEN_CLAIMS", "this is not a guest token");
  return claims as unknown as GuestTokenClaims;
}

/**
 * `get_guest_rls_filters_str(dataset)`: the clauses of the rules for this dataset and of the
 * rules for every dataset (an empty `dataset`), in token order.
 */
export function guestRlsClauses(
  claims: Pick<GuestTokenClaims, "rls_rules">,
  datasetId: number | string,
): string[] {
  return claims.rls_rules
    .filter((rule) => !pyTruthy(rule.dataset) || String(rule.dataset) === String(datasetId))
    .map((rule) => rule.clause ?? "");
}

/**
 * `get_rls_cache_key(datasource)` for a guest: the guest clauses, then the dataset's regular
 * RLS filters that apply to the guest role (`GUEST_ROLE_NAME`), each as `"{clause}-{group_key}"`
 * in filter id order. Pass the result as `rls` to `queryObjectCacheKey` (with `datasourceUid`)
 * to get the key Superset computes for this guest.
 * @param roleFilters the role's filters on the dataset, already ordered by id (default none)
 */
export function guestRlsCacheKey(
  claims: Pick<GuestTokenClaims, "rls_rules">,
  datasetId: number | string,
  roleFilters: readonly { clause: string; groupKey?: string | null }[] = [],
): string[] {
  return [
    ...guestRlsClauses(claims, datasetId),
    ...roleFilters.map((f) => `${f.clause}-${f.groupKey ?? ""}`),
  ];
}
