/**
 * Who may use the inspector: the holder of the random token printed at start (as Jupyter does).
 * The first visit carries `?token=…`; the server answers with an HttpOnly, SameSite=Strict cookie
 * and a redirect that drops the token from the address bar. Scripts may send the token in the
 * `X-Superset-Cache-Token` header (or `Authorization: token …`) instead.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Bytes of randomness in a token (hex-encoded: 48 characters). */
const TOKEN_BYTES = 24;
export const TOKEN_HEADER = "x-superset-cache-token";
/** POSTs must carry this header: a cross-site form cannot, and we never answer CORS preflights. */
export const WRITE_HEADER = "x-superset-cache-ui";

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString("hex");
}

/** Cookie name per port: two inspectors on one host do not overwrite each other's cookie. */
export function cookieName(port: number): string {
  return `superset_cache_ui_${port}`;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** How the request proved it holds the token, or undefined when it did not. */
export function tokenSource(
  req: IncomingMessage,
  url: URL,
  token: string,
  port: number,
): "cookie" | "header" | "query" | undefined {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === "string" && same(header, token)) return "header";
  const auth = /^token\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (auth && same(auth[1] as string, token)) return "header";
  // The query before the cookie: a link with ?token= is always cleaned from the address bar.
  const query = url.searchParams.get("token");
  if (query !== null && same(query, token)) return "query";
  const cookie = cookieValue(req, cookieName(port));
  if (cookie !== undefined && same(cookie, token)) return "cookie";
  return undefined;
}

export function tokenCookie(token: string, port: number): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
