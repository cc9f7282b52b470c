/**
 * The `superset-cache` CLI never prints a password: `doctor --url` against a server that is not
 * there, that refuses the password, or a URL that does not parse; `invalidate --database-uri`
 * with a password holding `?` and `/` (SQLAlchemy reads it as opaque) against a database that is
 * not there. Run as subprocesses; the servers are ours, on free loopback ports.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChild } from "#test/helpers/child-run.js";
import { CLI_BIN_SOURCE } from "#test/helpers/paths.js";
import { freePort, RedisServer } from "#test/helpers/redis-server.js";

const SECRET = "s3cr?t/pw#x";
const FRAGMENTS = ["s3cr", "t/pw", "pw#x", encodeURIComponent(SECRET)];

let server: RedisServer;
let dir: string;
beforeAll(async () => {
  server = await RedisServer.start({ label: "cli-secrets", config: ["requirepass right-password"] });
  dir = mkdtempSync(join(tmpdir(), "cli-secrets-"));
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env };
  delete env.SUPERSET_CACHE_REDIS_URL;
  const run = await runChild(process.execPath, ["--import", "tsx", CLI_BIN_SOURCE, ...args], { env });
  return { code: run.code, output: run.stdout + run.stderr };
}

function expectNoSecret(output: string): void {
  for (const f of FRAGMENTS) expect(output, output).not.toContain(f);
}

describe("doctor --url never prints the password", () => {
  it("no server listening, wrong password, malformed escape", async () => {
    const closed = await freePort();
    const pw = encodeURIComponent(SECRET);
    const runs = await Promise.all([
      cli(["doctor", "--url", `redis://:${pw}@127.0.0.1:${closed}/0`]),
      cli(["doctor", "--url", `redis://alice:${pw}@127.0.0.1:${server.port}/0`]),
      cli(["doctor", "--url", `redis://:${pw}%zz@127.0.0.1:${server.port}/0`]),
      cli(["doctor", "--json", "--url", `redis://:${pw}@127.0.0.1:${closed}/0`]),
    ]);
    for (const r of runs) {
      expect(r.code, r.output).not.toBe(0);
      expectNoSecret(r.output);
    }
    expect(runs[0]!.output).toContain(`127.0.0.1:${closed}`);
    expect(runs[0]!.output).toContain("***");
  });
});

describe("invalidate --database-uri never prints the password", () => {
  it("a SQLAlchemy password with '?', '/' and '#' against a database that is not there", async () => {
    const closed = await freePort();
    const config = join(dir, "superset.json");
    writeFileSync(
      config,
      JSON.stringify({ CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: server.url } }),
    );
    const runs = await Promise.all(
      [
        `postgresql://superset:${SECRET}@127.0.0.1:${closed}/superset`,
        `mysql://superset:${SECRET}@127.0.0.1:${closed}/superset`,
        `postgresql+psycopg2://superset:${SECRET}@127.0.0.1:${closed}/superset?options=-c`,
      ].map((uri) =>
        cli(["invalidate", "--config", config, "--database-uri", uri, "--datasource-uid", "1__table"]),
      ),
    );
    for (const r of runs) {
      expect(r.code, r.output).not.toBe(0);
      expectNoSecret(r.output);
    }
  });
});
