/**
 * The CLI's own Redis connection (inspect, keys, stats) with a per-request timeout, and the one
 * mapping from any failure to an exit code: refused/unreachable (3), timeout (8) and
 * authentication (9) stay apart, and messages name host:port, never the password.
 */
import { Redis } from "ioredis";
import { clientAddress, RedisConnectionWatch } from "../backends/redis/connection-watch.js";
import { parseRedisUrl } from "../backends/redis/url.js";
import { CacheConfigError, CacheDecodeError } from "../core/errors.js";
import { redactText } from "../core/redact.js";
import { connectOrFail } from "../ops/doctor-collect.js";
import { CliError, EXIT } from "./exit-codes.js";
import { checkRedisUrl } from "./flags.js";

/** Exit codes of typed errors, by `code` (anywhere in the `cause` chain). */
const EXIT_BY_CODE: Readonly<Record<string, number>> = {
  REDIS_COMMAND_TIMEOUT: EXIT.TIMEOUT,
  REDIS_AUTH_FAILED: EXIT.AUTH,
  // A SYN nobody answers (connect timeout) is a timeout too.
  ETIMEDOUT: EXIT.TIMEOUT,
};
const MAX_CAUSE_DEPTH = 5;

/** Where the CLI connects: the URL and where it came from (`--url`, an env variable, a config key). */
export interface RedisTarget {
  url: string;
  source: string;
}

/**
 * A `CliError` for anything a command threw: the exit code from the typed error (timeout, auth,
 * config → usage, decode), else 3; the message with `secrets` and URL passwords masked.
 */
export function toCliError(err: unknown, secrets: readonly string[] = [], timeoutSeconds?: number): CliError {
  if (err instanceof CliError) return err;
  let exit: number = EXIT.BACKEND;
  let e: unknown = err;
  for (let depth = 0; e && depth < MAX_CAUSE_DEPTH; depth++, e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && EXIT_BY_CODE[code] !== undefined) {
      exit = EXIT_BY_CODE[code];
      break;
    }
    if (e instanceof CacheConfigError) {
      exit = EXIT.USAGE;
      break;
    }
    if (e instanceof CacheDecodeError) {
      exit = EXIT.DECODE;
      break;
    }
  }
  let message = redactText(err instanceof Error ? err.message : String(err), secrets);
  if (exit === EXIT.TIMEOUT && timeoutSeconds !== undefined)
    message += ` (waited ${timeoutSeconds} s; raise --command-timeout for a slow server)`;
  return new CliError(exit, message, { cause: err });
}

/**
 * Connect to `target` (timeouts: `timeoutSeconds` for the connection and for every request), run
 * `work` with the client and its database number, disconnect.
 * @throws CliError exit 2 for a bad URL, 3 refused/unreachable, 8 no answer in time, 9 auth failed
 */
export async function withRedis<T>(
  target: RedisTarget,
  timeoutSeconds: number,
  op: string,
  work: (r: Redis, db: number) => Promise<T>,
): Promise<T> {
  checkRedisUrl(target.url, target.source);
  const { options, secrets } = parseRedisUrl(target.url, target.source, 0);
  const ms = Math.round(timeoutSeconds * 1000);
  const client = new Redis({
    ...options,
    lazyConnect: true,
    connectTimeout: ms,
    commandTimeout: ms,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  const watch = new RedisConnectionWatch({ address: clientAddress(client), path: target.source, secrets });
  // The watch remembers why the connection failed; the awaited call reports it.
  watch.attach(client, () => {});
  try {
    await connectOrFail(client);
    return await work(client, options.db ?? 0);
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw toCliError(watch.error(err, op), secrets, timeoutSeconds);
  } finally {
    client.disconnect();
  }
}
