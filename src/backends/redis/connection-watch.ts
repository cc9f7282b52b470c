/**
 * What one Redis backend knows about its connection: the last connection error ioredis emitted
 * (so a later "Reached the max retries" can say why), a misconfiguration found while connecting
 * (a SELECT of a database the server does not have: ioredis would go on in db 0, redis-py
 * raises), and how to say what failed and where: `Redis 127.0.0.1:7517 for DATA_CACHE_CONFIG:
 * connection refused`, with the underlying error as `cause`.
 */
import type { Cluster, Redis } from "ioredis";
import { CacheConfigError, type SupersetCacheError } from "../../core/errors.js";
import { redactText } from "../../core/redact.js";
import { RedisBackendError, RedisErrorCode, toRedisError } from "./errors.js";

/** Where a backend's server is, for messages. */
export interface RedisTarget {
  /** `127.0.0.1:6380`, a socket path, the sentinels or the cluster nodes. Never a password. */
  address: string;
  /** Config path of the cache, e.g. `DATA_CACHE_CONFIG`. */
  path: string;
  /** Config key holding the database number, e.g. `DATA_CACHE_CONFIG.CACHE_REDIS_URL`. */
  dbPath?: string;
  /** Passwords to scrub from every message. */
  secrets: readonly string[];
}

/** Operations whose failures `failures()` maps, as the backend names them in messages. */
const OPERATIONS = ["GET", "MGET", "SET", "SET NX", "DEL", "EXISTS", "INCRBY", "CLEAR", "PIPELINE", "PING"];

