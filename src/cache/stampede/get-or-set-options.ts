/**
 * Options of `cache.getOrSet` (and their defaults), their checked and resolved form, and the
 * companion keys the options make it use (grace copy, cross-process lock).
 */

import type { DistributedLock } from "../../backends/backend.js";
import { CacheConfigError } from "../../core/errors.js";
import type { PyValue } from "../../python/values.js";

/** Suffix of the companion key that holds the grace copy (same prefix as the entry). */
export const GRACE_KEY_SUFFIX = "::grace";
/** Suffix of the lock key (same prefix as the entry). */
export const LOCK_KEY_SUFFIX = "::lock";

/** Defaults of `GetOrSetOptions`. */
export const GET_OR_SET_DEFAULTS = {
  /** SECONDS bounding a whole call. */
  hardTimeoutSeconds: 30,
  /** MILLISECONDS between cache reads while another process holds the lock. */
  lockPollMs: 50,
  /** Grace period in SECONDS (0 = off). */
  graceSeconds: 0,
} as const;

/** The factory gets a signal that aborts at the hard timeout. */
export type GetOrSetFactory<T = PyValue> = (context: { signal: AbortSignal }) => T | Promise<T>;

export interface GetOrSetOptions {
  /** Entry timeout in SECONDS; undefined = the cache default, 0 = never expire. */
  timeout?: number | null;
  /** SECONDS after which a caller is answered with the stale copy, if one exists. Default: none. */
  softTimeoutSeconds?: number;
  /** SECONDS bounding the whole call (lock wait + factory). Default 30. */
  hardTimeoutSeconds?: number;
  /** SECONDS the last good value stays servable after its entry's timeout. Default 0 (off). */
  graceSeconds?: number;
  /** Cross-process lock; without it only in-process single flight applies. */
  lock?: DistributedLock;
  /** MILLISECONDS between cache reads while waiting for another process. Default 50. */
  lockPollMs?: number;
  /** SECONDS to wait for another process before running the factory here. Default: half the hard timeout. */
  lockWaitSeconds?: number;
  /** Skip the read and run the factory (still single flight). Default false. */
  forceRefresh?: boolean;
}

/** `GetOrSetOptions` checked, defaulted and in MILLISECONDS where the coordinator needs them. */
export interface ResolvedGetOrSetOptions {
  timeout: number | null | undefined;
  softMs: number | undefined;
  hardMs: number;
  graceSeconds: number;
  lock: DistributedLock | undefined;
  lockPollMs: number;
  lockWaitMs: number;
  forceRefresh: boolean;
}

/** MILLISECONDS per SECOND (options are in seconds, timers in ms). */
export const MS = 1000;

/** Resolved forms of frozen option objects (callers usually reuse one constant per route). */
const resolvedCache = new WeakMap<GetOrSetOptions, ResolvedGetOrSetOptions>();
/** The options of a call that passes none (frozen, so resolved once). */
export const NO_OPTIONS: GetOrSetOptions = Object.freeze({});

/**
 * `o` checked and resolved; frozen option objects are resolved once.
 * @throws CacheConfigError `GET_OR_SET_INVALID_OPTION` (path: the option) for a negative or non-finite duration
 */
export function resolveOptions(o: GetOrSetOptions): ResolvedGetOrSetOptions {
  let r = resolvedCache.get(o);
  if (!r) {
    r = computeOptions(o);
    // Only frozen objects cannot change between calls; others are resolved on every call.
    if (Object.isFrozen(o)) resolvedCache.set(o, r);
  }
  return r;
}

function computeOptions(o: GetOrSetOptions): ResolvedGetOrSetOptions {
  const hardSeconds = o.hardTimeoutSeconds ?? GET_OR_SET_DEFAULTS.hardTimeoutSeconds;
  for (const [name, v] of Object.entries({
    hardTimeoutSeconds: hardSeconds,
    softTimeoutSeconds: o.softTimeoutSeconds ?? 0,
    graceSeconds: o.graceSeconds ?? 0,
    lockWaitSeconds: o.lockWaitSeconds ?? 0,
  })) {
    if (!Number.isFinite(v) || v < 0) {
      throw new CacheConfigError("GET_OR_SET_INVALID_OPTION", name, `must be a finite number >= 0, got ${v}`);
    }
  }
  return {
    timeout: o.timeout,
    softMs: o.softTimeoutSeconds === undefined ? undefined : o.softTimeoutSeconds * MS,
    hardMs: hardSeconds * MS,
    graceSeconds: o.graceSeconds ?? GET_OR_SET_DEFAULTS.graceSeconds,
    lock: o.lock,
    lockPollMs: o.lockPollMs ?? GET_OR_SET_DEFAULTS.lockPollMs,
    lockWaitMs: (o.lockWaitSeconds ?? hardSeconds / 2) * MS,
    forceRefresh: o.forceRefresh ?? false,
  };
}
