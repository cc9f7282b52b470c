/**
 * Redis connections of superset-cache/celery: kombu's and Celery's Redis URLs (`redis://`,
 * `rediss://` with `ssl_cert_reqs`, `redis+socket://`) read with redis-py's `from_url` rules,
 * and ioredis clients that report failures on the awaited command only.
 */
import { Redis, type RedisOptions } from "ioredis";
import { parseRedisUrl } from "../backends/redis/url.js";
import { CeleryError } from "./errors.js";

const BROKER_SCHEMES: Record<string, string> = {
  "redis:": "redis:",
  "rediss:": "rediss:",
  "unix:": "unix:",
  "redis+socket:": "unix:",
  "socket:": "unix:",
};

/**
 * ioredis options for a kombu/Celery Redis URL (`ssl_cert_reqs=none` turns certificate checks off).
 * @throws CeleryError `CELERY_BROKER_URL_UNSUPPORTED` for another scheme (amqp://, sqs://, …)
 */
export function redisOptionsFromUrl(url: string, what: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new CeleryError("CELERY_BROKER_URL_UNSUPPORTED", `${what} is not a URL`, { cause });
  }
  const scheme = BROKER_SCHEMES[parsed.protocol];
  if (!scheme)
    throw new CeleryError(
      "CELERY_BROKER_URL_UNSUPPORTED",
      `${what} ${parsed.protocol}// is not kombu's Redis transport (redis://, rediss://, redis+socket://)`,
    );
  const certReqs = parsed.searchParams.get("ssl_cert_reqs")?.toLowerCase();
  const normalized = scheme === parsed.protocol ? url : url.replace(/^[a-z+]+:/i, scheme);
  const { options } = parseRedisUrl(normalized, what, 0);
  if (options.tls && (certReqs === "none" || certReqs === "cert_none"))
    options.tls = { rejectUnauthorized: false };
  return options;
}

/** A lazily connecting client with Node-side timeouts, MILLISECONDS. */
export function openRedis(options: RedisOptions, timeoutMs: number): Redis {
  const client = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 1,
  });
  client.on("error", () => {}); // each awaited command reports its own failure
  return client;
}
