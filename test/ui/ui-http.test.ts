/**
 * The inspector's HTTP surface without a browser: token on every request (cookie, header),
 * CSP and hardening headers, secrets never in a response, hostile keys and values escaped in the
 * JSON API, read-only unless allowWrites, decoded entries (DataFrame pages, SQL Lab payload,
 * thumbnail bytes after the magic check) over Python-written entries, and a 100 MB entry that is
 * answered at once without being fetched.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WarmTarget } from "#src/ops/warm/runner.js";
import { startUiServer, type UiServer } from "#src/ui/ui-server.js";
import {
  CHART_ROWS,
  REDIS_PASSWORD,
  SECRET_KEY,
  startUiFixture,
  THUMB_SIZE,
  type UiFixture,
} from "#test/ui/ui-fixture.js";

let fx: UiFixture;
let ro: UiServer;
let rw: UiServer;
const warmed: number[] = [];
const invalidated: string[][] = [];
const BIG_BYTES = 100 * 1024 * 1024;

// biome-ignore lint/suspicious/noExplicitAny: API replies are checked field by field
type Json = any;

const id = (key: string) => Buffer.from(key, "utf8").toString("base64url");

async function call(server: UiServer, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("x-superset-cache-token")) headers.set("x-superset-cache-token", server.token);
  return fetch(`http://127.0.0.1:${server.port}${path}`, { ...init, headers, redirect: "manual" });
}
async function json(server: UiServer, path: string): Promise<{ status: number; body: Json; text: string }> {
  const r = await call(server, path);
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text), text };
}
const post = (server: UiServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  call(server, path, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", "x-superset-cache-ui": "1", ...headers },
  });

beforeAll(async () => {
  fx = await startUiFixture("ui-http");
  const client = new Redis(fx.url);
  await client.set("superset_data_big", Buffer.alloc(BIG_BYTES, 0x61));
  await client.set("superset_data_todelete", "x");
  client.disconnect();
  const warmTarget: WarmTarget = {
    name: "fake",
    async warm(task) {
      warmed.push(task.chartId);
      return { status: "warmed" };
    },
  };
  ro = await startUiServer({ supersetConfig: fx.config as never, port: 0, sampling: { intervalSeconds: 1 } });
  rw = await startUiServer({
    supersetConfig: fx.config as never,
    port: 0,
    allowWrites: true,
    warmTarget,
    invalidate: async (uids) => {
      invalidated.push(uids);
      return { deleted: [] };
    },
  });
}, 120_000);

afterAll(async () => {
  await ro?.close();
  await rw?.close();
  await fx?.stop();
});

describe("access", () => {
  it("refuses every path without the token (401), and a wrong token", async () => {
    for (const path of ["/", "/app.js", "/api/overview", "/api/keys?cache=DATA_CACHE_CONFIG"]) {
      const r = await fetch(`http://127.0.0.1:${ro.port}${path}`);
      expect(r.status, path).toBe(401);
      expect(await r.text()).not.toContain("superset_");
    }
    const wrong = await call(ro, "/api/overview", { headers: { "x-superset-cache-token": "0".repeat(48) } });
    expect(wrong.status).toBe(401);
    expect(ro.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
  });

  it("trades ?token= for an HttpOnly SameSite=Strict cookie and a redirect that drops it", async () => {
    const r = await fetch(ro.url, { redirect: "manual" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/");
    const cookie = r.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const page = await fetch(`http://127.0.0.1:${ro.port}/`, {
      headers: { cookie: cookie.split(";")[0] as string },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/app.js"');
  });

  it("sends CSP default-src 'self' and hardening headers on every response, 401s included", async () => {
    for (const r of [
      await call(ro, "/"),
      await call(ro, "/api/overview"),
      await fetch(`http://127.0.0.1:${ro.port}/`),
    ]) {
      expect(r.headers.get("content-security-policy")).toMatch(/^default-src 'self'/);
      expect(r.headers.get("content-security-policy")).toContain("object-src 'none'");
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
    }
  });
});

describe("read API over Python-written entries", () => {
  it("overview: every named cache with backend, server (no password) and INFO numbers", async () => {
    const { body, text } = await json(ro, "/api/overview");
    const names = body.caches.map((c: { name: string }) => c.name);
    expect(names).toEqual([
      "CACHE_CONFIG",
      "DATA_CACHE_CONFIG",
      "THUMBNAIL_CACHE_CONFIG",
      "FILTER_STATE_CACHE_CONFIG",
      "EXPLORE_FORM_DATA_CACHE_CONFIG",
      "RESULTS_BACKEND",
    ]);
    const data = body.caches[1];
    expect(data.backend).toMatch(/RedisCache/);
    expect(data.server).toBe(`redis://127.0.0.1:${fx.redis.port}/0`);
    expect(data.latest.connectedClients).toBeGreaterThan(0);
    expect(data.latest.usedMemoryBytes).toBeGreaterThan(0);
    expect(data.latest.keysInDb).toBeGreaterThanOrEqual(6);
    expect(data.series.t.length).toBeGreaterThanOrEqual(1);
    expect(body.allowWrites).toBe(false);
    expect(text).not.toContain(REDIS_PASSWORD);
  });

  it("keys: SCAN pages under the prefix with TTL and size; search narrows", async () => {
    const { body } = await json(ro, "/api/keys?cache=DATA_CACHE_CONFIG");
    const keys = body.keys.map((k: { key: string }) => k.key).sort();
    expect(keys).toEqual(["superset_data_big", "superset_data_chart1", "superset_data_todelete"]);
    const chart = body.keys.find((k: { key: string }) => k.key === "superset_data_chart1");
    expect(chart.ttlSeconds).toBeGreaterThan(500);
    expect(chart.bytes).toBeGreaterThan(1000);
    const found = await json(ro, "/api/keys?cache=DATA_CACHE_CONFIG&q=chart");
    expect(found.body.keys.map((k: { key: string }) => k.key)).toEqual(["superset_data_chart1"]);
    const paged = await json(ro, "/api/keys?cache=CACHE_CONFIG&count=1");
    expect(paged.body.keys.length).toBeGreaterThanOrEqual(1);
  });

  it("a chart-data DataFrame: columns with types, first page, then any page from the server", async () => {
    const { body } = await json(ro, `/api/entry?cache=DATA_CACHE_CONFIG&key=${id(fx.keys.chart)}`);
    expect(body.kind).toBe("chart-data");
    expect(body.value.query).toBe("SELECT name, num FROM birth_names");
    const df = body.value.df.$dataframe;
    expect(df.numRows).toBe(CHART_ROWS);
    expect(df.columns.map((c: { name: string }) => c.name)).toEqual(["name", "num"]);
    expect(df.columns[1].type).toMatch(/Int64/);
    expect(df.rows.slice(0, 2)).toEqual([
      ["boy", 0],
      ["girl", 10],
    ]);
    const page = await json(
      ro,
      `/api/rows?cache=DATA_CACHE_CONFIG&key=${id(fx.keys.chart)}&path=${encodeURIComponent('["df"]')}&offset=100&limit=50`,
    );
    expect(page.body.total).toBe(CHART_ROWS);
    expect(page.body.rows.length).toBe(20);
    expect(page.body.rows[0]).toEqual(["girl", 1000]);
  });

  it("a SQL Lab results payload shows the query and its rows", async () => {
    const { body } = await json(ro, `/api/entry?cache=RESULTS_BACKEND&key=${id(fx.keys.results)}`);
    expect(body.kind).toBe("results-payload");
    expect(JSON.stringify(body.value)).toContain("SELECT id, name FROM t");
    expect(JSON.stringify(body.value)).toContain("gamma");
  });

  it("a thumbnail is served as image/png after the magic-byte check; other values are not images", async () => {
    const { body } = await json(ro, `/api/entry?cache=THUMBNAIL_CACHE_CONFIG&key=${id(fx.keys.thumbnail)}`);
    expect(body.kind).toBe("thumbnail-image");
    expect(body.value.$image.type).toBe("image/png");
    const img = await call(ro, `/api/image?cache=THUMBNAIL_CACHE_CONFIG&key=${id(fx.keys.thumbnail)}`);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await img.arrayBuffer());
    expect(bytes.readUInt32BE(16)).toBe(THUMB_SIZE.width);
    const dictShape = await json(
      ro,
      `/api/entry?cache=THUMBNAIL_CACHE_CONFIG&key=${id("superset_thumbnails_dashboard_3")}`,
    );
    expect(dictShape.body).toMatchObject({ kind: "thumbnail-image", image: { type: "image/png" } });
    const fromDict = await call(
      ro,
      `/api/image?cache=THUMBNAIL_CACHE_CONFIG&key=${id("superset_thumbnails_dashboard_3")}`,
    );
    expect(Buffer.from(await fromDict.arrayBuffer()).readUInt32BE(20)).toBe(THUMB_SIZE.height);
    const notImage = await call(ro, `/api/image?cache=DATA_CACHE_CONFIG&key=${id(fx.keys.chart)}`);
    expect(notImage.status).toBe(415);
  });

  it("filter state: the JSON text inside is returned as a string to pretty-print", async () => {
    const { body } = await json(
      ro,
      `/api/entry?cache=FILTER_STATE_CACHE_CONFIG&key=${id(fx.keys.filterState)}`,
    );
    expect(JSON.parse(body.value.value)).toMatchObject({ id: "NATIVE_FILTER-1" });
  });

  it("hostile keys and values: no raw <, > or & in JSON, terminal escapes shown as \\x1b, secrets masked", async () => {
    const list = await json(ro, "/api/keys?cache=CACHE_CONFIG&q=script");
    expect(list.text).not.toMatch(/[<>]/);
    const hostile = list.body.keys[0];
    expect(hostile.key).toBe("superset_<script>window.__pwned=1</script>\\x1b[31mred");
    const entry = await json(ro, `/api/entry?cache=CACHE_CONFIG&key=${hostile.id}`);
    expect(entry.text).not.toMatch(/[<>]/);
    expect(entry.text).not.toContain("\u001b");
    expect(entry.body.value.script).toBe("<script>window.__pwned=4</script>");
    expect(entry.body.value.terminal).toBe("\u001b]0;owned\u0007\u001b[2J");
    expect(entry.body.value.echo).toBe("***");
    const raw = await json(ro, `/api/raw?cache=CACHE_CONFIG&key=${hostile.id}`);
    expect(Buffer.from(raw.body.hex, "hex").toString("latin1")).not.toContain(REDIS_PASSWORD);
  });

  it("a 100 MB entry is answered at once (STRLEN, no GET) and the server stays responsive", async () => {
    const started = Date.now();
    const [big, overview] = await Promise.all([
      json(ro, `/api/entry?cache=DATA_CACHE_CONFIG&key=${id("superset_data_big")}`),
      json(ro, "/api/overview"),
    ]);
    expect(big.body.tooLarge).toBe(true);
    expect(big.body.bytes).toBe(BIG_BYTES);
    expect(overview.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5000);
    const raw = await json(ro, `/api/raw?cache=DATA_CACHE_CONFIG&key=${id("superset_data_big")}&length=16`);
    expect(raw.body).toMatchObject({ total: BIG_BYTES, length: 16, hex: "61".repeat(16) });
  });

  it("doctor: findings with severity and fix; no secret anywhere in any read response", async () => {
    const doctor = await json(ro, "/api/doctor");
    const findings = doctor.body.reports[0].findings as { id: string; severity: string; fix: string }[];
    expect(findings.map((f) => f.id)).toContain("NO_MAXMEMORY");
    for (const f of findings) {
      expect(["critical", "warning", "info"]).toContain(f.severity);
      if (f.severity !== "info") expect(f.fix.length, f.id).toBeGreaterThan(0);
    }
    const texts = [doctor.text];
    for (const path of ["/api/overview", "/api/keys?cache=CACHE_CONFIG", "/api/keys?cache=RESULTS_BACKEND"])
      texts.push((await json(ro, path)).text);
    for (const t of texts) {
      expect(t).not.toContain(REDIS_PASSWORD);
      expect(t).not.toContain(SECRET_KEY);
      expect(t).not.toContain(ro.token);
    }
  });
});

describe("writes", () => {
  it("read-only server: delete, invalidate and warm answer 403 and change nothing", async () => {
    for (const [path, body] of [
      ["/api/delete", { cache: "DATA_CACHE_CONFIG", key: id("superset_data_todelete") }],
      ["/api/invalidate", { datasourceUids: ["3__table"] }],
      ["/api/warm", { chartId: 7 }],
    ] as const) {
      const r = await post(ro, path, body);
      expect(r.status, path).toBe(403);
    }
    const still = await json(ro, `/api/entry?cache=DATA_CACHE_CONFIG&key=${id("superset_data_todelete")}`);
    expect(still.status).toBe(200);
  });

  it("POST without the page's header or from another origin is refused even with writes on", async () => {
    const body = { cache: "DATA_CACHE_CONFIG", key: id("superset_data_todelete") };
    const noHeader = await call(rw, "/api/delete", { method: "POST", body: JSON.stringify(body) });
    expect(noHeader.status).toBe(403);
    const foreign = await post(rw, "/api/delete", body, { origin: "http://evil.example" });
    expect(foreign.status).toBe(403);
  });

  it("--allow-writes: delete a key under the prefix, invalidate, warm a chart", async () => {
    const outside = await post(rw, "/api/delete", {
      cache: "DATA_CACHE_CONFIG",
      key: id("superset_results_q1"),
    });
    expect(outside.status).toBe(400);
    const del = await post(rw, "/api/delete", {
      cache: "DATA_CACHE_CONFIG",
      key: id("superset_data_todelete"),
    });
    expect(await del.json()).toEqual({ deleted: 1 });
    const gone = await json(rw, `/api/entry?cache=DATA_CACHE_CONFIG&key=${id("superset_data_todelete")}`);
    expect(gone.status).toBe(404);
    expect((await post(rw, "/api/invalidate", { datasourceUids: ["3__table"] })).status).toBe(200);
    expect(invalidated).toEqual([["3__table"]]);
    const warm = await post(rw, "/api/warm", { chartId: 7, dashboardId: 2 });
    expect(((await warm.json()) as { warmed: number }).warmed).toBe(1);
    expect(warmed).toEqual([7]);
  });
});
