/**
 * How the CLI fails: a server that accepts TCP and never answers times out on every command
 * (exit 8, host:port named), refused (3) and authentication (9, WRONGPASS vs NOAUTH) stay apart,
 * out-of-range numbers and invalid URLs are usage errors (2) without Node warnings or stack
 * traces, and no password appears in anything printed.
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { knownSecrets, resolveCliSettings } from "#src/cli/cli-config.js";
import { EXIT } from "#src/cli/exit-codes.js";
import { redactText } from "#src/core/redact.js";
import { runCli } from "#test/helpers/cli-run.js";
import { freePort, RedisServer } from "#test/helpers/redis-server.js";

const PASSWORD = "s3cret-Pw";
let silent: Server;
let silentPort: number;
const sockets: Socket[] = [];
let authServer: RedisServer;
let refusedPort: number;

beforeAll(async () => {
  silent = createServer((socket) => {
    // Accept and never answer.
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  silentPort = (silent.address() as { port: number }).port;
  authServer = await RedisServer.start({ config: [`requirepass ${PASSWORD}`], label: "cli-auth" });
  refusedPort = await freePort();
}, 30_000);

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
  await authServer?.stop();
});

describe("command timeouts", () => {
  const commands: string[][] = [
    ["inspect", "k"],
    ["keys"],
    ["stats"],
    ["doctor", "--window-ms", "0"],
    ["get", "k"],
    ["set", "k", "1"],
    ["delete", "k"],
  ];
  for (const command of commands) {
    it(`${command[0]} against a server that never answers: exit 8 naming host:port`, async () => {
      const url = `redis://:${PASSWORD}@127.0.0.1:${silentPort}/0`;
      const started = performance.now();
      const r = await runCli([...command, "--url", url, "--command-timeout", "0.3"]);
      expect(r.code).toBe(EXIT.TIMEOUT);
      expect(r.stderr).toContain(`127.0.0.1:${silentPort}`);
      expect(r.stderr).toMatch(/no reply|timed out/);
      expect(r.stderr).not.toContain(PASSWORD);
      expect(r.stderr).not.toContain("    at "); // no stack trace
      expect(performance.now() - started).toBeLessThan(15_000);
    }, 30_000);
  }
});

describe("refused, authentication and timeout stay apart", () => {
  it("refused: exit 3 'connection refused'; wrong password and no password: exit 9 with different messages", async () => {
    const refused = await runCli(["stats", "--url", `redis://:${PASSWORD}@127.0.0.1:${refusedPort}/0`]);
    expect(refused.code).toBe(EXIT.BACKEND);
    expect(refused.stderr).toContain("connection refused");
    expect(refused.stderr).toContain(`127.0.0.1:${refusedPort}`);
    const wrong = await runCli([
      "inspect",
      "k",
      "--url",
      `redis://:wrong-pass@127.0.0.1:${authServer.port}/0`,
    ]);
    expect(wrong.code).toBe(EXIT.AUTH);
    expect(wrong.stderr).toMatch(/WRONGPASS|wrong user or password/);
    expect(wrong.stderr).not.toContain("wrong-pass");
    const none = await runCli(["keys", "--url", authServer.url]);
    expect(none.code).toBe(EXIT.AUTH);
    expect(none.stderr).toContain("NOAUTH");
    for (const r of [refused, wrong, none]) expect(r.stderr).not.toContain("Connection is closed");
  }, 30_000);

  it("doctor --url redis://:pw@… never prints the password when it fails", async () => {
    const r = await runCli(["doctor", "--url", `redis://:${PASSWORD}@127.0.0.1:${refusedPort}/0`]);
    expect(r.code).toBe(EXIT.BACKEND);
    expect(r.stderr).toContain("connection refused");
    expect(r.stderr + r.stdout).not.toContain(PASSWORD);
    const auth = await runCli(["doctor", "--url", `redis://:not-${PASSWORD}@127.0.0.1:${authServer.port}/0`]);
    expect(auth.code).toBe(EXIT.AUTH);
    expect(auth.stderr + auth.stdout).not.toContain(PASSWORD);
  }, 30_000);
});

describe("usage errors for out-of-range numbers and invalid URLs", () => {
  const url = `redis://127.0.0.1:${1}/0`;
  const cases: [string, string[], RegExp][] = [
    ["--window-ms 1e12", ["doctor", "--url", url, "--window-ms", "1e12"], /--window-ms must be/],
    ["--window-ms -1", ["doctor", "--url", url, "--window-ms=-1"], /--window-ms must be/],
    ["--window-ms NaN", ["doctor", "--url", url, "--window-ms", "NaN"], /--window-ms must be/],
    ["--timeout 1e300", ["set", "k", "1", "--url", url, "--timeout", "1e300"], /--timeout must be/],
    ["--timeout -5", ["set", "k", "1", "--url", url, "--timeout=-5"], /--timeout must be/],
    ["--timeout 1.5", ["set", "k", "1", "--url", url, "--timeout", "1.5"], /--timeout must be/],
    ["--timeout 0x10", ["set", "k", "1", "--url", url, "--timeout", "0x10"], /--timeout must be/],
    ["--command-timeout 1e300", ["stats", "--url", url, "--command-timeout", "1e300"], /--command-timeout/],
    ["--command-timeout 0", ["stats", "--url", url, "--command-timeout", "0"], /--command-timeout/],
    ["--tier huge", ["doctor", "--url", url, "--tier", "huge"], /--tier must be/],
    ["a URL that does not parse", ["stats", "--url", "not a url"], /invalid Redis URL/],
    ["another scheme", ["keys", "--url", "http://127.0.0.1/0"], /unsupported scheme/],
    ["a bad database number", ["inspect", "k", "--url", "redis://127.0.0.1:1/abc"], /invalid Redis URL/],
    ["a port out of range", ["stats", "--url", "redis://127.0.0.1:99999/0"], /invalid Redis URL/],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2 with a message, no warning, no stack`, async () => {
      const warn = vi.spyOn(process, "emitWarning");
      const r = await runCli(args);
      expect(r.code).toBe(EXIT.USAGE);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain("    at ");
      expect(warn).not.toHaveBeenCalled();
      warn.mockRestore();
    });
  }

  it("a URL with a malformed escape in the password: usage error that does not echo it", async () => {
    const r = await runCli(["stats", "--url", "redis//:pa%zzword@127.0.0.1:1/0"]);
    expect(r.code).toBe(EXIT.USAGE);
    expect(r.stderr).not.toContain("pa%zzword");
    const bad = await runCli(["stats", "--url", "redis://:pa%zzword@127.0.0.1:1/0"]);
    expect(bad.code).toBe(EXIT.USAGE);
    expect(bad.stderr).toContain("percent-escape");
    expect(bad.stderr).not.toContain("pa%zzword");
  });
});

describe("secrets in invalidate", () => {
  it("a SQLAlchemy URI whose password holds / and ? is masked in what invalidate prints", async () => {
    const dir = mkdtempSync(join(tmpdir(), "superset-cache-cli-errors-"));
    const config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `redis://127.0.0.1:${refusedPort}/0` },
      }),
    );
    const password = "pa/ss?w0rd";
    const r = await runCli([
      "invalidate",
      "--config",
      config,
      "--datasource-uid",
      "1__table",
      "--database-uri",
      `postgresql://superset:${password}@127.0.0.1:${refusedPort}/superset`,
    ]);
    expect(r.code).not.toBe(EXIT.OK);
    expect(r.stderr + r.stdout).not.toContain(password);
    // Whatever a driver quotes, the known secrets are masked: both readings of the user info.
    const s = resolveCliSettings({ config });
    const secrets = knownSecrets(s, [`postgresql://superset:${password}@host/db`]);
    expect(redactText(`failed for superset:${password}@host`, secrets)).not.toContain(password);
  }, 30_000);
});
