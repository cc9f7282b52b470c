/**
 * Guest tokens and async-query tokens against PyJWT 2.6 (python/peer/ops_auth.py): minted on
 * either side and verified on the other, byte-identical for the same claims, `alg: none` and
 * foreign algorithms refused on both, expiry with and without clock skew, and a guest token's
 * RLS rules as the `rls` input of the chart-data cache key.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  guestRlsCacheKey,
  mintAsyncToken,
  mintGuestToken,
  verifyAsyncToken,
  verifyGuestToken,
} from "#src/auth/index.js";
import { queryObjectCacheKey } from "#src/superset/query-object-key.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import type { Json } from "#test/helpers/tagged.js";

const SECRET = "test-guest-secret-change-me";
const AUDIENCE = "http://0.0.0.0:8080/";
const NOW = 1_760_000_000.25; // time.time() at minting: a float
const at = (seconds: number) => ({ now: () => seconds * 1000 });
const settings = { secret: SECRET, audience: AUDIENCE };

const GRANT = {
  user: { username: "embedded", first_name: "Émile", last_name: "Guest" },
  resources: [{ type: "dashboard", id: "7b9d3f2e-1c4a-4e8b-9f6d-2a5c8e1b4d7f" }],
  rls: [
    { dataset: 5, clause: "region = 'EU'" },
    { clause: "tenant_id = 42" },
    { dataset: "6", clause: "year > 2020" },
    { dataset: null, clause: "1 = 1" },
  ],
};

let peer: FlaskPeer;
beforeAll(async () => {
  peer = await FlaskPeer.start({ ops: ["ops_auth"] });
});
afterAll(async () => {
  await peer?.close();
});

async function pythonDecode(
  token: string,
  options: {
    secret?: string;
    algorithms?: string[];
    audience?: string | null;
    leeway?: number;
    now?: number;
  },
): Promise<{ claims?: Json; error?: string }> {
  await peer.call("auth_set_time", { now: options.now ?? null });
  return (await peer.call("jwt_decode", {
    token,
    secret: options.secret ?? SECRET,
    algorithms: options.algorithms ?? ["HS256"],
    audience: options.audience ?? null,
    leeway: options.leeway ?? 0,
  })) as { claims?: Json; error?: string };
}

/** An unsigned token (`alg: none`) carrying these claims. */
function unsigned(claims: object): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

