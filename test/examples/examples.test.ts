/**
 * Every example that needs no external server runs to completion (exit 0) as a user would run
 * it, so the docs' walk-throughs cannot rot (redis-large-values.ts starts its own redis-server,
 * memcached-cache.ts its own memcached).
 * chart-route.ts is a long-running HTTP server and is left out.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT as ROOT } from "#test/helpers/paths.js";

const SERVERS = new Set(["chart-route.ts"]);
const examples = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".ts") && !SERVERS.has(f));

describe("examples", () => {
  it.each(examples)("%s runs to completion", (file) => {
    const env = { ...process.env };
    // Examples switch to Redis or a database when these are set; the test runs the in-memory path.
    for (const name of Object.keys(env))
      if (name.startsWith("SUPERSET_") || name === "SQLALCHEMY_DATABASE_URI") delete env[name];
    // The examples import `superset-cache`; this condition resolves that to src/ (no build needed).
    const args = ["--conditions=superset-cache-source", "--import", "tsx", join("examples", file)];
    const r = spawnSync(process.execPath, args, {
      cwd: ROOT,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status, `${file} failed:\n${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
  });
});
