/**
 * Explore form data, as Superset's Create/Get/Update/DeleteFormDataCommand
 * (superset/commands/explore/form_data/*) over `ExploreFormDataCache`: states under the bare
 * key, the contextual key `"{session_id};{tab_id};{datasource_id};{chart_id};{datasource_type}"`.
 */

import { stdlibJsonLoads } from "../../codecs/json/stdlib-decode.js";
import { isPyDict } from "../../python/dicts.js";
import { pyEqualsScalar } from "../../python/equality.js";
import { pyTruthy } from "../../python/truthiness.js";
import type { PyValue } from "../../python/values.js";
import { DatasourceTypeMember, type EnumStrStyle, temporaryCacheKey } from "./cache-key.js";
import {
  type RequestIdentity,
  refreshTimeoutOnRetrieval,
  type TemporaryCacheBackend,
  type TemporaryStoreOptions,
} from "./context.js";
import {
  type DatasourceTypeEncoding,
  datasourceTypeValue,
  type ExploreState,
  exploreState,
  field,
  fixLegacyExploreValue,
  storedDatasourceType,
} from "./entries.js";
import {
  runTemporaryCacheCommand,
  TemporaryCacheAccessDeniedError,
  TemporaryCacheInvalidJsonError,
} from "./errors.js";
import { randomKey } from "./random-key.js";

/** Superset's `explore.utils.check_access(datasource_id, chart_id, datasource_type)`; may be async. */
export type ExploreAccessCheck = (
  target: { datasourceId: number | string; chartId: number | null; datasourceType: string },
  identity: RequestIdentity,
) => void | Promise<void>;

/** Options of {@link ExploreFormDataStore}. */
export interface ExploreFormDataStoreOptions extends TemporaryStoreOptions {
  /** Access check run where Superset runs it. Default: allow everything. */
  checkAccess?: ExploreAccessCheck;
  /**
   * How the contextual key of DELETE renders the stored datasource type, which Superset passes
   * as a `DatasourceType` member: `"value"` (`table`, Python ≥ 3.11, default) or `"qualified"`
   * (`DatasourceType.TABLE`, Python 3.10). Create/update use the request's plain string.
   */
  enumStrStyle?: EnumStrStyle;
  /**
   * How new states store `datasource_type`: `"enum"` (default) pickles exactly as Superset's
   * `DatasourceType` member and JSON-encodes as the value; `"string"` stores the plain value
   * (readable by Python without Superset installed; Superset re-wraps it with `DatasourceType(...)`).
   */
  datasourceTypeEncoding?: DatasourceTypeEncoding;
}

/** The request fields of create/update (Superset's `CommandParameters`). */
export interface ExploreFormDataInput {
  datasourceId: number | string;
  /** `table`, `dataset`, `query`, `saved_query` or `view`. */
  datasourceType: string;
  chartId?: number | null;
  /** The raw `?tab_id=` string; `"0"` is truthy, as in Python. */
  tabId?: string | null;
  /** JSON text; validated when non-empty. */
  formData: string;
}

/** Typed store over `exploreFormDataCache`. Every method may throw the errors of `./errors.ts`. */
export class ExploreFormDataStore {
  private readonly cache: TemporaryCacheBackend;
  private readonly refresh: boolean;
  private readonly newKey: () => string;
  private readonly checkAccess: ExploreAccessCheck;
  private readonly enumStyle: EnumStrStyle;
  private readonly typeEncoding: DatasourceTypeEncoding;

  constructor(options: ExploreFormDataStoreOptions) {
    this.cache = options.cache;
    this.refresh = options.refreshTimeoutOnRetrieval ?? refreshTimeoutOnRetrieval(options.cache.config);
    this.newKey = options.randomKey ?? (() => randomKey(options.randomKeyBytes));
    this.checkAccess = options.checkAccess ?? (() => {});
    this.enumStyle = options.enumStrStyle ?? "value";
    this.typeEncoding = options.datasourceTypeEncoding ?? "enum";
  }

  /** The contextual key; `datasourceType` is a plain string unless a `DatasourceTypeMember` is given. */
  static contextualKey(
    sessionId: string | null,
    tabId: string | null | undefined,
    datasourceId: number | string,
    chartId: number | null | undefined,
    datasourceType: string | DatasourceTypeMember,
  ): string {
    return temporaryCacheKey(sessionId, tabId, datasourceId, chartId, datasourceType);
  }

  /** `ExploreFormDataCache.get`: the cached value with the legacy fix-up applied. */
  async read(key: string): Promise<PyValue | undefined> {
    const value = await this.cache.get(key);
    return fixLegacyExploreValue(value, pyTruthy(value), this.typeEncoding);
  }

