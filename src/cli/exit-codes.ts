import { SupersetCacheError } from "../core/errors.js";

/** Exit codes of the `superset-cache` command (documented in docs/cli.md). */
export const EXIT = {
  /** Success (doctor: nothing above `info`). */
  OK: 0,
  /** The key does not exist (inspect, get, delete). */
  NOT_FOUND: 1,
  /** Bad arguments, unknown command, unreadable config file. */
  USAGE: 2,
  /** Redis (or the metadata database) unreachable: connection refused, host not found, a command failed. */
  BACKEND: 3,
  /** The stored value could not be decoded or rendered. */
  DECODE: 4,
  /** doctor: at least one `warning` finding. */
  DOCTOR_WARNING: 5,
  /** doctor: at least one `critical` finding. */
  DOCTOR_CRITICAL: 6,
  /** warm: at least one chart failed to warm. */
  WARM_FAILED: 7,
  /** The server accepted the connection but did not answer within `--command-timeout`. */
  TIMEOUT: 8,
  /** The server refused the credentials (WRONGPASS) or wants some (NOAUTH). */
  AUTH: 9,
} as const;

/** An error that ends the command with `exitCode` and prints `message` to stderr. */
export class CliError extends SupersetCacheError {
  declare readonly code: "CLI_ERROR";
  /** @param options.cause the typed error behind it (e.g. a `RedisBackendError` `REDIS_COMMAND_TIMEOUT`) */
  constructor(
    readonly exitCode: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("CLI_ERROR", message, options);
  }
}
