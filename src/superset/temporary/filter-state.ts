/**
 * Dashboard native-filter state, as Superset's Create/Get/Update/DeleteFilterStateCommand
 * (superset/commands/dashboard/filter_state/*): entries `{"owner", "value"}` under
 * `"{dashboard_id};{key}"`, the contextual key `"{session_id};{tab_id};{dashboard_id}"`
 * remembering the last key of a browser tab.
 */
import { isPyDict } from "../../python/dicts.js";
import { pyEqualsScalar } from "../../python/equality.js";
import { pyTruthy } from "../../python/truthiness.js";
import type { PyValue } from "../../python/values.js";
import { temporaryCacheKey } from "./cache-key.js";
import {
  type RequestIdentity,
  refreshTimeoutOnRetrieval,
  type TemporaryCacheBackend,
  type TemporaryStoreOptions,
} from "./context.js";
import { field, filterStateEntry } from "./entries.js";
import { runTemporaryCacheCommand, TemporaryCacheAccessDeniedError } from "./errors.js";
import { randomKey } from "./random-key.js";

/**
 * Superset's `check_access(dashboard_id)`: resolve, throw `TemporaryCacheResourceNotFoundError`
 * or `TemporaryCacheAccessDeniedError`. May be async.
 */
export type DashboardAccessCheck = (
  dashboardId: number | string,
  identity: RequestIdentity,
) => void | Promise<void>;

/** Options of {@link FilterStateStore}. */
export interface FilterStateStoreOptions extends TemporaryStoreOptions {
  /** Access check run where Superset runs it. Default: allow everything (the embedding service checks). */
  checkAccess?: DashboardAccessCheck;
}

/** Typed store over `filterStateCache`. Every method may throw the errors of `./errors.ts`. */
export class FilterStateStore {
  private readonly cache: TemporaryCacheBackend;
  private readonly refresh: boolean;
  private readonly newKey: () => string;
  private readonly checkAccess: DashboardAccessCheck;

  constructor(options: FilterStateStoreOptions) {
    this.cache = options.cache;
    this.refresh = options.refreshTimeoutOnRetrieval ?? refreshTimeoutOnRetrieval(options.cache.config);
    this.newKey = options.randomKey ?? (() => randomKey(options.randomKeyBytes));
    this.checkAccess = options.checkAccess ?? (() => {});
  }

  /** The entry key: `"{dashboardId};{key}"`. */
  static entryKey(dashboardId: number | string, key: string): string {
    return temporaryCacheKey(dashboardId, key);
  }

  /** The contextual key: `"{sessionId};{tabId};{dashboardId}"` (`None` for missing parts). */
  static contextualKey(
    sessionId: string | null,
    tabId: string | null | undefined,
    dashboardId: number | string,
  ): string {
    return temporaryCacheKey(sessionId, tabId, dashboardId);
  }

  /**
   * CreateFilterStateCommand: reuse the tab's key when the contextual key has one and `tabId`
   * is truthy, else a new random key; write the entry and (always) the contextual key, both
   * with the cache's default timeout (SECONDS). Returns the key.
   * @param tabId the raw `?tab_id=` string (not converted: `"0"` is truthy, as in Python)
   */
  async create(
    identity: RequestIdentity,
    dashboardId: number | string,
    tabId: string | null | undefined,
    value: string,
  ): Promise<string> {
    return runTemporaryCacheCommand("create", async () => {
      const contextual = FilterStateStore.contextualKey(identity.sessionId, tabId, dashboardId);
      let key = await this.cache.get(contextual);
      if (!pyTruthy(key) || !tabId) key = this.newKey();
      await this.checkAccess(dashboardId, identity);
      const k = String(key);
      await this.cache.set(
        FilterStateStore.entryKey(dashboardId, k),
        filterStateEntry(identity.userId, value),
      );
      await this.cache.set(contextual, k);
      return k;
    });
  }

  /**
   * GetFilterStateCommand: the stored `value` (no owner check), or `undefined` when there is
   * no entry (Superset answers 404 for a missing or empty value). Refreshes the entry's TTL
   * when REFRESH_TIMEOUT_ON_RETRIEVAL is on (the contextual key is not refreshed).
   */
  async get(
    identity: RequestIdentity,
    dashboardId: number | string,
    key: string,
  ): Promise<PyValue | undefined> {
    return runTemporaryCacheCommand("get", async () => {
      const k = FilterStateStore.entryKey(dashboardId, key);
      await this.checkAccess(dashboardId, identity);
      const entry = await this.cache.get(k);
      if (!pyTruthy(entry)) return undefined;
      if (this.refresh) await this.cache.set(k, entry!);
      return isPyDict(entry) ? field(entry, "value") : undefined;
    });
  }

  /**
   * UpdateFilterStateCommand. Quirks kept: a missing entry returns the ORIGINAL key and writes
   * nothing; a new key is only drawn (and the contextual key only written) when the tab has
   * none or `tabId` is falsy; the old entry stays in place.
   * @throws TemporaryCacheAccessDeniedError when the entry's owner is not `identity.userId`
   */
  async update(
    identity: RequestIdentity,
    dashboardId: number | string,
    key: string,
    tabId: string | null | undefined,
    value: string,
  ): Promise<string> {
    return runTemporaryCacheCommand("update", async () => {
      await this.checkAccess(dashboardId, identity);
      const entry = await this.cache.get(FilterStateStore.entryKey(dashboardId, key));
      if (!pyTruthy(entry)) return key;
      if (!pyEqualsScalar(isPyDict(entry) ? field(entry, "owner") : undefined, identity.userId)) {
        throw new TemporaryCacheAccessDeniedError();
      }
      const contextual = FilterStateStore.contextualKey(identity.sessionId, tabId, dashboardId);
      let next = await this.cache.get(contextual);
      if (!pyTruthy(next) || !tabId) {
        next = this.newKey();
        await this.cache.set(contextual, next);
      }
      const k = String(next);
      await this.cache.set(
        FilterStateStore.entryKey(dashboardId, k),
        filterStateEntry(identity.userId, value),
      );
      return k;
    });
  }

  /**
   * DeleteFilterStateCommand: owner check, then deletes the contextual key of tab `None` (the
   * API never passes a tab id, so a tab's own contextual key survives) and the entry.
   * Returns `false` when there was no entry (Superset: 404).
   * @throws TemporaryCacheAccessDeniedError when the entry's owner is not `identity.userId`
   */
  async delete(identity: RequestIdentity, dashboardId: number | string, key: string): Promise<boolean> {
    return runTemporaryCacheCommand("delete", async () => {
      const k = FilterStateStore.entryKey(dashboardId, key);
      await this.checkAccess(dashboardId, identity);
      const entry = await this.cache.get(k);
      if (!pyTruthy(entry)) return false;
      if (!pyEqualsScalar(isPyDict(entry) ? field(entry, "owner") : undefined, identity.userId)) {
        throw new TemporaryCacheAccessDeniedError();
      }
      await this.cache.delete(FilterStateStore.contextualKey(identity.sessionId, null, dashboardId));
      return this.cache.delete(k);
    });
  }
}
