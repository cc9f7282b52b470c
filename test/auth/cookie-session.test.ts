/**
 * Flask's cookie session against Flask 2.2 / itsdangerous 2.1 (python/peer/ops_auth.py): cookies
 * Flask writes are read here and the reverse, byte-identical at the same signing time, with
 * tagged values, compression, expiry, wrong keys, key fallbacks, tampering and truncation; and
 * itsdangerous' building blocks: `base64_decode` on arbitrary text, the signer's key rotation.
 */
import { inflateSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { base64Decode, bytesToInt, intToBytes } from "#src/auth/formats/itsdangerous-base64.js";
import { ItsdangerousSigner, wantBytes } from "#src/auth/formats/signer.js";
import { markup, readCookieSession, writeCookieSession } from "#src/auth/index.js";
import {
  PyDate,
  PyDatetime,
  PyDecimal,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "#src/python/values.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import type { Json } from "#test/helpers/tagged.js";
import { fromAuthTagged, toAuthTagged } from "./auth-values.js";

const KEY = "superset-secret-key";
const T = 1_750_000_000; // a fixed signing time, Unix seconds
const at = (seconds: number) => ({ now: () => seconds * 1000 });

let peer: FlaskPeer;
beforeAll(async () => {
  peer = await FlaskPeer.start({ ops: ["ops_auth"] });
});
afterAll(async () => {
  await peer?.close();
});

async function flaskWrite(data: PyValue, now = T, secretKey = KEY): Promise<string> {
  await peer.call("auth_set_time", { now });
  return (await peer.call("cookie_dumps", { secret_key: secretKey, data: toAuthTagged(data) })) as string;
}

async function flaskRead(
  cookie: string,
  options: { now?: number; secretKey?: string; fallbacks?: string[]; maxAge?: number } = {},
): Promise<{ status: string; data?: Json }> {
  await peer.call("auth_set_time", { now: options.now ?? T });
  return (await peer.call("cookie_loads", {
    secret_key: options.secretKey ?? KEY,
    fallbacks: options.fallbacks ?? [],
    cookie,
    max_age: options.maxAge ?? 31 * 86400,
  })) as { status: string; data?: Json };
}

const UTC = new PyTzInfo("fixed", 0, null, "datetime.timezone");

/** The JSON text and timestamp a cookie signs (inflated when compressed). */
/**
 * Tagged form with every str-keyed dict's entries sorted: a JS object puts integer-like keys
 * first whatever the insertion order (Python's `{"$": 1, "0": 2}` reads as `{"0": 2, "$": 1}`),
 * so this compares dict contents, not order.
 */
function unordered(v: Json): Json {
  if (Array.isArray(v)) return v.map(unordered);
  if (v === null || typeof v !== "object") return v;
  const entries = Object.entries(v).map(([k, x]) => [k, unordered(x)] as [string, Json]);
  if (entries.length === 1 && entries[0]?.[0] === "$dict" && Array.isArray(entries[0][1])) {
    const pairs = (entries[0][1] as [Json, Json][]).map(([k, x]) => [k, x] as [Json, Json]);
    pairs.sort(([a], [b]) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
    return { $dict: pairs };
  }
  return Object.fromEntries(entries);
}

function signedJson(cookie: string): [string, string] {
  const sigDot = cookie.lastIndexOf(".");
  const tsDot = cookie.lastIndexOf(".", sigDot - 1);
  const payload = cookie.slice(0, tsDot);
  const compressed = payload.startsWith(".");
  const bytes = Buffer.from(payload.slice(compressed ? 1 : 0), "base64url");
  return [(compressed ? inflateSync(bytes) : bytes).toString(), cookie.slice(tsDot + 1, sigDot)];
}

/** Values Flask's tagged JSON carries and gives back unchanged. */
const leaf: fc.Arbitrary<PyValue> = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 12 }),
  fc.uuid().map((u) => new PyUUID(u.replaceAll("-", ""))),
  fc.string({ maxLength: 8 }).map(markup),
  fc
    .date({
      min: new Date("1900-01-01T00:00:00Z"),
      max: new Date("2200-01-01T00:00:00Z"),
      noInvalidDate: true,
    })
    .map((d) => {
      const t = new Date(Math.floor(d.getTime() / 1000) * 1000);
      return new PyDatetime(
        t.getUTCFullYear(),
        t.getUTCMonth() + 1,
        t.getUTCDate(),
        t.getUTCHours(),
        t.getUTCMinutes(),
        t.getUTCSeconds(),
        0,
        UTC,
      );
    }),
);
const value: fc.Arbitrary<PyValue> = fc.letrec<{ v: PyValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.array(tie("v"), { maxLength: 4 }),
    fc.array(tie("v"), { maxLength: 3 }).map((items) => PyTuple.fromItems(items)),
    fc.dictionary(fc.constantFrom("a", "b", " t", " di", " b", "_x", "é", "🙂"), tie("v"), { maxKeys: 3 }),
  ),
})).v;
// Flask writes no cookie for an empty session (it deletes the cookie instead).
const sessionData = fc.dictionary(fc.string({ maxLength: 10 }), value, { minKeys: 1, maxKeys: 5 });

