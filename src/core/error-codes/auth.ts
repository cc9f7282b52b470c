/** Codes of `superset-cache/auth`: sessions, tokens, users and permalinks. */

/** Codes of `AuthError` (`superset-cache/auth`): sessions, tokens, users and permalinks. */
export const AUTH_ERROR_CODES = [
  /** No secret given (`SECRET_KEY`, `GUEST_TOKEN_JWT_SECRET`, `GLOBAL_ASYNC_QUERIES_JWT_SECRET`), or an empty one. */
  "AUTH_SECRET_MISSING",
  /** An option out of range or of the wrong kind (a negative max age, an unknown session format, …). */
  "AUTH_INVALID_OPTION",
  /** A JWT algorithm other than HS256, HS384 or HS512 was configured (`none` included). */
  "AUTH_JWT_ALGORITHM_UNSUPPORTED",
  /** A token that is malformed, signed with another key or algorithm (`none` included), or for another audience. */
  "AUTH_TOKEN_INVALID",
  /** A token outside its validity period: `exp` passed, or `iat`/`nbf` in the future, beyond the clock skew. */
  "AUTH_TOKEN_EXPIRED",
  /** A verified token without the claims its kind needs (guest: `user`, `resources`, `rls_rules`, `type`; async: `channel`). */
  "AUTH_TOKEN_CLAIMS",
  /** Reading or writing the session store (Redis) failed; the client error is the `cause`. */
  "AUTH_SESSION_STORE_FAILED",
  /** Session data holds a value the chosen session format cannot carry. */
  "AUTH_SESSION_ENCODE_FAILED",
  /** Stored session bytes or a cookie payload that do not decode (the session readers answer `null`). */
  "AUTH_SESSION_DECODE_FAILED",
  /** A query on the metadata database failed (the driver error is the `cause`). */
  "AUTH_DATABASE_QUERY_FAILED",
  /** A permalink value that is not JSON-serializable, or a stored one that does not decode. */
  "AUTH_PERMALINK_VALUE_INVALID",
] as const;
/** A code of `AuthError`. */
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];
