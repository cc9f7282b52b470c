/**
 * `readSupersetSession`: a Superset login written by Flask (cookie session) or by Flask-Session
 * 0.8 / 0.3 (Redis session) becomes the user id, freshness, Flask-Login `_id` and CSRF token;
 * session protection follows Flask-Login; forged cookies give `null`, never an exception.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  inMemoryUserLookup,
  loadSessionUser,
  readSupersetSession,
  SupersetSessionReader,
  writeCookieSession,
} from "#src/auth/index.js";
import type { PyValue } from "#src/python/values.js";
import { flaskLoginSessionId } from "#src/superset/temporary/session-id.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { toAuthTagged } from "./auth-values.js";

const KEY = "superset-secret-key";
const BROWSER = { remoteAddr: "10.0.0.7", userAgent: "Mozilla/5.0 (X11; Linux x86_64)" };
const login = (extra: Record<string, PyValue> = {}): Record<string, PyValue> => ({
  _fresh: true,
  _id: flaskLoginSessionId(BROWSER),
  _user_id: "2",
  csrf_token: "6b1f0c",
  ...extra,
});

let server: RedisServer;
let peer: FlaskPeer;
beforeAll(async () => {
  [server, peer] = await Promise.all([
    RedisServer.start({ label: "auth-login" }),
    FlaskPeer.start({ ops: ["ops_auth"] }),
  ]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), peer?.close()]);
});

async function flaskCookie(data: Record<string, PyValue>): Promise<string> {
  await peer.call("auth_set_time", { now: null });
  return (await peer.call("cookie_dumps", { secret_key: KEY, data: toAuthTagged(data) })) as string;
}

describe("readSupersetSession", () => {
  it("reads a Flask cookie session written by Flask", async () => {
    const session = await readSupersetSession(await flaskCookie(login({ _permanent: true })), {
      secretKey: KEY,
    });
    expect(session).toMatchObject({
      kind: "cookie",
      userId: 2,
      fresh: true,
      flaskLoginId: flaskLoginSessionId(BROWSER),
      csrfToken: "6b1f0c",
      permanent: true,
      sid: null,
    });
    expect(session?.signedAt).toBeGreaterThan(1_700_000_000);
  });

  it("reads Flask-Session 0.8 and 0.3 Redis sessions through a Redis URL", async () => {
    for (const [op, useSigner] of [
      ["fs08_write", true],
      ["fs03_write", false],
    ] as const) {
      const written = (await peer.call(op, {
        port: server.port,
        secret_key: KEY,
        use_signer: useSigner,
        prefix: "sess:",
        data: toAuthTagged(login()),
      })) as { cookie: string; sid: string };
      const session = await readSupersetSession(written.cookie, {
        secretKey: KEY,
        sessionRedis: server.url,
        sessionKeyPrefix: "sess:",
        sessionUseSigner: useSigner,
      });
      expect(session).toMatchObject({ kind: "server", userId: 2, sid: written.sid, signedAt: null });
    }
  });

  it("answers null, never an exception, for forged, foreign and empty cookies", async () => {
    const good = await flaskCookie(login());
    // One signature character changed where all six of its bits count (the last one carries
    // padding bits: changing only those would leave the signature's bytes as they were).
    const at = good.length - 5;
    const forged = `${good.slice(0, at)}${good[at] === "A" ? "B" : "A"}${good.slice(at + 1)}`;
    for (const cookie of [forged, "garbage", "", null, undefined, "a.b.c", ".", "..."]) {
      expect(await readSupersetSession(cookie, { secretKey: KEY })).toBeNull();
    }
    expect(await readSupersetSession(good, { secretKey: "another-key" })).toBeNull();
    await expect(readSupersetSession(good, { secretKey: "" })).rejects.toMatchObject({
      code: "AUTH_SECRET_MISSING",
    });
  });

  it("has no user for an anonymous session or a non-integer _user_id", async () => {
    const anonymous = await readSupersetSession(writeCookieSession({ csrf_token: "x" }, { secretKey: KEY }), {
      secretKey: KEY,
    });
    expect(anonymous).toMatchObject({ userId: null, fresh: false, csrfToken: "x" });
    const odd = writeCookieSession(login({ _user_id: "two" }), { secretKey: KEY });
    expect((await readSupersetSession(odd, { secretKey: KEY }))?.userId).toBeNull();
    const spaced = writeCookieSession(login({ _user_id: " 12 " }), { secretKey: KEY });
    expect((await readSupersetSession(spaced, { secretKey: KEY }))?.userId).toBe(12); // Python int(" 12 ")
  });

  it("applies Flask-Login session protection to the request", async () => {
    const cookie = writeCookieSession(login(), { secretKey: KEY });
    const other = { remoteAddr: "10.9.9.9", userAgent: BROWSER.userAgent };
    const read = (mode: "basic" | "strong", request: typeof BROWSER, c = cookie) =>
      readSupersetSession(c, { secretKey: KEY, sessionProtection: { mode, request } });
    expect(await read("strong", BROWSER)).toMatchObject({ userId: 2, fresh: true });
    expect(await read("basic", other)).toMatchObject({ userId: 2, fresh: false });
    expect(await read("strong", other)).toMatchObject({ userId: null });
    // A permanent session is only marked not fresh, even in strong mode.
    const permanent = writeCookieSession(login({ _permanent: true }), { secretKey: KEY });
    expect(await read("strong", other, permanent)).toMatchObject({ userId: 2, fresh: false });
  });

  it("keeps one Redis connection in a reader and finds the active user", async () => {
    const reader = new SupersetSessionReader({ secretKey: KEY, sessionRedis: server.url });
    const written = (await peer.call("fs08_write", {
      port: server.port,
      secret_key: KEY,
      use_signer: false,
      prefix: "session:",
      data: toAuthTagged(login()),
    })) as { cookie: string };
    const users = inMemoryUserLookup([
      {
        id: 2,
        username: "gus",
        firstName: "Gus",
        lastName: "G",
        email: null,
        active: true,
        roles: ["Gamma"],
      },
    ]);
    for (let i = 0; i < 3; i++) {
      expect((await loadSessionUser(await reader.read(written.cookie), users))?.roles).toEqual(["Gamma"]);
    }
    expect(await reader.read("missing")).toBeNull();
    await reader.close();
  });

  it("reports an unreachable session Redis as AUTH_SESSION_STORE_FAILED", async () => {
    await expect(
      readSupersetSession("sid", { secretKey: KEY, sessionRedis: "redis://127.0.0.1:1" }),
    ).rejects.toMatchObject({ code: "AUTH_SESSION_STORE_FAILED" });
  });
});