/** ioredis's generic rejections, which say nothing about why the connection is down. */
const GENERIC = /Reached the max retries|Connection is closed|Stream isn't writeable/i;
const BAD_DB = /DB index is out of range|invalid DB index/i;
const TLS_CODES = new Set([
  "EPROTO",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** `true` for a TLS handshake or certificate failure. */
function isTls(err: unknown): boolean {
  const code = errnoOf(err) ?? "";
  return (
    code.startsWith("ERR_SSL_") || TLS_CODES.has(code) || /certificate|SSL routines/i.test(messageOf(err))
  );
}

/** A short reason in words: `connection refused`, `authentication failed (WRONGPASS …)`, … */
function reasonOf(err: unknown, op: string, secrets: readonly string[]): string {
  const raw = redactText(messageOf(err), secrets);
  const errno = errnoOf(err);
  if (errno === "ECONNREFUSED") return "connection refused";
  if (errno === "ENOTFOUND" || errno === "EAI_AGAIN") return `host not found (${errno})`;
  if (errno === "ECONNRESET" || errno === "EPIPE") return `connection reset (${errno})`;
  if (errno === "ETIMEDOUT" || /connect ETIMEDOUT/i.test(raw)) return "connect timed out";
  if (/WRONGPASS|invalid username-password|invalid password/i.test(raw))
    return `authentication failed, wrong user or password (${raw})`;
  if (/NOAUTH/i.test(raw)) return `authentication required, no password configured (${raw})`;
  if (isTls(err)) return `TLS handshake failed (${raw})`;
  if (/Command timed out/i.test(raw)) return `${op}: no reply within the command timeout`;
  if (GENERIC.test(raw)) return `not connected (${raw})`;
  return `${op} failed: ${raw}`;
}

/**
 * An error safe to keep as `cause`: Node's socket and TLS errors as they are; anything else (an
 * ioredis ReplyError may hold the arguments of AUTH) as a typed copy with the scrubbed message.
 */
function safeCause(err: unknown, secrets: readonly string[]): Error {
  if (err instanceof Error && !("command" in err) && !("previousErrors" in err)) {
    if (secrets.every((s) => !s || !err.message.includes(s))) return err;
  }
  const { code, transient } = toRedisError(err, "connect", secrets);
  const name = err instanceof Error ? `${err.name}: ` : "";
  return new RedisBackendError(code, `${name}${redactText(messageOf(err), secrets)}`, transient);
}

/** One backend's connection knowledge; see the file comment. */
export class RedisConnectionWatch {
  #last: unknown;
  #fatal: CacheConfigError | undefined;

  constructor(readonly target: RedisTarget) {}

  /** A misconfiguration found while connecting (`CONFIG_REDIS_DB`); every later call fails with it. */
  get fatal(): CacheConfigError | undefined {
    return this.#fatal;
  }

  /**
   * Listen to `client`: remember connection errors (forgotten once it is ready again), and on a
   * failed SELECT give up the connection for good. `onError` sees each error, typed; a throwing
   * `onError` is ignored (it must not crash ioredis's event loop).
   */
  attach(client: Redis | Cluster, onError: (error: RedisBackendError) => void): void {
    client.on("ready", () => {
      this.#last = undefined;
    });
    client.on("error", (err: unknown) => {
      if (BAD_DB.test(messageOf(err)) && !this.#fatal) {
        this.#fatal = this.#badDb(err, client);
        // No reconnect: every reconnect would select the missing database again.
        client.disconnect();
      }
      this.#last = err;
      try {
        onError(this.#typed(err, "connection"));
      } catch {
        // An observer's bug must not break the connection handling.
      }
    });
  }

  /** Per operation, a rejection handler throwing `error(e, op)` (built once: no closure per call). */
  failures(): Readonly<Record<string, (e: unknown) => never>> {
    const out: Record<string, (e: unknown) => never> = {};
    for (const op of OPERATIONS) {
      out[op] = (e: unknown) => {
        throw this.error(e, op);
      };
    }
    return out;
  }

  /**
   * The error a failed call rejects with: the fatal config error when there is one, ours as they
   * are, else a `RedisBackendError` saying what failed and where, with `cause`.
   */
  error(err: unknown, op: string): SupersetCacheError {
    if (this.#fatal) return this.#fatal;
    if (err instanceof RedisBackendError && err.code !== RedisErrorCode.connection) return err;
    return this.#typed(err, op);
  }

  #typed(err: unknown, op: string): RedisBackendError {
    // While not connected, a generic rejection or a timeout is explained by the last connection error.
    const vague = GENERIC.test(messageOf(err)) || /Command timed out/i.test(messageOf(err));
    const root = vague && this.#last !== undefined ? this.#last : err;
    const { secrets, address, path } = this.target;
    const { code, transient } = toRedisError(root, op, secrets);
    const reason = reasonOf(root, op, secrets);
    return new RedisBackendError(code, `Redis ${address} for ${path}: ${reason}`, transient, {
      cause: safeCause(root, secrets),
    });
  }

  #badDb(err: unknown, client: Redis | Cluster): CacheConfigError {
    const { secrets, address, path, dbPath } = this.target;
    const db = (client.options as { db?: number }).db ?? 0;
    return new CacheConfigError(
      "CONFIG_REDIS_DB",
      dbPath ?? path,
      `Redis ${address} for ${path}: database ${db} does not exist (SELECT ${db}: ${redactText(messageOf(err), secrets)}); use a database number below the server's \`databases\` setting`,
      { cause: safeCause(err, secrets) },
    );
  }
}

/** The address of a caller's client, for messages: `host:port`, a socket path or the cluster nodes. */
export function clientAddress(client: Redis | Cluster): string {
  if (client.isCluster) {
    // ioredis keeps the startup nodes private; read them for the message only.
    const nodes = (client as unknown as { startupNodes: unknown[] }).startupNodes;
    return nodes.map((n) => (typeof n === "object" && n ? nodeAddress(n) : String(n))).join(",");
  }
  const o = (client as Redis).options;
  return o.path ?? `${o.host ?? "localhost"}:${o.port ?? 6379}`;
}

function nodeAddress(n: object): string {
  const { host, port } = n as { host?: string; port?: number };
  return `${host ?? "localhost"}:${port ?? 6379}`;
}