describe("Flask cookie sessions", () => {
  it("writes the cookie Flask writes, byte for byte, and each side reads the other's", async () => {
    await fc.assert(
      fc.asyncProperty(sessionData, async (data) => {
        const flaskCookie = await flaskWrite(data);
        const ours = writeCookieSession(data, { secretKey: KEY, now: T });
        if (!ours.startsWith(".") && !flaskCookie.startsWith(".")) expect(ours).toBe(flaskCookie);
        // Node's zlib (1.3.1) and CPython's (1.2.13) may deflate the same text differently: the
        // signed JSON and the signing time must still be the same.
        else expect(signedJson(ours)).toEqual(signedJson(flaskCookie));
        const read = readCookieSession(flaskCookie, { secretKey: KEY, clock: at(T) });
        expect(read?.signedAt).toBe(T);
        const flaskView = await flaskRead(ours);
        expect(flaskView.status).toBe("ok");
        expect(unordered(toAuthTagged(read?.data as PyValue))).toEqual(unordered(flaskView.data ?? null));
      }),
      { numRuns: 60 },
    );
  });

  it("reads Superset's login session: Flask-Login keys, csrf token, compressed payload", async () => {
    const data = {
      _fresh: true,
      _id: "a".repeat(128),
      _user_id: "7",
      csrf_token: "0f3c5e2b8d4f6a1e9c7b5d3f1a2c4e6b8d0f2a4c",
      _flashes: PyTuple.fromItems([PyTuple.fromItems(["info", markup("<b>Welcome</b>")])]),
      locale: "en",
    };
    const cookie = await flaskWrite(data);
    expect(cookie.startsWith(".")).toBe(true); // repetitive text compresses
    const read = readCookieSession(cookie, { secretKey: KEY, clock: at(T) });
    expect(read?.data).toEqual(fromAuthTagged(toAuthTagged(data)));
  });

  it("keeps a `__proto__` key as a key, never as the object's prototype, both ways", async () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "": 1}') as Record<string, PyValue>;
    const ours = writeCookieSession(data, { secretKey: KEY, now: T });
    expect(ours).toBe(await flaskWrite(data));
    const read = readCookieSession(ours, { secretKey: KEY, clock: at(T) });
    expect(Object.keys(read?.data as object).sort()).toEqual(["", "__proto__"]);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it("untags every Flask tag into Python values", () => {
    const data = {
      t: PyTuple.fromItems([1, "x"]),
      b: Uint8Array.from([0, 255]),
      m: markup("<i>x</i>"),
      u: new PyUUID("12345678123456781234567812345678"),
      d: new PyDatetime(2024, 2, 29, 12, 30, 5, 0, UTC),
      " t": "a dict whose only key is a tag",
    };
    const cookie = writeCookieSession(data, { secretKey: KEY, now: T });
    expect(readCookieSession(cookie, { secretKey: KEY, clock: at(T) })?.data).toEqual({ ...data });
  });

  it("writes dates and Decimals as Flask's JSON provider does (HTTP date, text)", async () => {
    const data = { day: new PyDate(2024, 1, 2), price: new PyDecimal("1.10") };
    const cookie = writeCookieSession(data, { secretKey: KEY, now: T });
    expect(cookie).toBe(await flaskWrite(data));
    expect(readCookieSession(cookie, { secretKey: KEY, clock: at(T) })?.data).toEqual({
      day: "Tue, 02 Jan 2024 00:00:00 GMT",
      price: "1.10",
    });
  });

  it("refuses values Flask cannot serialize", () => {
    expect(() => writeCookieSession({ s: new Set([1]) }, { secretKey: KEY })).toThrow(
      expect.objectContaining({ code: "AUTH_SESSION_ENCODE_FAILED" }),
    );
  });

  it("refuses expired and future cookies as Flask does, and accepts them within the clock skew", async () => {
    const maxAge = 3600;
    const cookie = writeCookieSession({ k: 1 }, { secretKey: KEY, now: T });
    for (const now of [T - 1, T, T + maxAge, T + maxAge + 1]) {
      const ours = readCookieSession(cookie, { secretKey: KEY, maxAgeSeconds: maxAge, clock: at(now) });
      const flask = await flaskRead(cookie, { now, maxAge });
      expect(ours !== null, `now = T${now - T >= 0 ? "+" : ""}${now - T}`).toBe(flask.status === "ok");
    }
    const skew = { secretKey: KEY, maxAgeSeconds: maxAge, clockSkewSeconds: 5 };
    expect(readCookieSession(cookie, { ...skew, clock: at(T - 5) })).not.toBeNull();
    expect(readCookieSession(cookie, { ...skew, clock: at(T + maxAge + 5) })).not.toBeNull();
    expect(readCookieSession(cookie, { ...skew, clock: at(T + maxAge + 6) })).toBeNull();
    // Written by Flask 32 days ago: expired under the default 31-day lifetime.
    const old = await flaskWrite({ k: 1 }, T - 32 * 86400);
    expect(readCookieSession(old, { secretKey: KEY, clock: at(T) })).toBeNull();
    expect(readCookieSession(old, { secretKey: KEY, clock: at(T - 32 * 86400) })).not.toBeNull();
  });

  it("refuses a wrong key and accepts SECRET_KEY_FALLBACKS as Flask 3.1 does", async () => {
    const old = await flaskWrite({ k: "v" }, T, "old-key");
    expect(readCookieSession(old, { secretKey: KEY, clock: at(T) })).toBeNull();
    expect((await flaskRead(old)).status).toBe("bad_signature");
    const withFallback = { secretKey: KEY, secretKeyFallbacks: ["older", "old-key"], clock: at(T) };
    expect(readCookieSession(old, withFallback)?.data).toEqual({ k: "v" });
    expect((await flaskRead(old, { fallbacks: ["older", "old-key"] })).status).toBe("ok");
    // A fallback only verifies: the cookie written here is signed with SECRET_KEY.
    const rewritten = writeCookieSession({ k: "v" }, { secretKey: KEY, now: T });
    expect(readCookieSession(rewritten, { secretKey: "old-key", clock: at(T) })).toBeNull();
  });

  it("agrees with itsdangerous on every tampered cookie", async () => {
    const cookie = writeCookieSession({ _user_id: "1", _fresh: true }, { secretKey: KEY, now: T });
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ~é";
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: cookie.length - 1 }),
        fc.constantFrom(...alphabet),
        fc.boolean(),
        async (pos, ch, insert) => {
          const tampered = cookie.slice(0, pos) + ch + cookie.slice(insert ? pos : pos + 1);
          const ours = readCookieSession(tampered, { secretKey: KEY, clock: at(T) });
          const flask = await flaskRead(tampered);
          expect(ours !== null, tampered).toBe(flask.status === "ok");
          if (ours) expect(toAuthTagged(ours.data)).toEqual(flask.data);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("refuses every truncation of a cookie, as Flask does", async () => {
    const cookie = await flaskWrite({ _user_id: "42", note: "x".repeat(200) });
    for (let n = 0; n < cookie.length; n += 3) {
      const cut = cookie.slice(0, n);
      expect(readCookieSession(cut, { secretKey: KEY, clock: at(T) }), `length ${n}`).toBeNull();
      if (n % 15 === 0) expect((await flaskRead(cut)).status).not.toBe("ok");
    }
  });

  it("needs a secret, and an inflated payload stays under its cap", () => {
    expect(() => readCookieSession("x", { secretKey: "" })).toThrow(
      expect.objectContaining({ code: "AUTH_SECRET_MISSING" }),
    );
    const big = writeCookieSession({ pad: "a".repeat(50_000) }, { secretKey: KEY, now: T });
    expect(big.startsWith(".")).toBe(true);
    expect(readCookieSession(big, { secretKey: KEY, clock: at(T), maxInflatedBytes: 10_000 })).toBeNull();
    expect(readCookieSession(big, { secretKey: KEY, clock: at(T) })?.data).toEqual({
      pad: "a".repeat(50_000),
    });
  });
});

const hex = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b).toString("hex"));

