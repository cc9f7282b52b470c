/**
 * The `superset-cache` CLI run as a subprocess (node --import tsx src/cli/bin.ts) against a
 * redis-server holding entries written by Python: Flask-Caching RedisCache (dicts, a pandas
 * DataFrame, ints), SQL Lab results payloads and thumbnails as Superset stores them
 * (python/peer/results_peer.py). Output and exit codes are checked.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromArrays } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChildRun, runChild } from "#test/helpers/child-run.js";
import { CLI_BIN_SOURCE } from "#test/helpers/paths.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { pythonStoresResults, pythonStoresThumbnail } from "#test/helpers/results-peer-client.js";

const BIN = CLI_BIN_SOURCE;
const PREFIX = "superset_";
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 1, 144, 0, 0, 0, 200, 8,
  6,
]);

let server: RedisServer;
let peer: FlaskPeer;

function cli(args: string[], env: Record<string, string> = {}): Promise<ChildRun> {
  return runChild(process.execPath, ["--import", "tsx", BIN, ...args], {
    env: { ...process.env, SUPERSET_CACHE_REDIS_URL: server.url, ...env },
  });
}

beforeAll(async () => {
  server = await RedisServer.start({ label: "cli" });
  peer = await FlaskPeer.start();
  await peer.open({ CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: server.url, CACHE_KEY_PREFIX: PREFIX });
  await peer.call("set", {
    key: "chart1",
    value: {
      df: {
        $dataframe: {
          columns: ["name", "num"],
          index: [0, 1],
          dtypes: { name: "object", num: "int64" },
          data: [
            ["boy", 10],
            ["girl", 20],
          ],
        },
      },
      query: "SELECT name, num FROM t",
      dttm: null,
    },
    timeout: 600,
  });
  await peer.call("set", { key: "plain", value: { a: [1, 2.5, "x"], b: null } });
  await peer.call("set", { key: "counter", value: 7 });
  const table = tableFromArrays({ id: Int32Array.from([1, 2]), name: ["a", "b"] });
  pythonStoresResults(server, "abc", table, "SELECT 1");
  pythonStoresThumbnail(server, "t1", "bytes", PNG);
}, 60_000);

afterAll(async () => {
  await peer?.close();
  await server?.stop();
});

describe("superset-cache CLI over entries Python wrote", () => {
  it("inspect: a chart-data entry with a DataFrame prints as a table; --json gives rows", async () => {
    const text = await cli(["inspect", `${PREFIX}chart1`]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("chart-data (flask-caching-pickle");
    expect(text.stdout).toMatch(/DataFrame 2 rows × 2 columns/);
    expect(text.stdout).toMatch(/boy\s+10/);
    expect(text.stdout).toMatch(/girl\s+20/);
    const json = await cli(["inspect", `${PREFIX}chart1`, "--json"]);
    const out = JSON.parse(json.stdout);
    expect(out.kind).toBe("chart-data");
    expect(out.ttlSeconds).toBeGreaterThan(500);
    expect(out.value.query).toBe("SELECT name, num FROM t");
    expect(out.value.df.$dataframe.rows).toEqual([
      ["boy", 10],
      ["girl", 20],
    ]);
  }, 60_000);

  it("inspect: results payload, thumbnail image, Flask-Caching-pickled int; missing key exits 1", async () => {
    const [results, thumb, counter, missing] = await Promise.all([
      cli(["inspect", "superset_results_abc", "--json"]),
      cli(["inspect", "superset_thumbnails_t1", "--json"]),
      cli(["inspect", `${PREFIX}counter`, "--json"]),
      cli(["inspect", "nope"]),
    ]);
    const r = JSON.parse(results.stdout);
    expect(r.kind).toBe("results-payload");
    expect(JSON.stringify(r.value)).toContain("SELECT 1");
    const t = JSON.parse(thumb.stdout);
    expect(t.kind).toBe("thumbnail-image");
    expect(t.image).toEqual({ type: "png", width: 400, height: 200 });
    // Flask-Caching 2.0.2 pickles ints too ("!" + pickle); the int form is covered by a unit test.
    expect(JSON.parse(counter.stdout)).toMatchObject({ kind: "value", value: 7 });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no such key");
  }, 60_000);

  it("get/set/delete through the named cache prefix; Python reads what the CLI set", async () => {
    const env = { SUPERSET_CACHE_PREFIX: PREFIX };
    const got = await cli(["get", "plain", "--json"], env);
    expect(JSON.parse(got.stdout).value).toEqual({ a: [1, 2.5, "x"], b: null });
    const set = await cli(["set", "fromcli", '{"rows": [1, 2], "name": "é"}', "--timeout", "120"], env);
    expect(set.code).toBe(0);
    expect(await peer.call("get", { key: "fromcli" })).toEqual({ rows: [1, 2], name: "é" });
    const del = await cli(["delete", "fromcli"], env);
    expect(del.code).toBe(0);
    expect(await peer.call("has", { key: "fromcli" })).toBe(false);
    expect((await cli(["delete", "fromcli"], env)).code).toBe(1);
  }, 60_000);

  it("keys groups by prefix with counts and bytes; stats reads INFO; doctor exits by severity", async () => {
    const [keys, stats, doctor] = await Promise.all([
      cli(["keys", "--json"]),
      cli(["stats", "--json"]),
      cli(["doctor", "--json", "--window-ms", "0"]),
    ]);
    const groups = Object.fromEntries(
      (JSON.parse(keys.stdout).groups as { prefix: string; keys: number; bytes: number }[]).map((g) => [
        g.prefix,
        g,
      ]),
    );
    expect(groups.superset_!.keys).toBe(3 + 1); // chart1, plain, counter + thumbnails key (superset_ prefix)
    expect(groups.superset_results!.keys).toBe(1);
    expect(groups.superset_!.bytes).toBeGreaterThan(0);
    expect(JSON.parse(stats.stdout).keyspaceHits).toBeGreaterThan(0);
    const report = JSON.parse(doctor.stdout);
    expect(report.findings.map((f: { id: string }) => f.id)).toContain("NO_MAXMEMORY");
    // Redis's default policy is noeviction, and caches live here: critical, exit 6.
    expect(report.findings.map((f: { id: string }) => f.id)).toContain("NOEVICTION_WITH_CACHES");
    expect(doctor.code).toBe(6);
  }, 60_000);

  it("key: chart-data key of a query-object file equals Python's (fixture)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "superset-cache-cli-"));
    const file = join(dir, "qo.json");
    writeFileSync(
      file,
      JSON.stringify({
        columns: ["gender", "state"],
        metrics: [
          { expressionType: "SIMPLE", aggregate: "SUM", label: "SUM(num)", column: { column_name: "num" } },
        ],
        filters: [
          { col: "gender", op: "IN", val: ["boy", "girl"] },
          { col: "num", op: ">=", val: 10 },
        ],
        orderby: [
          [
            { expressionType: "SIMPLE", aggregate: "SUM", label: "SUM(num)", column: { column_name: "num" } },
            false,
          ],
        ],
        extras: { having: "", where: "" },
        row_limit: 10000,
        time_range: "Last week",
        granularity: "ds",
      }),
    );
    const fixtures = (
      await import("#test/fixtures/superset-keys/query-object-keys.json", { with: { type: "json" } })
    ).default as {
      cases: { name: string; version: string; md5: string; sha256: string; default_algorithm: string }[];
    };
    const c = fixtures.cases.find(
      (x) => x.name === "table chart with adhoc metric and filters" && x.version === "4.0",
    )!;
    const expected = c.default_algorithm === "sha256" ? c.sha256 : c.md5;
    const run = await cli([
      "key",
      file,
      "--superset-version",
      "4.0",
      "--datasource-uid",
      "3__table",
      "--changed-on",
      "2024-01-15T10:30:00",
    ]);
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe(expected);
  }, 60_000);

  it("--help everywhere exits 0; unknown command and missing URL exit 2", async () => {
    const [help, sub, unknown, nourl] = await Promise.all([
      cli(["--help"]),
      cli(["keys", "--help"]),
      cli(["frobnicate"]),
      cli(["stats"], { SUPERSET_CACHE_REDIS_URL: "" }),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Exit codes");
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("superset-cache keys");
    expect(unknown.code).toBe(2);
    expect(nourl.code).toBe(2);
  }, 60_000);
});
