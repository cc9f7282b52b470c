/** Warm charts through Superset's REST API (`PUT /api/v1/chart/warm_up_cache`). */
import type { SupersetRestClient } from "../superset-rest.js";
import type { WarmResult, WarmTarget } from "./runner.js";
import type { WarmTask } from "./strategies.js";

/**
 * A target that asks Superset to run each chart's query with caching on (with its dashboard's
 * filters when the task names one). A chart counts as warmed when every query reports no
 * `viz_error`.
 */
export function restWarmTarget(client: SupersetRestClient): WarmTarget {
  return {
    name: "rest",
    async warm(task: WarmTask): Promise<WarmResult> {
      const results = await client.warmUpChart(task.chartId, { dashboardId: task.dashboardId });
      const errors = results
        .map((r) => r.viz_error)
        .filter((e): e is string => typeof e === "string" && e !== "");
      return errors.length > 0 ? { status: "failed", detail: errors.join("; ") } : { status: "warmed" };
    },
  };
}
