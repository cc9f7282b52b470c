/**
 * Typed errors of the Memcached backends. `transient` is `true` when a server is unreachable or
 * slow (counted by the circuit breaker), `false` for refused credentials and oversized values.
 */
import type { MemcachedBackendErrorCode } from "../../core/error-codes/index.js";
import { CacheBackendError } from "../../core/errors.js";

/** A Memcached backend failure with a stable `code` and whether it signals an unavailable server. */
export class MemcachedBackendError extends CacheBackendError {
  declare readonly code: MemcachedBackendErrorCode;
  /** `true` when the server is unreachable, slow or down (worth retrying later, counted by breakers). */
  readonly transient: boolean;

  constructor(code: MemcachedBackendErrorCode, message: string, transient: boolean) {
    super(code, "memcached", message);
    this.transient = transient;
  }
}

/** The Memcached codes by name; listed in the error catalogue (core/error-codes). */
export const MemcachedErrorCode = {
  /** No connection (refused, reset, closed, server marked dead). */
  connection: "MEMCACHED_CONNECTION",
  /** No reply within the command or connect timeout. */
  timeout: "MEMCACHED_TIMEOUT",
  /** SASL authentication was refused. */
  auth: "MEMCACHED_AUTH_FAILED",
  /** The server answered with an unexpected status or broke the protocol. */
  reply: "MEMCACHED_REPLY_ERROR",
  /** A value the server refused as too large, or a spread value needing more than 32 chunks. */
  valueTooLarge: "MEMCACHED_VALUE_TOO_LARGE",
  /** The backend was closed. */
  closed: "MEMCACHED_CLOSED",
} as const satisfies Record<string, MemcachedBackendErrorCode>;
