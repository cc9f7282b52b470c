/**
 * `superset-cache warm` as a user runs it (node --import tsx src/cli/bin.ts) against a
 * PostgreSQL test database: a dry run lists the strategy's charts, `--via rest` warms them on a
 * stand-in Superset (progress lines on stderr, summary and exit code), `--via celery` enqueues
 * Superset's fetch_url tasks on a test redis-server, which peek reads back (cookie flagged).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CeleryClient } from "#src/celery/index.js";
import { type ChildRun, runChild } from "#test/helpers/child-run.js";
import { createTestDatabase, serverAvailable, type TestDatabase } from "#test/helpers/metastore-databases.js";
import { CLI_BIN_SOURCE } from "#test/helpers/paths.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const available = serverAvailable("postgresql");
let db: TestDatabase;
let redis: RedisServer;
let http: Server;
let superset: string;
const warmed: unknown[] = [];

function cli(args: string[], env: Record<string, string> = {}): Promise<ChildRun> {
  return runChild(process.execPath, ["--import", "tsx", CLI_BIN_SOURCE, "warm", ...args], {
    env: { ...process.env, SUPERSET_CACHE_DATABASE_URI: db.uri, ...env },
  });
}

beforeAll(async () => {
  if (!available) return;
  db = createTestDatabase("postgresql");
  db.sql(`CREATE TABLE slices (id SERIAL PRIMARY KEY, query_context TEXT, datasource_id INTEGER, datasource_type VARCHAR(200));
    CREATE TABLE dashboards (id SERIAL PRIMARY KEY);
    CREATE TABLE dashboard_slices (id SERIAL PRIMARY KEY, dashboard_id INTEGER, slice_id INTEGER);
    CREATE TABLE logs (id SERIAL PRIMARY KEY, dashboard_id INTEGER, dttm TIMESTAMP);
    INSERT INTO slices (id) VALUES (1), (2), (3);
    INSERT INTO dashboards (id) VALUES (5);
    INSERT INTO dashboard_slices (dashboard_id, slice_id) VALUES (5, 2), (5, 3);
    INSERT INTO logs (dashboard_id, dttm) VALUES (5, now() AT TIME ZONE 'utc');`);
  redis = await RedisServer.start({ label: "cli-warm" });
  http = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => {
      text += d.toString();
    });
    req.on("end", () => {
      res.setHeader("Content-Type", "application/json");
      if (req.url === "/api/v1/security/csrf_token/") return res.end('{"result":"t"}');
      const body = JSON.parse(text) as { chart_id: number };
      warmed.push(body);
      if (body.chart_id === 3) {
        res.statusCode = 400;
        return res.end('{"message":"Chart not found"}');
      }
      res.end(`{"result":[{"chart_id":${body.chart_id},"viz_error":null,"viz_status":"success"}]}`);
    });
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  superset = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  db?.drop();
  await redis?.stop();
  await new Promise((r) => (http ? http.close(r) : r(undefined)));
});

describe.skipIf(!available)("superset-cache warm", () => {
  it("--dry-run lists the charts of the strategy", async () => {
    const r = await cli(["--strategy", "top_n_dashboards", "--top-n", "1", "--dry-run", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).tasks).toEqual([
      { chartId: 2, dashboardId: 5 },
      { chartId: 3, dashboardId: 5 },
    ]);
    const bad = await cli(["--strategy", "dashboard_tags"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tag");
  });

  it("--via rest warms each chart, prints one progress line per chart and exits 7 when one failed", async () => {
    const r = await cli(
      ["--strategy", "dummy", "--via", "rest", "--superset-url", superset, "--concurrency", "2"],
      {
        SUPERSET_CACHE_ACCESS_TOKEN: "jwt",
      },
    );
    expect(r.code, r.stderr).toBe(7);
    expect(r.stdout.trim()).toMatch(/^3 charts via rest: 2 warmed, 0 queued, 1 failed, 0 skipped/);
    expect(r.stderr).toContain("chart 1: warmed");
    expect(r.stderr).toMatch(/chart 3: failed - warm_up_cache failed: 400/);
    expect(warmed).toHaveLength(3);
  });

  it("--via celery enqueues Superset's fetch_url tasks, with the cookie the broker then holds", async () => {
    const r = await cli(
      [
        "--strategy",
        "top_n_dashboards",
        "--via",
        "celery",
        "--broker-url",
        `${redis.url}/0`,
        "--global-keyprefix",
        "p:",
      ],
      { SUPERSET_CACHE_SESSION_COOKIE: "abc.def" },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/2 charts via celery: 0 warmed, 2 queued/);
    const client = new CeleryClient({
      brokerUrl: `${redis.url}/0`,
      transportOptions: { globalKeyPrefix: "p:" },
    });
    try {
      const queued = (await client.peek()).map((e) => (e.ok ? e.message : null));
      expect(queued.map((m) => [m?.task, m?.args, m?.carriesSessionCookie])).toEqual([
        [
          "fetch_url",
          [
            '{"chart_id": 2, "dashboard_id": 5}',
            { Cookie: "session=abc.def", "Content-Type": "application/json" },
          ],
          true,
        ],
        [
          "fetch_url",
          [
            '{"chart_id": 3, "dashboard_id": 5}',
            { Cookie: "session=abc.def", "Content-Type": "application/json" },
          ],
          true,
        ],
      ]);
    } finally {
      await client.close();
    }
  });
});
