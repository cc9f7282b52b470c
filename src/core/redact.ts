/**
 * The one place secrets are masked: every error message, log line, CLI line and
 * `inspect`/`toJSON` of an object holding a config goes through these functions. A URL's
 * password is found as both parsers that may read it do (WHATWG/urllib for Redis URLs,
 * SQLAlchemy for database URIs, where the password is opaque and may hold `/`, `?`, `:` or `#`),
 * and the wider of the two spans is masked. Nothing here throws.
 */

/** Written where a secret was. */
export const REDACTED = "***";

/** Query parameters whose value is a secret (redis-py reads `?password=`). */
const SECRET_PARAMS = /([?&;](?:password|passwd|pwd|pass|secret|token|access_token)=)[^&#;\s]*/gi;

/** Config keys whose value is a secret (`CACHE_REDIS_PASSWORD`, `SECRET_KEY`, `CACHE_MEMCACHED_PASSWORD`, …). */
const SECRET_KEY_NAME = /pass(word|wd)?$|secret|token|credential|api_key|private_key/i;

/** A URL inside free text: scheme, `://`, then up to whitespace or a quote. */
const URL_IN_TEXT = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>`]*/g;

/**
 * `url` with its password replaced by `***` (the user name stays) and secret query parameters
 * (`password=`, …) masked. Works for `redis://`, `rediss://`, `unix://`, SQLAlchemy URIs and
 * any `scheme://user:password@host` text; other text is returned unchanged.
 */
export function redactUrl(url: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)(.*)$/s.exec(url);
  if (!m) return url;
  const scheme = m[1] as string;
  const rest = m[2] as string;
  const at = userInfoEnd(rest);
  if (at < 0) return scheme + rest.replace(SECRET_PARAMS, `$1${REDACTED}`);
  const userInfo = rest.slice(0, at);
  const colon = userInfo.indexOf(":");
  const user = colon >= 0 ? `${userInfo.slice(0, colon)}:${REDACTED}` : userInfo;
  return `${scheme}${user}@${rest.slice(at + 1).replace(SECRET_PARAMS, `$1${REDACTED}`)}`;
}

/**
 * Index of the `@` ending the user info of `rest` (the URL after `scheme://`), or -1. The later
 * of SQLAlchemy's reading (the password runs from the first `:` to the next `@`, whatever lies
 * between) and urllib's (the last `@` before the first `/`, `?` or `#`), so that neither
 * parser's password survives.
 */
function userInfoEnd(rest: string): number {
  const colon = rest.indexOf(":");
  const sqlalchemy = colon >= 0 ? rest.indexOf("@", colon) : -1;
  const hostEnd = rest.search(/[/?#]/);
  const authority = hostEnd >= 0 ? rest.slice(0, hostEnd) : rest;
  return Math.max(sqlalchemy, authority.lastIndexOf("@"));
}

/** True for a config key whose value is a secret (`CACHE_REDIS_PASSWORD`, `SECRET_KEY`, `*token*`, …). */
export function isSecretKeyName(key: string): boolean {
  return SECRET_KEY_NAME.test(key);
}

/**
 * The password of a URL or SQLAlchemy URI as either parser reads it (SQLAlchemy: from the first
 * `:` to the next `@`, opaque; WHATWG/urllib: the user info before the last `@` of the authority),
 * each also percent-decoded. Empty for text that is not `scheme://…` or has no password.
 */
export function uriPasswords(uri: string): string[] {
  const rest = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(.*)$/s.exec(uri)?.[1];
  if (rest === undefined) return [];
  const out: string[] = [];
  const colon = rest.indexOf(":");
  const at = colon >= 0 ? rest.indexOf("@", colon) : -1;
  if (at > colon) out.push(rest.slice(colon + 1, at));
  const hostEnd = rest.search(/[/?#]/);
  const authority = hostEnd >= 0 ? rest.slice(0, hostEnd) : rest;
  const userInfo = authority.slice(0, Math.max(0, authority.lastIndexOf("@")));
  if (userInfo.includes(":")) out.push(userInfo.slice(userInfo.indexOf(":") + 1));
  for (const p of [...out]) {
    try {
      out.push(decodeURIComponent(p));
    } catch {
      // a malformed escape: the raw form is masked already
    }
  }
  return out;
}

/**
 * `text` with every known secret (as given, percent-encoded and JSON-escaped) and the password
 * of every URL in it replaced by `***`. Use for error messages and log lines that may quote a
 * config value or a driver's message. Empty and undefined secrets are ignored.
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(URL_IN_TEXT, (u) => redactUrl(u));
  // Longest first, so a secret containing another is masked whole.
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s) continue;
    forms.add(s);
    forms.add(encodeURIComponentSafe(s));
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    if (form) out = out.split(form).join(REDACTED);
  }
  return out;
}

/** Shorter strings are not masked in free text: they would mask ordinary words in values. */
export const MIN_SECRET_LENGTH = 3;

/**
 * Every secret inside a config, to mask in whatever is printed or served: strings under
 * secret-named keys (`*_PASSWORD`, `SECRET_KEY`, `*token*`, …) at any depth, and the password of
 * every URL or SQLAlchemy URI (read as {@link uriPasswords} reads them). `extra` are secrets
 * themselves (tokens, cookies), except URLs, of which only the password is.
 */
export function collectSecrets(config: unknown, extra: readonly (string | undefined)[] = []): string[] {
  const found = new Set<string>();
  const visit = (v: unknown, keyName: string, depth: number): void => {
    if (depth > 8 || v === null || v === undefined) return;
    if (typeof v === "string") {
      if (isSecretKeyName(keyName)) found.add(v);
      for (const p of uriPasswords(v)) found.add(p);
      return;
    }
    if (typeof v !== "object") return;
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) visit(child, k, depth + 1);
  };
  visit(config, "", 0);
  for (const e of extra) if (e) visit(e, /^[a-z][a-z0-9+.-]*:\/\//i.test(e) ? "url" : "secret", 0);
  return [...found].filter((x) => x.length >= MIN_SECRET_LENGTH);
}

/**
 * A shallow copy of a config dict (or options object) fit for display: values under secret-named
 * keys (`*_PASSWORD`, `SECRET_KEY`, `*token*`, …) become `***`, string values holding URLs are
 * passed through {@link redactUrl}, nested plain objects are redacted the same way.
 */
export function redactConfig(config: object): Record<string, unknown> {
  return redactRecord(config as Readonly<Record<string, unknown>>, 0);
}

function redactRecord(config: Readonly<Record<string, unknown>>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = redactValue(key, value, depth);
  }
  return out;
}

function redactValue(key: string, value: unknown, depth: number): unknown {
  if (value === undefined || value === null || value === "") return value;
  if (SECRET_KEY_NAME.test(key) && typeof value !== "object" && typeof value !== "boolean") return REDACTED;
  if (typeof value === "string") return value.includes("://") ? redactText(value) : value;
  if (depth >= 4 || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(key, v, depth + 1));
  if (value instanceof Uint8Array) return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return `[${value.constructor?.name ?? "object"}]`;
  return redactRecord(value as Record<string, unknown>, depth + 1);
}

function encodeURIComponentSafe(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate cannot be percent-encoded; the raw form is masked already.
    return text;
  }
}

/** Node's `util.inspect.custom` symbol, without importing `node:util`. */
export const inspectCustom: unique symbol = Symbol.for("nodejs.util.inspect.custom") as never;

/** The `inspect` function Node passes to a `[inspectCustom]` method. */
export type InspectFunction = (value: unknown, options?: object) => string;
