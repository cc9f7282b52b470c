/**
 * `superset-cache/auth`: who is logged in to Superset and what they may see, without calling
 * Superset. Flask cookie sessions and Flask-Session Redis sessions (read and write), the FAB
 * user and roles behind them, guest and async-query tokens, and dashboard/explore/SQL Lab
 * permalinks. See docs/auth.md for the settings each piece reads and the security model.
 */
export {
  type AsyncToken,
  DEFAULT_ASYNC_TOKEN_COOKIE_NAME,
  type MintAsyncTokenOptions,
  mintAsyncToken,
  type VerifyAsyncTokenOptions,
  verifyAsyncToken,
} from "./async-token.js";
export {
  COOKIE_SESSION_SALT,
  type CookieSessionContents,
  DEFAULT_SESSION_LIFETIME_SECONDS,
  type FlaskSecretOptions,
  type ReadCookieSessionOptions,
  readCookieSession,
  type WriteCookieSessionOptions,
  writeCookieSession,
} from "./cookie-session.js";
export { AuthError } from "./errors.js";
export { markup } from "./formats/flask-tagged-json.js";
export type { SecretKey } from "./formats/signer.js";
export {
  DEFAULT_GUEST_TOKEN_EXP_SECONDS,
  type GuestTokenClaims,
  type GuestTokenGrant,
  type GuestTokenResource,
  type GuestTokenRlsRule,
  type GuestTokenSettings,
  type GuestTokenUser,
  guestRlsCacheKey,
  guestRlsClauses,
  type MintGuestTokenOptions,
  mintGuestToken,
  type VerifyGuestTokenOptions,
  verifyGuestToken,
} from "./guest-token.js";
export {
  type MetadataDatabase,
  type MetadataDatabaseOptions,
  openMetadataDatabase,
} from "./metadata-database.js";
export { decodePermalinkId, encodePermalinkKey, HASHIDS_MIN_LENGTH } from "./permalink-key.js";
export {
  APP_RESOURCE,
  type CreatePermalinkOptions,
  PERMALINK_RESOURCES,
  type PermalinkKind,
  PermalinkStore,
  type PermalinkStoreOptions,
} from "./permalinks.js";
export type { JwtAlgorithm, JwtClaims } from "./python-jwt.js";
export { cookieFromHeader } from "./request-cookies.js";
export {
  DEFAULT_SESSION_KEY_PREFIX,
  decodeSessionValue,
  encodeSessionValue,
  readServerSession,
  SESSION_ID_SALT,
  type ServerSessionContents,
  type ServerSessionFormat,
  type ServerSessionStoreOptions,
  sessionIdFromCookie,
  type WriteServerSessionOptions,
  writeServerSession,
} from "./server-session.js";
export {
  DEFAULT_SESSION_COOKIE_NAME,
  readSupersetSession,
  type SessionProtection,
  type SupersetSession,
  type SupersetSessionOptions,
  SupersetSessionReader,
} from "./superset-session.js";
export {
  inMemoryUserLookup,
  loadSessionUser,
  metadataUserLookup,
  type SupersetUser,
  type UserLookup,
} from "./user-lookup.js";
