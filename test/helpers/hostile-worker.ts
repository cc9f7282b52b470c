/**
 * Decodes hostile inputs one after another under the heap the parent gave this process
 * (`node --max-old-space-size=…`), printing one JSON line per case: `{"start": name}` before,
 * then `{"name", "outcome", "code", "errorClass", "ms", "heapUsed", "rss"}` after. A crash (heap
 * exhausted) shows as an exit after a `start` line with no result.
 *
 * usage: tsx hostile-worker.ts MANIFEST_JSON   (manifest: [{name, kind, file, cookie?}])
 */
import { readFileSync } from "node:fs";
import { readCookieSession } from "#src/auth/cookie-session.js";
import { loadsTaggedJson } from "#src/auth/formats/flask-tagged-json.js";
import { msgspecDecode } from "#src/auth/formats/msgspec-msgpack.js";
import { decodeSessionValue } from "#src/auth/server-session.js";
import { decodeTaskMessage } from "#src/celery/message.js";
import { decodeTaskResult } from "#src/celery/results.js";
import { decodeSqlLabTask, SUPERSET_TASK_NAMES } from "#src/celery/superset-tasks.js";
import { RedisSerializer } from "#src/codecs/cachelib/redis-serializer.js";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { SupersetCacheError } from "#src/core/errors.js";
import { decodeResultsPayload } from "#src/superset/results/index.js";

/**
 * What a case feeds its bytes to. The session and Celery kinds are the public decoders
 * (`decodeSessionValue`, `readCookieSession`, `decodeTaskMessage` then `decodeSqlLabTask`,
 * `decodeTaskResult`); `session-msgpack` and `cookie-payload` are the format decoders inside
 * the two session readers, whose catch-all (`null` for any failure) would hide an untyped error.
 */
export type HostileKind =
  | "pickle"
  | "redis"
  | "results-msgpack"
  | "results-json"
  | "session-value"
  | "session-msgpack"
  | "cookie-session"
  | "cookie-payload"
  | "celery-message"
  | "celery-result";

/** The secret and signing time a `cookie-session` case is read with. */
export interface CookieReadContext {
  secretKey: string;
  /** Whole Unix SECONDS: the reader's clock (the cookie's signing time). */
  nowSeconds: number;
}

export interface HostileCase {
  name: string;
  kind: HostileKind;
  file: string;
  cookie?: CookieReadContext;
}

export interface HostileResult {
  name: string;
  outcome: "value" | "error";
  /** The error's `code` when it is a `SupersetCacheError`, else null. */
  code: string | null;
  /** The error's class name (an untyped error fails the suite). */
  errorClass: string | null;
  ms: number;
  heapUsed: number;
  rss: number;
  /** Peak resident set of the process so far, bytes (monotonic: the peak of this case when run alone). */
  maxRss: number;
}

const redis = new RedisSerializer();

function decodeCelery(bytes: Uint8Array): unknown {
  const message = decodeTaskMessage(bytes);
  return message.task === SUPERSET_TASK_NAMES.sqlLabGetSqlResults ? decodeSqlLabTask(message) : message;
}

function decode(c: HostileCase, bytes: Uint8Array): unknown {
  switch (c.kind) {
    case "pickle":
      return loads(bytes);
    case "redis":
      return redis.loads(bytes);
    case "results-msgpack":
      return decodeResultsPayload(bytes);
    case "results-json":
      return decodeResultsPayload(bytes, { useMsgpack: false });
    case "session-value":
      return decodeSessionValue(bytes);
    case "session-msgpack":
      return msgspecDecode(bytes);
    case "cookie-session": {
      const { secretKey, nowSeconds } = c.cookie as CookieReadContext;
      return readCookieSession(Buffer.from(bytes).toString("latin1"), {
        secretKey,
        clock: { now: () => nowSeconds * 1000 },
      });
    }
    case "cookie-payload":
      return loadsTaggedJson(bytes);
    case "celery-message":
      return decodeCelery(bytes);
    case "celery-result":
      return decodeTaskResult(bytes, "hostile");
  }
}

const manifest = JSON.parse(readFileSync(process.argv[2] as string, "utf8")) as HostileCase[];
for (const c of manifest) {
  const bytes = new Uint8Array(readFileSync(c.file));
  process.stdout.write(`${JSON.stringify({ start: c.name })}\n`);
  const t0 = performance.now();
  // The value stays referenced until memory is measured, then is dropped.
  const held: unknown[] = [];
  let error: unknown;
  try {
    held.push(decode(c, bytes));
  } catch (err) {
    error = err;
  }
  const ms = performance.now() - t0;
  const { heapUsed, rss } = process.memoryUsage();
  const result: HostileResult = {
    name: c.name,
    outcome: error === undefined ? "value" : "error",
    code: error instanceof SupersetCacheError ? error.code : null,
    errorClass: error === undefined ? null : ((error as Error)?.constructor?.name ?? typeof error),
    ms,
    heapUsed,
    rss,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
  if (error !== undefined && !(error instanceof SupersetCacheError))
    process.stderr.write(`${c.name}: ${(error as Error)?.stack ?? String(error)}\n`);
  held.length = 0;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
