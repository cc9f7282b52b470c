/**
 * TLS (redis-server --tls-port with a throwaway CA made by openssl) and an ACL user with a
 * password: we and Python Flask-Caching share entries over TLS; a wrong password is a typed
 * error that never shows the password.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisBackend } from "#src/backends/redis/backend.js";
import { FlaskPeer, trackUnhandledRejections } from "#test/helpers/redis-peer.js";
import { makeTlsFiles, RedisServer, type TlsFiles } from "#test/helpers/redis-server.js";

const USER = "alice";
const PASSWORD = "s3cret-Pa55";
const PREFIX = "flask_cache_";

let tls: TlsFiles;
let server: RedisServer;
let peer: FlaskPeer;
const unhandled = trackUnhandledRejections();

beforeAll(async () => {
  tls = makeTlsFiles();
  server = await RedisServer.start({
    tls,
    // The default user is off: every connection must authenticate as alice.
    config: [`user ${USER} on >${PASSWORD} ~* &* +@all`, "user default off"],
  });
  peer = new FlaskPeer();
});

afterAll(async () => {
  await peer?.close();
  await server?.stop();
  unhandled.stop();
  expect(unhandled.count()).toBe(0);
});

const url = (password: string) =>
  `rediss://${USER}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/0`;

describe("TLS + ACL user", () => {
  it("we write over TLS as alice; Python Flask-Caching reads it over TLS, and the other way round", async () => {
    const ours = RedisBackend.fromConfig({
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: url(PASSWORD),
      CACHE_OPTIONS: { ssl_ca_certs: tls.caCert },
    });
    const pickledHello = Buffer.from("2180059509000000000000008c0568656c6c6f942e", "hex");
    expect(await ours.set(`${PREFIX}tls`, pickledHello, 30)).toBe(true);
    await peer.call("open", {
      config: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: `${url(PASSWORD)}?ssl_ca_certs=${tls.caCert}` },
    });
    expect(await peer.call("raw_get", { key: "tls" })).toBe(pickledHello.toString("hex"));
    expect(await peer.call("get", { key: "tls" })).toBe("hello");
    await peer.call("set", { key: "from-python", value: [1, "two"] });
    expect(Buffer.from((await ours.get(`${PREFIX}from-python`))!).toString("hex")).toBe(
      await peer.call("raw_get", { key: "from-python" }),
    );
    expect(String(ours)).not.toContain(PASSWORD);
    await ours.close();
  });

  it("a wrong password fails with a typed error whose message and toString hide the password", async () => {
    const wrong = "Wr0ng-Secret";
    const seen: string[] = [];
    const ours = RedisBackend.fromConfig(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url(wrong), CACHE_OPTIONS: { ssl_ca_certs: tls.caCert } },
      { commandTimeoutMs: 1000, onConnectionError: (e) => seen.push(`${e.code} ${e.message}`) },
    );
    const err = await ours.get(`${PREFIX}tls`).then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string; stack?: string },
    );
    expect(err?.code).toMatch(/^REDIS_(AUTH_FAILED|CONNECTION|COMMAND_TIMEOUT)$/);
    for (const text of [err?.message, err?.stack, String(ours), ...seen])
      expect(text ?? "").not.toContain(wrong);
    expect(seen.some((s) => s.startsWith("REDIS_AUTH_FAILED"))).toBe(true);
    await ours.close();
  });

  it("without the CA the TLS handshake is refused (certificate verified by default)", async () => {
    const ours = RedisBackend.fromConfig(
      { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url(PASSWORD) },
      { commandTimeoutMs: 1000, connectTimeoutMs: 1000 },
    );
    await expect(ours.get(`${PREFIX}tls`)).rejects.toMatchObject({ code: expect.stringMatching(/^REDIS_/) });
    await ours.close();
  });
});
