/**
 * The inspector as the package ships it: the CLI bundled by tsup (the bin's build settings) into
 * a scratch directory, run with node, serves the page, script and stylesheet (string modules,
 * so they are inside the bundle; nothing is read from src/ at run time), and stops cleanly on
 * SIGTERM.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_CSS } from "#src/ui/assets/app-css.js";
import { APP_JS } from "#src/ui/assets/app-js.js";
import { PAGE_HTML } from "#src/ui/assets/page-html.js";
import { REPO_ROOT } from "#test/helpers/paths.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { waitUntil } from "#test/helpers/wait-until.js";

const BUILD_TIMEOUT_MS = 120_000;
let redis: RedisServer;
let dir = "";
let child: ChildProcess;
let output = "";

beforeAll(async () => {
  redis = await RedisServer.start({ label: "ui-packaged" });
  // Inside the repository (.tmp/ is ignored) so the bundle resolves its dependencies from node_modules.
  mkdirSync(join(REPO_ROOT, ".tmp"), { recursive: true });
  dir = mkdtempSync(join(REPO_ROOT, ".tmp", "ui-bundle-"));
  const build = spawnSync(
    join(REPO_ROOT, "node_modules", ".bin", "tsup"),
    ["src/cli/bin.ts", "--format", "esm", "--target", "node20", "--out-dir", dir, "--no-config", "--silent"],
    { cwd: REPO_ROOT, encoding: "utf8", timeout: BUILD_TIMEOUT_MS },
  );
  if (build.status !== 0) throw new Error(`tsup failed: ${build.stderr}${build.stdout}`);
  child = spawn(process.execPath, [join(dir, "bin.js"), "ui", "--url", redis.url, "--port", "0"], {
    cwd: dir,
    env: { ...process.env, SUPERSET_CACHE_CONFIG: "" },
  });
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (dir) rmSync(dir, { recursive: true, force: true });
  await redis?.stop();
});

describe("superset-cache ui from the built bundle", () => {
  it("serves the shipped page, script and stylesheet behind the token, and stops on SIGTERM", async () => {
    let url: URL | undefined;
    await waitUntil("the bundled ui to print its URL", () => {
      if (child.exitCode !== null) throw new Error(`ui exited: ${output}`);
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output);
      url = m ? new URL(m[1] as string) : undefined;
      return url !== undefined;
    });
    const target = url as URL;
    const token = target.searchParams.get("token") as string;
    expect(output).toContain("read-only");
    const get = (path: string) =>
      fetch(`${target.origin}${path}`, { headers: { "x-superset-cache-token": token } });
    const [page, script, style, overview] = await Promise.all([
      get("/"),
      get("/app.js"),
      get("/app.css"),
      get("/api/overview"),
    ]);
    expect(await page.text()).toBe(PAGE_HTML);
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe(APP_JS);
    expect(await style.text()).toBe(APP_CSS);
    const caches = ((await overview.json()) as { caches: { name: string; server?: string }[] }).caches;
    // --url alone: DATA_CACHE_CONFIG on that Redis, the others as Superset's defaults leave them.
    const data = caches.find((c) => c.name === "DATA_CACHE_CONFIG");
    expect(data?.server).toBe(`redis://127.0.0.1:${redis.port}/0`);
    expect(caches.length).toBe(5);
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output).toContain("stopped (SIGTERM)");
  }, 60_000);
});
