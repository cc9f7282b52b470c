/**
 * The inspector in a real browser: `superset-cache ui` run as the CLI over a redis-server holding
 * entries Python wrote, driven through Debian's chromium headless with playwright-core (no browser
 * download). Checks what a person would see (caches on the overview, a DataFrame as a table with
 * the right cells and server-side pages, the thumbnail decoded by the browser, pretty JSON) and
 * what must not happen (a script from a key or value running, a dialog, access without the
 * token). Screenshots go to test-output/ui/ (docs/images/ui-*.png are copies).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { celeryPeer } from "#test/helpers/celery-peer.js";
import { CLI_BIN_SOURCE, REPO_ROOT } from "#test/helpers/paths.js";
import { waitUntil } from "#test/helpers/wait-until.js";
import { CHART_ROWS, startUiFixture, THUMB_SIZE, type UiFixture } from "#test/ui/ui-fixture.js";

const CHROMIUM = "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SHOTS = join(REPO_ROOT, "test-output", "ui");
if (!HAVE_CHROMIUM)
  console.warn(`skipping the inspector's browser tests: ${CHROMIUM} is missing (apt-get install chromium)`);

let fx: UiFixture;
let cli: ChildProcess;
let url = "";
let browser: Browser;
let page: Page;
const dialogs: string[] = [];

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function openKey(cache: string, keyText: string): Promise<void> {
  await page.goto(`${new URL(url).origin}/#/keys/${cache}`);
  await page.locator("#keys-table tr.key", { hasText: keyText }).first().click();
  await page.locator("#entry-key").waitFor();
}

describe.skipIf(!HAVE_CHROMIUM)("superset-cache ui in chromium", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    fx = await startUiFixture("ui-browser");
    const dir = mkdtempSync(join(tmpdir(), "superset-cache-ui-"));
    const config = join(dir, "superset_config.json");
    // A Celery broker beside the caches (db 1), holding one message Python's send_task wrote.
    const brokerUrl = fx.url.replace(/\/0$/, "/1");
    celeryPeer(
      "send",
      { tasks: [{ name: "cache-warmup", kwargs: { strategy_name: "dummy" } }] },
      { brokerUrl },
    );
    writeFileSync(config, JSON.stringify({ ...fx.config, CELERY_CONFIG: { broker_url: brokerUrl } }));
    cli = spawn(
      process.execPath,
      ["--import", "tsx", CLI_BIN_SOURCE, "ui", "--config", config, "--port", "0"],
      {
        env: { ...process.env, SUPERSET_CACHE_REDIS_URL: "" },
      },
    );
    let out = "";
    cli.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    cli.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    await waitUntil("superset-cache ui to print its URL", () => {
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (cli.exitCode !== null) throw new Error(`ui exited: ${out}`);
      if (m) url = m[1] as string;
      return m !== null;
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // No --user-data-dir: playwright-core gives every launch a fresh temporary profile.
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(url); // trade the token for the cookie
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (cli && cli.exitCode === null) {
      const exited = new Promise((resolve) => cli.once("exit", resolve));
      cli.kill("SIGTERM");
      await exited;
    }
    await fx?.stop();
  });

  it("the overview shows every named cache with its numbers and charts over time", async () => {
    // Some traffic, so the charts have something to draw.
    const client = new Redis(fx.url);
    for (let i = 0; i < 200; i++) await client.get(i % 3 ? fx.keys.chart : `superset_missing_${i}`);
    await page.goto(url);
    expect(new URL(page.url()).search).toBe(""); // the token left the address bar
    await expect.poll(() => page.locator(".cache-card").count()).toBe(7);
    const names = await page.locator(".cache-card h3").allTextContents();
    expect(names).toContain("DATA_CACHE_CONFIG");
    expect(names).toContain("RESULTS_BACKEND");
    await expect
      .poll(() => page.locator(".metric", { hasText: "hit ratio" }).first().textContent())
      .toMatch(/%/);
    // Wait for a few samples (the server reads INFO every 5 s): the charts have lines.
    await waitUntil(
      "three samples in the charts",
      async () => {
        for (let i = 0; i < 50; i++) await client.get(fx.keys.chart);
        const points = await page.locator(".cache-card polyline").first().getAttribute("points");
        return (points ?? "").trim().split(" ").length >= 3;
      },
      { timeoutMs: 40_000, intervalMs: 500 },
    );
    client.disconnect();
    await shot("overview");
  }, 90_000);

  it("a chart-data DataFrame renders as a table with the right cells, paged by the server", async () => {
    await openKey("DATA_CACHE_CONFIG", "superset_data_chart1");
    const table = page.locator(".dataframe-table");
    await table.waitFor();
    expect(await table.locator("th").allTextContents()).toEqual([
      expect.stringMatching(/^name/),
      expect.stringMatching(/^num Int64/),
    ]);
    const firstRow = await table.locator("tbody tr").first().locator("td").allTextContents();
    expect(firstRow).toEqual(["boy", "0"]);
    expect(await table.locator("tbody tr").count()).toBe(25);
    await expect.poll(() => page.locator("#value").textContent()).toContain(`of ${CHART_ROWS}`);
    await page.locator(".next-page").first().click();
    await expect
      .poll(() => table.locator("tbody tr").first().locator("td").allTextContents())
      .toEqual(["girl", "250"]);
    await page.locator(".next-page").first().click();
    await expect
      .poll(() => table.locator("tbody tr").first().locator("td").allTextContents())
      .toEqual(["<i>x</i>", "500"]);
    // A cell holding HTML shows as text.
    expect(await table.locator("td", { hasText: "<i>x</i>" }).count()).toBeGreaterThan(0);
    await shot("keys-dataframe");
  }, 60_000);

  it("the thumbnail renders as an image (decoded by the browser)", async () => {
    await openKey("THUMBNAIL_CACHE_CONFIG", "superset_thumbnails_chart_7");
    const img = page.locator("img#thumbnail");
    await img.waitFor();
    await expect
      .poll(() =>
        img.evaluate((e) => {
          const img = e as unknown as { complete: boolean; naturalWidth: number };
          return img.complete && img.naturalWidth;
        }),
      )
      .toBe(THUMB_SIZE.width);
    await shot("thumbnail");
  });

  it("a SQL Lab payload shows its query and rows; filter state as pretty JSON", async () => {
    await openKey("RESULTS_BACKEND", "superset_results_q1");
    await expect.poll(() => page.locator("#value").textContent()).toContain("SELECT id, name FROM t");
    expect(await page.locator("#value td", { hasText: "gamma" }).count()).toBeGreaterThan(0);
    await shot("sql-lab");
    await openKey("FILTER_STATE_CACHE_CONFIG", "superset_filter_fs1");
    // The JSON text inside the entry is shown parsed and indented.
    await expect.poll(() => page.locator("#value pre").textContent()).toContain('"filterState": {');
  });

  it("a Celery queue shows its messages decoded: task name, kwargs, read without consuming", async () => {
    await page.goto(`${new URL(url).origin}/#/keys/CELERY_BROKER`);
    await page.getByRole("cell", { name: "celery", exact: true }).click();
    await page.locator("#entry-key").waitFor();
    await expect.poll(() => page.locator("#entry-meta").textContent()).toContain("celery-queue");
    const table = page.locator("#value table");
    await table.waitFor();
    expect(await table.locator("th").allTextContents()).toEqual(
      expect.arrayContaining(["task", "id", "args", "kwargs", "eta", "retries", "sessionCookie"]),
    );
    expect(await table.locator("td", { hasText: /^cache-warmup$/ }).count()).toBe(1);
    expect(await table.locator("td", { hasText: "strategy_name" }).count()).toBe(1);
    expect(await page.locator("#entry-items").textContent()).toContain("showing 1 of 1 items");
    await shot("celery-queue");
  });

  it("hostile keys and values show as text: no script runs, no dialog opens", async () => {
    await page.goto(`${new URL(url).origin}/#/keys/CACHE_CONFIG`);
    await page.locator("#key-search").fill("script");
    await page.locator("#key-search").press("Enter");
    const row = page.locator("#keys-table tr.key", { hasText: "<script>" });
    await row.first().waitFor();
    expect(await row.first().locator("td").first().textContent()).toBe(
      "superset_<script>window.__pwned=1</script>\\x1b[31mred",
    );
    await row.first().click();
    await expect
      .poll(() => page.locator("#value").textContent())
      .toContain('<img src=x onerror=\\"window.__pwned=2\\">');
    await page.locator("#raw-button").click();
    await page.locator("#raw").waitFor();
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator("#value script, #value img").count()).toBe(0);
    expect(dialogs).toEqual([]);
    await shot("hostile");
  });

  it("a session key shows with its sid cut short and opens by handle; the sid never reaches the page", async () => {
    const sid = randomBytes(32).toString("base64url");
    const client = new Redis(fx.url);
    // A Flask-Session value (JSON layout) beside the caches: its name holds `session:`.
    await client.set(`superset_session:${sid}`, JSON.stringify({ _user_id: "5", _fresh: true }));
    client.disconnect();
    const seen: string[] = [];
    const listen = (r: import("playwright-core").Response) => {
      seen.push(r.url());
      void r.text().then(
        (t) => seen.push(t),
        () => {},
      );
    };
    page.on("response", listen);
    await page.goto(`${new URL(url).origin}/#/keys/CACHE_CONFIG`);
    await page.locator("#key-search").fill("session:");
    await page.locator("#key-search").press("Enter");
    await page.locator("#keys-table tr.key", { hasText: `superset_session:${sid.slice(0, 4)}…` }).click();
    await page.locator("#entry-key").waitFor();
    const cell = page.locator("#keys-table td.masked").first();
    expect(await cell.getAttribute("title")).toContain("session");
    await expect.poll(() => page.locator("#entry-meta").textContent()).toContain("flask-session");
    expect(await page.locator("#entry-key").textContent()).toBe(`superset_session:${sid.slice(0, 4)}…`);
    expect(await page.content()).not.toContain(sid);
    page.off("response", listen);
    expect(seen.length).toBeGreaterThan(0);
    const keyId = Buffer.from(`superset_session:${sid}`).toString("base64url");
    for (const text of seen) {
      expect(text).not.toContain(sid.slice(4));
      expect(text).not.toContain(keyId.slice(-40)); // the key's own id would carry the sid
    }
  });

  it("the doctor page lists findings with severity and fix", async () => {
    await page.goto(`${new URL(url).origin}/#/doctor`);
    await page.locator(".finding").first().waitFor({ timeout: 20_000 });
    const text = await page.locator("main").textContent();
    expect(text).toContain("NO_MAXMEMORY");
    expect(text).toContain("Fix:");
    await shot("doctor");
  }, 30_000);

  it("a browser without the token is refused (401)", async () => {
    const fresh = await browser.newContext();
    const p = await fresh.newPage();
    const r = await p.goto(new URL(url).origin);
    expect(r?.status()).toBe(401);
    const api = await p.goto(`${new URL(url).origin}/api/overview`);
    expect(api?.status()).toBe(401);
    await fresh.close();
  });
});