describe("guest tokens", () => {
  it("mints the token Superset mints, byte for byte, and each side verifies the other's", async () => {
    for (const algorithm of ["HS256", "HS384", "HS512"]) {
      const python = (await peer.call("guest_token_encode", {
        user: GRANT.user,
        resources: GRANT.resources,
        rls: GRANT.rls as Json,
        secret: SECRET,
        algorithm,
        audience: AUDIENCE,
        now: NOW,
        exp_seconds: 300,
      })) as string;
      const ours = await mintGuestToken(GRANT, { ...settings, algorithm, now: NOW });
      expect(ours).toBe(python);
      const claims = await verifyGuestToken(python, { ...settings, algorithm, clock: at(NOW + 10) });
      expect(claims).toMatchObject({
        type: "guest",
        aud: AUDIENCE,
        iat: NOW,
        exp: NOW + 300,
        user: GRANT.user,
      });
      const back = await pythonDecode(ours, { algorithms: [algorithm], audience: AUDIENCE, now: NOW + 10 });
      expect(back.error).toBeUndefined();
    }
  });

  it("refuses alg none, another algorithm, another secret and another audience, as PyJWT does", async () => {
    const good = await mintGuestToken(GRANT, { ...settings, now: NOW });
    const none = unsigned({ ...GRANT, rls_rules: GRANT.rls, type: "guest", aud: AUDIENCE, exp: NOW + 300 });
    const hs512 = await mintGuestToken(GRANT, { ...settings, algorithm: "HS512", now: NOW });
    const cases: [string, Parameters<typeof pythonDecode>[1], object][] = [
      [none, { audience: AUDIENCE }, {}],
      [hs512, { audience: AUDIENCE }, {}],
      [good, { audience: AUDIENCE, secret: "other" }, { secret: "other" }],
      [good, { audience: "https://elsewhere/" }, { audience: "https://elsewhere/" }],
    ];
    for (const [token, python, ours] of cases) {
      expect((await pythonDecode(token, { ...python, now: NOW })).error).toBeDefined();
      await expect(verifyGuestToken(token, { ...settings, clock: at(NOW), ...ours })).rejects.toMatchObject({
        code: "AUTH_TOKEN_INVALID",
      });
    }
    await expect(mintGuestToken(GRANT, { ...settings, algorithm: "none" })).rejects.toMatchObject({
      code: "AUTH_JWT_ALGORITHM_UNSUPPORTED",
    });
    await expect(verifyGuestToken(good, { ...settings, algorithm: "RS256" })).rejects.toMatchObject({
      code: "AUTH_JWT_ALGORITHM_UNSUPPORTED",
    });
  });

  it("expires with exp, within the clock skew on both sides", async () => {
    const token = await mintGuestToken(GRANT, { ...settings, now: NOW, expiresInSeconds: 60 });
    for (const [now, skew, valid] of [
      [NOW + 59, 0, true],
      [NOW + 61, 0, false],
      [NOW + 61, 5, true],
      [NOW + 70, 5, false],
    ] as const) {
      const python = await pythonDecode(token, { audience: AUDIENCE, now, leeway: skew });
      expect(python.error === undefined, `now +${now - NOW}, skew ${skew}`).toBe(valid);
      const ours = verifyGuestToken(token, { ...settings, clock: at(now), clockSkewSeconds: skew });
      if (valid) await expect(ours).resolves.toMatchObject({ type: "guest" });
      else await expect(ours).rejects.toMatchObject({ code: "AUTH_TOKEN_EXPIRED" });
    }
    // Issued in the future beyond the skew: refused, as PyJWT refuses it.
    await expect(verifyGuestToken(token, { ...settings, clock: at(NOW - 30) })).rejects.toMatchObject({
      code: "AUTH_TOKEN_EXPIRED",
    });
  });

  it("refuses a valid JWT that is not a guest token", async () => {
    const claims = { user: {}, resources: [], rls_rules: [], aud: AUDIENCE, exp: NOW + 60, type: "access" };
    const token = (await peer.call("jwt_encode", { claims, secret: SECRET, algorithm: "HS256" })) as string;
    await expect(verifyGuestToken(token, { ...settings, clock: at(NOW) })).rejects.toMatchObject({
      code: "AUTH_TOKEN_CLAIMS",
    });
    const noRls = (await peer.call("jwt_encode", {
      claims: { user: {}, resources: [], aud: AUDIENCE, type: "guest" },
      secret: SECRET,
      algorithm: "HS256",
    })) as string;
    await expect(verifyGuestToken(noRls, { ...settings, clock: at(NOW) })).rejects.toMatchObject({
      code: "AUTH_TOKEN_CLAIMS",
    });
  });

  it("turns the token's RLS rules into Superset's rls cache-key input", async () => {
    const token = await mintGuestToken(GRANT, { ...settings, now: NOW });
    const claims = await verifyGuestToken(token, { ...settings, clock: at(NOW + 10) });
    await peer.call("auth_set_time", { now: NOW + 10 });
    for (const datasetId of [5, 6, 7]) {
      const python = await peer.call("guest_rls", {
        token,
        secret: SECRET,
        algorithm: "HS256",
        audience: AUDIENCE,
        dataset_id: datasetId,
      });
      expect(guestRlsCacheKey(claims, datasetId)).toEqual(python);
    }
    expect(guestRlsCacheKey(claims, 5, [{ clause: "org = 1", groupKey: "org" }, { clause: "x" }])).toEqual([
      "region = 'EU'",
      "tenant_id = 42",
      "1 = 1",
      "org = 1-org",
      "x-",
    ]);
    const qo = { columns: ["region"], metrics: ["count"], time_range: "No filter" };
    const key = (rls: string[]) => queryObjectCacheKey(qo, { datasourceUid: "5__table", rls });
    expect(key(guestRlsCacheKey(claims, 5))).not.toBe(key([]));
    expect(key(guestRlsCacheKey(claims, 5))).toBe(key(["region = 'EU'", "tenant_id = 42", "1 = 1"]));
  });
});

