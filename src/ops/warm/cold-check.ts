/**
 * "Cold only" warming: compute the data-cache keys of a chart from the query context Superset
 * stored with it (`slices.query_context`) and the dataset's `changed_on`, and call the chart
 * warm when every key has an entry in `DATA_CACHE_CONFIG`. An estimate: keys that depend on
 * the request (dashboard filters, RLS, Jinja `extra_cache_keys`, impersonation) are not seen
 * here, so such charts look cold and are warmed anyway; a chart without a stored query
 * context is always cold.
 */
import type { Cache } from "../../cache/cache.js";
import { PyDatetime, type PyValue } from "../../python/values.js";
import {
  type QueryObjectInput,
  type QueryObjectKeyOptions,
  queryObjectCacheKey,
} from "../../superset/query-object-key.js";
import type { MetadataDatabase } from "./metadata-database.js";
import type { ColdCheck } from "./runner.js";
import type { WarmTask } from "./strategies.js";

/** What keying one chart needs, read from `slices` and its dataset. */
export interface ChartKeyInputs {
  chartId: number;
  /** The parsed `slices.query_context`, or null when Superset stored none. */
  queryContext: {
    datasource?: { id?: number; type?: string };
    queries?: QueryObjectInput[];
    result_type?: string;
  } | null;
  /** `"{id}__{type}"` of the chart's dataset. */
  datasourceUid: string;
  /** The dataset's `changed_on` (naive UTC), null when unknown. */
  changedOn: PyDatetime | null;
}

const CHANGED_ON_TEXT = {
  postgresql: `to_char(t.changed_on, 'YYYY-MM-DD"T"HH24:MI:SS.US')`,
  mysql: `DATE_FORMAT(t.changed_on, '%Y-%m-%dT%H:%i:%s.%f')`,
} as const;

function parseNaive(text: unknown): PyDatetime | null {
  if (typeof text !== "string") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  return new PyDatetime(y, mo, d, h, mi, s, Number((m[7] ?? "").padEnd(6, "0")));
}

/** Read the keying inputs of one chart (undefined when the chart does not exist). */
export async function chartKeyInputs(
  db: MetadataDatabase,
  chartId: number,
): Promise<ChartKeyInputs | undefined> {
  const rows = await db.query(
    `SELECT s.id, s.query_context, s.datasource_id, s.datasource_type, ${CHANGED_ON_TEXT[db.dialect]} AS changed_on
     FROM slices s LEFT JOIN tables t ON t.id = s.datasource_id AND s.datasource_type = 'table'
     WHERE s.id = ?`,
    [chartId],
  );
  const row = rows[0];
  if (!row) return undefined;
  let queryContext: ChartKeyInputs["queryContext"] = null;
  if (typeof row.query_context === "string" && row.query_context !== "") {
    try {
      queryContext = JSON.parse(row.query_context) as ChartKeyInputs["queryContext"];
    } catch {
      queryContext = null;
    }
  }
  return {
    chartId,
    queryContext,
    datasourceUid: `${row.datasource_id}__${row.datasource_type}`,
    changedOn: parseNaive(row.changed_on),
  };
}

/** The chart-data keys of a chart's stored query context (empty when it has none). */
export function chartDataKeys(inputs: ChartKeyInputs, options: QueryObjectKeyOptions = {}): string[] {
  const qc = inputs.queryContext;
  if (!qc || !Array.isArray(qc.queries)) return [];
  const uid =
    qc.datasource?.id !== undefined
      ? `${qc.datasource.id}__${qc.datasource.type ?? "table"}`
      : inputs.datasourceUid;
  return qc.queries.map((q) =>
    queryObjectCacheKey(q, {
      ...options,
      datasourceUid: uid,
      changedOn: (inputs.changedOn ?? null) as PyValue,
      ...(qc.result_type !== undefined ? { resultType: qc.result_type } : {}),
    }),
  );
}

/**
 * A cold check over `dataCache` (the `DATA_CACHE_CONFIG` cache) and the metadata database.
 * @param keyOptions version and keying options (`supersetVersion`, `rls`, …) as for `queryObjectCacheKey`
 */
export function dataCacheColdCheck(
  db: MetadataDatabase,
  dataCache: Cache,
  keyOptions: QueryObjectKeyOptions = {},
): ColdCheck {
  return {
    async check(task: WarmTask) {
      const inputs = await chartKeyInputs(db, task.chartId);
      if (!inputs) return { warm: false, reason: "chart not found" };
      let keys: string[];
      try {
        keys = chartDataKeys(inputs, keyOptions);
      } catch (err) {
        return { warm: false, reason: `cannot compute its keys: ${(err as Error).message}` };
      }
      if (keys.length === 0) return { warm: false, reason: "no stored query context" };
      for (const key of keys)
        if (!(await dataCache.has(key))) return { warm: false, reason: `no entry for ${key}` };
      return { warm: true };
    },
  };
}
