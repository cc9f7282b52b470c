/**
 * Superset's `cache-warmup` task enqueues `fetch_url(payload, headers)` with the warm-up user's
 * Flask session cookie in `headers["Cookie"]`. A task message's body is only base64, so anyone
 * who can read the broker can lift that session: peek flags such messages.
 */

import { isStrDict } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";

const SESSION_COOKIE = /(?:^|;\s*)session=[^;\s]/;
const MAX_DEPTH = 4;

/** `true` when some `Cookie` header among the task's arguments (nested up to 4 levels) carries `session=`. */
export function carriesSessionCookie(args: readonly PyValue[], kwargs: Record<string, PyValue>): boolean {
  const visit = (v: PyValue, depth: number): boolean => {
    if (depth > MAX_DEPTH) return false;
    if (Array.isArray(v)) return v.some((x) => visit(x, depth + 1));
    if (!isStrDict(v)) return false;
    for (const [k, x] of Object.entries(v)) {
      if (k.toLowerCase() === "cookie" && typeof x === "string" && SESSION_COOKIE.test(x)) return true;
      if (visit(x, depth + 1)) return true;
    }
    return false;
  };
  return args.some((a) => visit(a, 0)) || visit(kwargs, 0);
}
