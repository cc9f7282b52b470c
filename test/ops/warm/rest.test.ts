/**
 * Warming through Superset's REST API against a stand-in HTTP server (no Superset here, so this
 * checks what we send and how answers count): one login and CSRF fetch for the whole run, the
 * warm-up bodies Superset's schemas take, the concurrency limit, progress events and the summary.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupersetRestClient } from "#src/ops/superset-rest.js";
import { restWarmTarget } from "#src/ops/warm/rest-target.js";
import { runWarmup, type WarmProgressEvent } from "#src/ops/warm/runner.js";

interface Seen {
  method: string;
  url: string;
  body: unknown;
  csrf: string | undefined;
  cookie: string | undefined;
}
const seen: Seen[] = [];
let inFlight = 0;
let maxInFlight = 0;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => {
      text += d.toString();
    });
    req.on("end", () => {
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        body,
        csrf: req.headers["x-csrftoken"] as string | undefined,
        cookie: req.headers.cookie,
      });
      res.setHeader("Content-Type", "application/json");
      if (req.url === "/api/v1/security/login") return res.end('{"access_token":"jwt"}');
      if (req.url === "/api/v1/security/csrf_token/") {
        res.setHeader("Set-Cookie", "session=s1; HttpOnly; Path=/");
        return res.end('{"result":"csrf"}');
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const id = Number((body as { chart_id?: number } | undefined)?.chart_id ?? 0);
      setTimeout(() => {
        inFlight--;
        if (id > 0 && id % 7 === 0) {
          res.statusCode = 500;
          return res.end('{"message":"boom"}');
        }
        const error = id % 5 === 0 ? `"Error: no table ${id}"` : "null";
        res.end(
          `{"result":[{"chart_id":${id},"viz_error":${error},"viz_status":"${error === "null" ? "success" : "failed"}"}]}`,
        );
      }, 5);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe("REST warm-up", () => {
  it("logs in once, PUTs Superset's bodies with CSRF, never exceeds the concurrency, and counts outcomes", async () => {
    seen.length = 0;
    maxInFlight = 0;
    const client = new SupersetRestClient({ baseUrl: base, username: "admin", password: "admin" });
    const tasks = Array.from({ length: 24 }, (_, i) => ({ chartId: i + 1, dashboardId: i % 2 ? 3 : null }));
    const events: WarmProgressEvent[] = [];
    const summary = await runWarmup(tasks, restWarmTarget(client), {
      concurrency: 3,
      onProgress: (e) => events.push(e),
    });
    expect(seen.slice(0, 2).map((s) => s.url)).toEqual([
      "/api/v1/security/login",
      "/api/v1/security/csrf_token/",
    ]);
    const puts = seen.filter((s) => s.method === "PUT");
    expect(puts).toHaveLength(24);
    expect(seen.filter((s) => s.url === "/api/v1/security/login")).toHaveLength(1);
    for (const p of puts) {
      expect(p.url).toBe("/api/v1/chart/warm_up_cache");
      expect(p.csrf).toBe("csrf");
      expect(p.cookie).toBe("session=s1");
    }
    expect(puts.find((p) => (p.body as { chart_id: number }).chart_id === 2)?.body).toEqual({
      chart_id: 2,
      dashboard_id: 3,
    });
    expect(puts.find((p) => (p.body as { chart_id: number }).chart_id === 1)?.body).toEqual({ chart_id: 1 });
    expect(maxInFlight).toBe(3);
    // 7, 14, 21 answer 500; 5, 10, 15, 20 report a viz_error (35 would be both).
    expect(summary).toMatchObject({
      target: "rest",
      total: 24,
      warmed: 17,
      failed: 7,
      skipped: 0,
      queued: 0,
    });
    expect(summary.outcomes.find((o) => o.task.chartId === 5)?.detail).toBe("Error: no table 5");
    expect(summary.outcomes.find((o) => o.task.chartId === 7)?.detail).toMatch(/500/);
    expect(events[0]).toEqual({ type: "start", total: 24, done: 0 });
    expect(events.at(-1)).toEqual({ type: "end", total: 24, done: 24 });
    expect(events.filter((e) => e.type === "chart").map((e) => e.done)).toEqual(tasks.map((_, i) => i + 1));
  });

  it("warmUpDataset sends db_name and table_name; a given token still fetches the CSRF token once", async () => {
    seen.length = 0;
    const client = new SupersetRestClient({ baseUrl: base, accessToken: "given" });
    await client.warmUpDataset("examples", "birth_names", { dashboardId: 4 });
    await client.warmUpChart(9);
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /api/v1/security/csrf_token/",
      "PUT /api/v1/dataset/warm_up_cache",
      "PUT /api/v1/chart/warm_up_cache",
    ]);
    expect(seen[1]!.body).toEqual({ db_name: "examples", table_name: "birth_names", dashboard_id: 4 });
  });

  it("for any task list and concurrency, every task gets one outcome in order and the counts add up", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 8 }),
        async (ids, concurrency) => {
          let running = 0;
          let peak = 0;
          const summary = await runWarmup(
            ids.map((chartId) => ({ chartId, dashboardId: null })),
            {
              name: "fake",
              warm: async ({ chartId }) => {
                running++;
                peak = Math.max(peak, running);
                await new Promise((r) => setTimeout(r, chartId % 3));
                running--;
                if (chartId % 4 === 0) throw new Error("thrown");
                return { status: chartId % 2 ? "warmed" : "queued" };
              },
            },
            { concurrency, coldCheck: { check: async ({ chartId }) => ({ warm: chartId % 9 === 0 }) } },
          );
          expect(summary.outcomes.map((o) => o.task.chartId)).toEqual(ids);
          expect(summary.warmed + summary.queued + summary.failed + summary.skipped).toBe(ids.length);
          expect(summary.skipped).toBe(ids.filter((i) => i % 9 === 0).length);
          expect(peak).toBeLessThanOrEqual(concurrency);
        },
      ),
      { numRuns: 60 },
    );
    await expect(
      runWarmup([], { name: "x", warm: async () => ({ status: "warmed" }) }, { concurrency: 0 }),
    ).rejects.toMatchObject({
      code: "WARMUP_INVALID_OPTION",
    });
  });
});