describe("itsdangerous base64_decode", () => {
  it("decodes (or refuses) arbitrary text exactly as Python does", async () => {
    const chars = fc.constantFrom(..."ABCabcxyz0189-_+/=.~ é\n".split(""));
    const texts = fc.sample(
      fc.oneof(
        fc.string({ unit: chars, maxLength: 14 }),
        fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString("base64url")),
        fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b).toString("base64")),
      ),
      { numRuns: 3000, seed: 20 },
    );
    const python = (await peer.call("b64_decode_many", { texts })) as (string | null)[];
    const mismatches = texts.filter((t, i) => hex(base64Decode(t)) !== python[i]);
    expect(mismatches).toEqual([]);
    expect(python.filter((x) => x === null).length).toBeGreaterThan(50); // refusals were exercised
  });

  it("round-trips timestamps as big-endian integers without leading zero bytes", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        const b = intToBytes(n);
        expect(b[0]).not.toBe(0);
        expect(bytesToInt(b)).toBe(BigInt(n));
      }),
    );
    expect(bytesToInt(new Uint8Array(9))).toBeNull();
  });
});

describe("itsdangerous Signer (hmac key derivation)", () => {
  it("signs with the newest key and verifies with any of them", () => {
    const rotated = new ItsdangerousSigner(["old", "new"], "salt");
    const signed = rotated.sign(wantBytes("value"));
    expect(new ItsdangerousSigner(["new"], "salt").unsign(signed)).toEqual(wantBytes("value"));
    expect(new ItsdangerousSigner(["old"], "salt").unsign(signed)).toBeNull();
    const byOld = new ItsdangerousSigner(["old"], "salt").sign(wantBytes("value"));
    expect(rotated.unsign(byOld)).toEqual(wantBytes("value"));
    expect(new ItsdangerousSigner(["new"], "other-salt").unsign(signed)).toBeNull();
  });

  it("refuses values without a separator and empty secrets", () => {
    const signer = new ItsdangerousSigner(["k"], "salt");
    expect(signer.unsign(wantBytes("no-separator"))).toBeNull();
    expect(() => new ItsdangerousSigner([""], "salt")).toThrow(
      expect.objectContaining({ code: "AUTH_SECRET_MISSING" }),
    );
    expect(() => new ItsdangerousSigner([], "salt")).toThrow(
      expect.objectContaining({ code: "AUTH_SECRET_MISSING" }),
    );
  });
});
