/**
 * A warm-up target (the shape `runWarmup` in superset-cache/ops takes) that enqueues
 * Superset's own `fetch_url` task per chart, as Superset's `cache-warmup` task does: a worker
 * then PUTs `/api/v1/chart/warm_up_cache` with the given headers. The structural type keeps
 * celery/ and ops/ independent; the CLI or the caller joins them.
 */
import type { CeleryClient, SendTaskOptions } from "./client.js";
import { sendFetchUrl } from "./superset-tasks.js";

/** One chart to warm (ops' `WarmTask`). */
export interface ChartToWarm {
  chartId: number;
  dashboardId: number | null;
}

export interface FetchUrlWarmTargetOptions {
  /** `fetch_url`'s headers, e.g. `{ Cookie: "session=…", "Content-Type": "application/json" }` (Superset's). */
  headers: Readonly<Record<string, string>>;
  /** Wait for each task's result and report `warmed`/`failed` instead of `queued`. Needs a result backend. */
  waitForResults?: boolean;
  /** With `waitForResults`: MILLISECONDS per task. Default 600000 (fetch_url's own request timeout). */
  resultTimeoutMs?: number;
  /** Options of every send (queue, priority, expires). */
  sendOptions?: SendTaskOptions;
}

/**
 * A target enqueuing `fetch_url(json.dumps({"chart_id", "dashboard_id"}), headers)`.
 * Note: a session cookie in `headers` is stored in the broker in plain base64.
 */
export function fetchUrlWarmTarget(client: CeleryClient, options: FetchUrlWarmTargetOptions) {
  return {
    name: "celery",
    async warm(
      task: ChartToWarm,
    ): Promise<{ status: "warmed" | "queued" | "failed"; detail?: string; taskId?: string }> {
      const taskId = await sendFetchUrl(
        client,
        { chart_id: task.chartId, dashboard_id: task.dashboardId },
        options.headers,
        options.sendOptions,
      );
      if (!options.waitForResults) return { status: "queued", taskId };
      const r = await client.waitForResult(taskId, { timeoutMs: options.resultTimeoutMs ?? 600_000 });
      const result = r.result as Record<string, unknown> | null;
      // fetch_url returns {"success": payload, "response": …} or {"error": payload, …}.
      if (r.status === "SUCCESS" && result && typeof result === "object" && "success" in result)
        return { status: "warmed", taskId };
      const detail =
        result && typeof result === "object"
          ? String(result.exception ?? result.status_code ?? r.status)
          : r.status;
      return { status: "failed", detail, taskId };
    },
  };
}