describe("async-query tokens", () => {
  it("mints validate_session's token byte for byte and reads PyJWT's", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uuid(), fc.option(fc.integer({ min: 0, max: 10_000 })), async (channel, userId) => {
        const python = (await peer.call("async_token_encode", {
          channel,
          user_id: userId,
          secret: SECRET,
        })) as string;
        const ours = await mintAsyncToken({ channel, userId, secret: SECRET });
        expect(ours.token).toBe(python);
        const read = await verifyAsyncToken(python, { secret: SECRET });
        expect(read.channel).toBe(channel);
        expect(read.sub).toBe(userId ? String(userId) : null);
      }),
      { numRuns: 25 },
    );
  });

  it("refuses alg none, a wrong secret and an audience; honours exp with skew", async () => {
    const { token } = await mintAsyncToken({ userId: 1, secret: SECRET });
    await expect(verifyAsyncToken(token, { secret: "other" })).rejects.toMatchObject({
      code: "AUTH_TOKEN_INVALID",
    });
    const none = unsigned({ channel: "c", sub: "1" });
    await expect(verifyAsyncToken(none, { secret: SECRET })).rejects.toMatchObject({
      code: "AUTH_TOKEN_INVALID",
    });
    expect((await pythonDecode(none, {})).error).toBeDefined();
    const withAud = (await peer.call("jwt_encode", {
      claims: { channel: "c", sub: null, aud: "x" },
      secret: SECRET,
      algorithm: "HS256",
    })) as string;
    expect((await pythonDecode(withAud, {})).error).toBe("InvalidAudienceError");
    await expect(verifyAsyncToken(withAud, { secret: SECRET })).rejects.toMatchObject({
      code: "AUTH_TOKEN_INVALID",
    });
    const t0 = 1_760_000_000;
    const expiring = await mintAsyncToken({ userId: 1, secret: SECRET, expiresInSeconds: 30, clock: at(t0) });
    expect((await pythonDecode(expiring.token, { now: t0 + 31 })).error).toBe("ExpiredSignatureError");
    await expect(
      verifyAsyncToken(expiring.token, { secret: SECRET, clock: at(t0 + 31) }),
    ).rejects.toMatchObject({
      code: "AUTH_TOKEN_EXPIRED",
    });
    expect(
      (await verifyAsyncToken(expiring.token, { secret: SECRET, clock: at(t0 + 31), clockSkewSeconds: 2 }))
        .channel,
    ).toBe(expiring.channel);
    await expect(verifyAsyncToken("not.a.jwt", { secret: SECRET })).rejects.toMatchObject({
      code: "AUTH_TOKEN_INVALID",
    });
  });

  it("never puts the secret or the token in an error message", async () => {
    const { token } = await mintAsyncToken({ userId: 9, secret: SECRET });
    const errors = await Promise.all([
      verifyAsyncToken(token, { secret: "wrong-secret-value" }).catch((e: Error) => e),
      verifyAsyncToken(`${token}x`, { secret: SECRET }).catch((e: Error) => e),
      verifyGuestToken(token, settings).catch((e: Error) => e),
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      for (const secret of [SECRET, "wrong-secret-value", token, token.split(".")[2] as string]) {
        expect((e as Error).message).not.toContain(secret);
      }
    }
  });
});
