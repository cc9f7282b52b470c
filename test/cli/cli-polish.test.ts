/**
 * What the CLI prints for a first-hour user, against a redis-server holding a chart-data entry
 * pickled by Python (pandas DataFrame with a timestamp column): `inspect` shows timestamps as ISO
 * and escapes terminal sequences in keys, `keys` labels groups by the config's cache names without
 * `--prefix`, `stats` rounds the hit ratio, `doctor` prints no empty fix lines, names host:port
 * and warns about a prefix one separator off.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "#test/helpers/cli-run.js";
import { debianPython } from "#test/helpers/python.js";
import { RedisServer } from "#test/helpers/redis-server.js";

const CHART_PICKLE = `
import pickle, sys, datetime, pandas as pd
df = pd.DataFrame({"__timestamp": pd.to_datetime(["2024-01-15 10:30:00.123456", "2024-01-16"]), "SUM(num)": [3, 4]})
sys.stdout.write((b"!" + pickle.dumps({"df": df, "query": "SELECT 1", "dttm": datetime.datetime(2024, 1, 15, 10, 30)}, 4)).hex())
`;
const ESC_KEY = "superset_data_\x1b]0;pwned\x07x";

let server: RedisServer;
let config: string;

beforeAll(async () => {
  server = await RedisServer.start({ label: "cli-polish" });
  const py = spawnSync(debianPython(), ["-c", CHART_PICKLE], { encoding: "utf8" });
  expect(py.status).toBe(0);
  const client = new Redis(server.port, server.host);
  try {
    await client.set("superset_data_chart1", Buffer.from(py.stdout, "hex"));
    await client.set(ESC_KEY, Buffer.from(py.stdout, "hex"));
    await client.set("superset_meta_1", "1");
    // "!" + pickle of `l = []; l.append(l)`
    await client.set("superset_cycle", Buffer.from("2180025d71006800612e", "hex"));
    await client.set("flask_cache_filter1", "1");
    // One hit, two misses: a ratio of 1/3.
    await client.get("superset_meta_1");
    await client.get("missing1");
    await client.get("missing2");
  } finally {
    client.disconnect();
  }
  const dir = mkdtempSync(join(tmpdir(), "superset-cache-cli-polish-"));
  config = join(dir, "superset_config.json");
  writeFileSync(
    config,
    JSON.stringify({
      CACHE_CONFIG: {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_URL: `${server.url}/0`,
        CACHE_KEY_PREFIX: "superset_meta_",
      },
      DATA_CACHE_CONFIG: {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_URL: `${server.url}/0`,
        CACHE_KEY_PREFIX: "superset_data_",
      },
      // No CACHE_KEY_PREFIX: Flask-Caching's default flask_cache_.
      FILTER_STATE_CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${server.url}/0` },
    }),
  );
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe("CLI output", () => {
  it("inspect: DataFrame timestamps and datetimes as ISO, each column once", async () => {
    const r = await runCli(["inspect", "superset_data_chart1", "--url", server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2024-01-15T10:30:00.123456");
    expect(r.stdout).toContain("2024-01-16T00:00:00");
    expect(r.stdout).toContain('"value": "2024-01-15T10:30:00"');
    expect(r.stdout).not.toMatch(/1705314600/);
    expect(r.stdout.match(/__timestamp/g)).toHaveLength(1);
  });

  it("inspect: a self-referencing list prints a cycle marker and exits 0 (no stack trace, no Redis exit code)", async () => {
    const r = await runCli(["inspect", "superset_cycle", "--url", server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"$cycle": true');
    expect(r.stderr).toBe("");
  });

  it("inspect: escape sequences in the key print escaped", async () => {
    const r = await runCli(["inspect", ESC_KEY, "--url", server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain("\x1b");
    expect(r.stdout).not.toContain("\x07");
    expect(r.stdout).toContain("superset_data_\\x1b]0;pwned\\x07x");
  });

  it("keys: groups named by the config's caches without --prefix (default prefix included)", async () => {
    const r = await runCli(["keys", "--config", config, "--json"]);
    expect(r.code).toBe(0);
    const groups = JSON.parse(r.stdout).groups as { name: string; prefix: string; keys: number }[];
    const byPrefix = Object.fromEntries(groups.map((g) => [g.prefix, g]));
    expect(byPrefix.superset_data_).toMatchObject({ name: "DATA_CACHE_CONFIG", keys: 2 });
    expect(byPrefix.superset_meta_).toMatchObject({ name: "CACHE_CONFIG", keys: 1 });
    expect(byPrefix.flask_cache_).toMatchObject({ name: "FILTER_STATE_CACHE_CONFIG", keys: 1 });
    const text = await runCli(["keys", "--config", config]);
    expect(text.stdout).toMatch(/DATA_CACHE_CONFIG\s+superset_data_\s+2/);
  });

  it("stats: the hit ratio is rounded (JSON 4 places, text a percentage)", async () => {
    const json = JSON.parse((await runCli(["stats", "--url", server.url, "--json"])).stdout);
    const ratio = json.keyspaceHits / (json.keyspaceHits + json.keyspaceMisses);
    expect(json.hitRatio).toBe(Number(ratio.toFixed(4)));
    expect(String(json.hitRatio).length).toBeLessThanOrEqual(6);
    const text = (await runCli(["stats", "--url", server.url])).stdout;
    expect(text).toMatch(/hitRatio\s+\d+\.\d%/);
  });

  it("doctor: host:port in the header, no empty fix lines, a prefix one separator off is flagged", async () => {
    const near = join(mkdtempSync(join(tmpdir(), "superset-cache-cli-polish-")), "config.json");
    writeFileSync(
      near,
      JSON.stringify({
        DATA_CACHE_CONFIG: {
          CACHE_TYPE: "RedisCache",
          CACHE_REDIS_URL: server.url,
          CACHE_KEY_PREFIX: "superset_data",
        },
      }),
    );
    const r = await runCli(["doctor", "--config", near, "--window-ms", "0"]);
    expect(r.stdout).toContain(`at 127.0.0.1:${server.port} db 0`);
    expect(r.stdout).not.toMatch(/fix: None/);
    expect(r.stdout).not.toMatch(/fix:\s*$/m);
    expect(r.stdout).toContain("PREFIX_NEAR_MISS");
    expect(r.stdout).toContain('"superset_data_"');
    expect(r.code).toBe(6); // noeviction with caches: critical
  });
});