  /**
   * CreateFormDataCommand. Writes the state and the contextual key (default timeout, SECONDS)
   * only when `formData` is non-empty; returns the key either way.
   * @throws TemporaryCacheInvalidJsonError when `formData` is not JSON
   */
  async create(identity: RequestIdentity, input: ExploreFormDataInput): Promise<string> {
    validateJson(input.formData);
    return runTemporaryCacheCommand("create", async () => {
      const chartId = input.chartId ?? null;
      const datasourceType = datasourceTypeValue(input.datasourceType);
      await this.checkAccess({ datasourceId: input.datasourceId, chartId, datasourceType }, identity);
      const contextual = ExploreFormDataStore.contextualKey(
        identity.sessionId,
        input.tabId,
        input.datasourceId,
        chartId,
        input.datasourceType,
      );
      let key = await this.read(contextual);
      if (!pyTruthy(key) || !input.tabId) key = this.newKey();
      const k = String(key);
      if (input.formData) {
        const state = exploreState(
          identity.userId,
          input.datasourceId,
          storedDatasourceType(datasourceType, this.typeEncoding),
          chartId,
          input.formData,
        );
        await this.cache.set(k, state);
        await this.cache.set(contextual, k);
      }
      return k;
    });
  }

  /**
   * GetFormDataCommand: the stored `form_data`, or `undefined` when missing. Access is checked
   * against the STORED ids; the (fixed-up) state is re-set when REFRESH_TIMEOUT_ON_RETRIEVAL is on.
   */
  async get(identity: RequestIdentity, key: string): Promise<PyValue | undefined> {
    return runTemporaryCacheCommand("get", async () => {
      const state = await this.read(key);
      if (!pyTruthy(state) || !isPyDict(state)) return undefined;
      const target = storedTarget(state);
      await this.checkAccess(target, identity);
      if (this.refresh) await this.cache.set(key, state);
      return field(state, "form_data");
    });
  }

  /**
   * UpdateFormDataCommand: access checked on the REQUEST's ids; a missing state or empty
   * `formData` returns the original key unchanged.
   * @throws TemporaryCacheAccessDeniedError when the state's owner is not `identity.userId`
   */
  async update(identity: RequestIdentity, key: string, input: ExploreFormDataInput): Promise<string> {
    validateJson(input.formData);
    return runTemporaryCacheCommand("update", async () => {
      const chartId = input.chartId ?? null;
      const datasourceType = datasourceTypeValue(input.datasourceType);
      await this.checkAccess({ datasourceId: input.datasourceId, chartId, datasourceType }, identity);
      const state = await this.read(key);
      if (!pyTruthy(state) || !input.formData) return key;
      if (!pyEqualsScalar(isPyDict(state) ? field(state, "owner") : undefined, identity.userId)) {
        throw new TemporaryCacheAccessDeniedError();
      }
      const contextual = ExploreFormDataStore.contextualKey(
        identity.sessionId,
        input.tabId,
        input.datasourceId,
        chartId,
        input.datasourceType,
      );
      let next = await this.read(contextual);
      if (!pyTruthy(next) || !input.tabId) {
        next = this.newKey();
        await this.cache.set(contextual, next);
      }
      const k = String(next);
      const newState = exploreState(
        identity.userId,
        input.datasourceId,
        storedDatasourceType(datasourceType, this.typeEncoding),
        chartId,
        input.formData,
      );
      await this.cache.set(k, newState);
      return k;
    });
  }

  /**
   * DeleteFormDataCommand: access on the STORED ids, owner check, deletes the contextual key of
   * tab `None` and the state. `false` when there was no state (Superset: 404).
   * @throws TemporaryCacheAccessDeniedError when the state's owner is not `identity.userId`
   */
  async delete(identity: RequestIdentity, key: string): Promise<boolean> {
    return runTemporaryCacheCommand("delete", async () => {
      const state = await this.read(key);
      if (!pyTruthy(state) || !isPyDict(state)) return false;
      const target = storedTarget(state);
      await this.checkAccess(target, identity);
      if (!pyEqualsScalar(field(state, "owner"), identity.userId))
        throw new TemporaryCacheAccessDeniedError();
      const contextual = ExploreFormDataStore.contextualKey(
        identity.sessionId,
        null,
        target.datasourceId,
        target.chartId,
        new DatasourceTypeMember(target.datasourceType, this.enumStyle),
      );
      await this.cache.delete(contextual);
      return this.cache.delete(key);
    });
  }
}

/** The ids a stored state points at (Superset reads them with `state["…"]`). */
function storedTarget(state: { [key: string]: PyValue } | Map<PyValue, PyValue>): {
  datasourceId: number | string;
  chartId: number | null;
  datasourceType: string;
} {
  return {
    datasourceId: field(state, "datasource_id") as number | string,
    chartId: (field(state, "chart_id") ?? null) as number | null,
    datasourceType: datasourceTypeValue(field(state, "datasource_type")),
  };
}

/** Superset's `validate_json`: non-empty text must parse (NaN/Infinity refused, as its loads does). */
function validateJson(text: string): void {
  if (!text) return;
  try {
    stdlibJsonLoads(new TextEncoder().encode(text), { allowNan: false });
  } catch (cause) {
    throw new TemporaryCacheInvalidJsonError({ cause });
  }
}

export type { ExploreState };
