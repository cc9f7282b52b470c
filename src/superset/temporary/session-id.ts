/**
 * Flask-Login's session identifier (`session["_id"]`, `_create_identifier()`), the first part
 * of Superset's contextual temporary-cache keys: sha512 hex of
 * `"{repr(remote_bytes)}|{repr(user_agent_bytes)}"`.
 */
import { createHash } from "node:crypto";

/** What Flask-Login reads from the request. */
export interface SessionIdInput {
  /** `request.remote_addr` (used when there is no X-Forwarded-For header). */
  remoteAddr?: string | null;
  /** The raw `X-Forwarded-For` header; its first comma-separated entry wins. */
  forwardedFor?: string | null;
  /** The raw `User-Agent` header; absent → `None` in the hashed text. */
  userAgent?: string | null;
}

const encoder = new TextEncoder();

/**
 * Python `repr(bytes)`: `b'...'`, double quotes only when the bytes contain `'` and no `"`;
 * `\\`, `\t`, `\n`, `\r` escaped; other bytes outside 0x20–0x7e as `\xNN`.
 */
export function pythonBytesRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const b of bytes) {
    if (b === 0x5c) out += "\\\\";
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (quote === "'" && b === 0x27) out += "\\'";
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += String.fromCharCode(b);
  }
  return out + quote;
}

/** The text Flask-Login hashes (exposed for tests and debugging). */
export function flaskLoginIdentifierBase(input: SessionIdInput): string {
  const addr = input.forwardedFor ?? input.remoteAddr ?? null;
  let remote = "None";
  if (addr !== null) {
    // Python: addr.encode("utf-8").split(b",")[0].strip() — strip() removes ASCII whitespace.
    const first = addr.split(",")[0]!.replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, "");
    remote = pythonBytesRepr(encoder.encode(first));
  }
  const ua =
    input.userAgent === undefined || input.userAgent === null
      ? "None"
      : pythonBytesRepr(encoder.encode(input.userAgent));
  return `${remote}|${ua}`;
}

/**
 * Flask-Login's `_id` for a request (128 lowercase hex characters), so a Node service can
 * address the contextual keys Superset writes for the same browser session.
 */
export function flaskLoginSessionId(input: SessionIdInput): string {
  return createHash("sha512").update(flaskLoginIdentifierBase(input), "utf8").digest("hex");
}
