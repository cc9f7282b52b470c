/**
 * Superset's cache warm-up strategies (superset/tasks/cache.py, apache/superset 6.1.0) as
 * queries on the metadata database: which charts to warm, and for which dashboard.
 *
 *   dummy              every chart
 *   top_n_dashboards   charts of the `topN` dashboards with the most `logs` rows since `since`,
 *                      each with its dashboard (so the dashboard's filters apply)
 *   dashboard_tags     charts of dashboards tagged with one of `tags`, then charts so tagged
 *
 * Differences from Superset, on purpose: results are ordered (by id; top dashboards by view
 * count), and a chart reached twice for the same dashboard is warmed once.
 */
import { sqlPlaceholders } from "../../backends/metastore/sql-database.js";
import { type Clock, systemClock } from "../../core/clock.js";
import { WarmupError } from "./errors.js";
import type { MetadataDatabase } from "./metadata-database.js";
import { naiveUtcText, parseSince } from "./since.js";

/** A strategy and its arguments, as `cache-warmup`'s kwargs name them. */
export type WarmStrategy =
  | { name: "dummy" }
  | {
      name: "top_n_dashboards";
      /** Dashboards to take. Default 5 (Superset's). */
      topN?: number;
      /** A Date or text such as `7 days ago` (Superset's default). */
      since?: Date | string;
    }
  | { name: "dashboard_tags"; tags: readonly string[] };

/** One chart to warm, with the dashboard whose filters apply (null: none). */
export interface WarmTask {
  chartId: number;
  dashboardId: number | null;
}

/** The names `strategy` accepts (Superset's `strategies` list). */
export const WARM_STRATEGY_NAMES = ["dummy", "top_n_dashboards", "dashboard_tags"] as const;

const ids = (rows: Record<string, unknown>[], column: string): number[] => rows.map((r) => Number(r[column]));

/** Those of `candidates` that are row ids of `table` (logs and tags may name deleted objects), ascending. */
async function existingIds(
  db: MetadataDatabase,
  table: "dashboards" | "slices",
  candidates: readonly number[],
): Promise<number[]> {
  if (candidates.length === 0) return [];
  const sql = `SELECT id FROM ${table} WHERE id IN (${sqlPlaceholders(candidates.length)}) ORDER BY id`;
  return ids(await db.query(sql, candidates), "id");
}

async function chartsOfDashboards(db: MetadataDatabase, dashboardIds: readonly number[]) {
  if (dashboardIds.length === 0) return [];
  return db.query(
    `SELECT ds.dashboard_id, ds.slice_id FROM dashboard_slices ds JOIN slices s ON s.id = ds.slice_id
     WHERE ds.dashboard_id IN (${sqlPlaceholders(dashboardIds.length)}) ORDER BY ds.dashboard_id, ds.slice_id`,
    dashboardIds,
  );
}

function dedupe(tasks: WarmTask[]): WarmTask[] {
  const seen = new Set<string>();
  return tasks.filter((t) => {
    const k = `${t.chartId}:${t.dashboardId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * The charts `strategy` selects, read from the metadata database.
 * @throws WarmupError `WARMUP_STRATEGY_UNKNOWN`, `WARMUP_INVALID_OPTION`, `WARMUP_METADATA_QUERY_FAILED`
 */
export async function chartsToWarm(
  db: MetadataDatabase,
  strategy: WarmStrategy,
  clock: Clock = systemClock,
): Promise<WarmTask[]> {
  switch (strategy.name) {
    case "dummy":
      return ids(await db.query("SELECT id FROM slices ORDER BY id"), "id").map((chartId) => ({
        chartId,
        dashboardId: null,
      }));
    case "top_n_dashboards": {
      const topN = strategy.topN ?? 5;
      if (!Number.isInteger(topN) || topN < 1)
        throw new WarmupError("WARMUP_INVALID_OPTION", `topN must be a positive integer, got ${topN}`);
      const since =
        strategy.since instanceof Date
          ? strategy.since
          : parseSince(strategy.since ?? "7 days ago", clock.now());
      const top = await db.query(
        `SELECT dashboard_id, COUNT(dashboard_id) AS views FROM logs
         WHERE dashboard_id IS NOT NULL AND dttm >= ? GROUP BY dashboard_id
         ORDER BY COUNT(dashboard_id) DESC, dashboard_id LIMIT ${topN}`,
        [naiveUtcText(since)],
      );
      const ranked = ids(top, "dashboard_id");
      const existing = new Set(await existingIds(db, "dashboards", ranked));
      const rows = await chartsOfDashboards(
        db,
        ranked.filter((id) => existing.has(id)),
      );
      const byDashboard = new Map<number, number[]>();
      for (const r of rows) {
        const list = byDashboard.get(Number(r.dashboard_id)) ?? [];
        list.push(Number(r.slice_id));
        byDashboard.set(Number(r.dashboard_id), list);
      }
      return ranked.flatMap((d) =>
        (byDashboard.get(d) ?? []).map((chartId) => ({ chartId, dashboardId: d })),
      );
    }
    case "dashboard_tags": {
      if (strategy.tags.length === 0) return [];
      const tagIds = ids(
        await db.query(
          `SELECT id FROM tag WHERE name IN (${sqlPlaceholders(strategy.tags.length)})`,
          strategy.tags,
        ),
        "id",
      );
      if (tagIds.length === 0) return [];
      const tagged = (type: string) =>
        db.query(
          `SELECT DISTINCT object_id FROM tagged_object WHERE object_type = ? AND tag_id IN (${sqlPlaceholders(tagIds.length)})
           ORDER BY object_id`,
          [type, ...tagIds],
        );
      const dashboardIds = ids(await tagged("dashboard"), "object_id");
      const existing = await existingIds(db, "dashboards", dashboardIds);
      // Superset warms a tagged dashboard's charts without the dashboard (no dashboard_id).
      const fromDashboards = ids(await chartsOfDashboards(db, existing), "slice_id");
      const chartIds = ids(await tagged("chart"), "object_id");
      const charts = await existingIds(db, "slices", chartIds);
      return dedupe([...fromDashboards, ...charts].map((chartId) => ({ chartId, dashboardId: null })));
    }
    default:
      throw new WarmupError(
        "WARMUP_STRATEGY_UNKNOWN",
        `unknown strategy ${JSON.stringify((strategy as { name: unknown }).name)}; expected ${WARM_STRATEGY_NAMES.join(", ")}`,
      );
  }
}
