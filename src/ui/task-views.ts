/**
 * Celery and Flask-Session values as rows the key browser shows: a task message (name, id,
 * args/kwargs, eta, retries, the session-cookie flag), a result meta, an async-query event, a
 * server-side session (user id and keys). Secrets inside them are masked here, by key name:
 * cookie and authorization headers, CSRF tokens, anything `isSecretKeyName` calls secret. The
 * server's config-secret scrubbing still runs over the reply as well.
 */
import { DEFAULT_SESSION_KEY_PREFIX, decodeSessionValue } from "../auth/server-session.js";
import { interpretSession } from "../auth/superset-session.js";
import { type DecodedTaskMessage, decodeTaskEnvelope, decodeTaskMessage } from "../celery/message.js";
import { CELERY_TASK_META_PREFIX, decodeTaskResult } from "../celery/results.js";
import { stdlibJsonLoads } from "../codecs/json/stdlib-decode.js";
import { isSecretKeyName, REDACTED } from "../core/redact.js";
import { dictEntries, isPyDict, isStrDict } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";

/** A decoded value the key browser shows instead of a Flask-Caching entry. */
export interface SpecialView {
  /** What the key holds, e.g. `celery-queue`, `flask-session`, `redis-hash`. */
  kind: string;
  /** How it was read: the Redis type, or the value's encoding (`json`, `msgpack`, `pickle`). */
  format: string;
  /** Items in the key and how many of them are shown (lists, hashes, sets, streams). */
  items?: { total: number; shown: number };
  value: unknown;
}

/** Header and key names whose values are masked (besides `isSecretKeyName`). */
const MASKED_NAMES = /^(?:cookie|set-cookie|authorization|x-csrftoken)$/i;
const MAX_MASK_DEPTH = 16;

function masked(name: string): boolean {
  return MASKED_NAMES.test(name) || isSecretKeyName(name);
}

/** Cookie pairs keep their names; every value becomes `***`. */
const maskCookie = (text: string): string => text.replace(/(^|;\s*)([^=;]+)=([^;]*)/g, `$1$2=${REDACTED}`);

/**
 * `v` with secret-named entries masked, as plain JSON-like values (dict keys become text).
 * Cookie headers keep their cookie names so "which cookie" stays visible.
 */
export function maskSecrets(v: PyValue | undefined, depth = 0): unknown {
  if (depth > MAX_MASK_DEPTH) return REDACTED;
  if (Array.isArray(v)) return v.map((x) => maskSecrets(x, depth + 1));
  if (v instanceof Uint8Array || !isPyDict(v)) return v;
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, x] of dictEntries(v)) {
    const name = typeof k === "string" ? k : String(k);
    if (/cookie/i.test(name) && typeof x === "string") out[name] = maskCookie(x);
    else
      out[name] = masked(name) && x !== null && typeof x !== "boolean" ? REDACTED : maskSecrets(x, depth + 1);
  }
  return out;
}

/** One task message as a table row. */
export function messageRow(m: DecodedTaskMessage): Record<string, unknown> {
  return {
    task: m.task,
    id: m.id,
    args: maskSecrets(m.args),
    kwargs: maskSecrets(m.kwargs),
    eta: m.eta,
    expires: m.expires,
    retries: m.headers.retries ?? 0,
    priority: m.priority,
    sessionCookie: m.carriesSessionCookie,
  };
}

/** A kombu queue item as a row, or undefined when it is no task message. */
export function queueItemRow(raw: Uint8Array): Record<string, unknown> | undefined {
  try {
    return messageRow(decodeTaskMessage(raw));
  } catch {
    return undefined;
  }
}

/** An `unacked` hash value (`[message, exchange, routing_key]` JSON) as a row, or undefined. */
export function unackedRow(tag: string, raw: Uint8Array): Record<string, unknown> | undefined {
  try {
    const triple = stdlibJsonLoads(raw);
    if (!Array.isArray(triple) || triple.length < 3) return undefined;
    const m = decodeTaskEnvelope(triple[0] as PyValue);
    return { deliveryTag: tag, queue: triple[2], ...messageRow(m) };
  } catch {
    return undefined;
  }
}

/** An async-query event stream entry's `data` JSON as a row, or undefined. */
export function asyncEventRow(
  id: string,
  fields: Record<string, string>,
): Record<string, unknown> | undefined {
  const data = fields.data;
  if (data === undefined) return undefined;
  try {
    const event = stdlibJsonLoads(Buffer.from(data, "utf8"));
    return isStrDict(event) ? { streamId: id, ...(maskSecrets(event) as object) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A string value decoded by its key's name: `celery-task-meta-*` as Celery result meta, keys
 * under `sessionPrefix` (Flask-Session's `SESSION_KEY_PREFIX`) as a server-side session.
 * @returns undefined when the name does not say, or the value does not decode as the name says
 */
export function specialString(
  key: string,
  stored: Uint8Array,
  sessionPrefix = DEFAULT_SESSION_KEY_PREFIX,
): SpecialView | undefined {
  const meta = key.indexOf(CELERY_TASK_META_PREFIX);
  if (meta >= 0) {
    try {
      const r = decodeTaskResult(stored, key.slice(meta + CELERY_TASK_META_PREFIX.length));
      return {
        kind: "celery-result",
        format: "json",
        value: {
          taskId: r.taskId,
          status: r.status,
          name: r.name,
          dateDone: r.dateDone,
          result: maskSecrets(r.result),
          exception: r.exception,
          traceback: r.traceback,
          args: maskSecrets(r.args),
          kwargs: maskSecrets(r.kwargs),
          worker: r.worker,
          queue: r.queue,
          children: r.children,
        },
      };
    } catch {
      return undefined;
    }
  }
  const at = key.indexOf(sessionPrefix);
  if (at < 0) return undefined;
  const decoded = decodeSessionValue(stored);
  if (!decoded) return undefined;
  const sid = key.slice(at + sessionPrefix.length);
  const s = interpretSession(decoded.data, { kind: "server", sid, signedAt: null });
  return {
    kind: "flask-session",
    format: decoded.format,
    // The session id is not repeated: without SESSION_USE_SIGNER it is the cookie itself.
    value: {
      userId: s.userId,
      fresh: s.fresh,
      permanent: s.permanent,
      keys: dictEntries(decoded.data).map(([k]) => String(k)),
      data: maskSecrets(decoded.data),
    },
  };
}
