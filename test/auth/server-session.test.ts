/**
 * Flask-Session's Redis store on a redis-server this file starts: Flask-Session 0.3.2 (pickle,
 * the ≤ 0.5 format) and Flask-Session 0.8's MessagePack format, both ways, signed and unsigned
 * session ids; hostile and truncated stored values are read safely.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { msgspecEncode } from "#src/auth/formats/msgspec-msgpack.js";
import {
  encodeSessionValue,
  readServerSession,
  type ServerSessionStoreOptions,
  writeServerSession,
} from "#src/auth/index.js";
import { dictGet } from "#src/python/dicts.js";
import {
  PyDate,
  PyDatetime,
  PyDecimal,
  PyFloat,
  PyObject,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "#src/python/values.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import type { Json } from "#test/helpers/tagged.js";
import { toAuthTagged } from "./auth-values.js";

const KEY = "superset-secret-key";
const PREFIX = "session:";
const UTC = new PyTzInfo("fixed", 0, null, "datetime.timezone");

let server: RedisServer;
let redis: Redis;
let peer: FlaskPeer;
let scratch: string;
beforeAll(async () => {
  [server, peer] = await Promise.all([
    RedisServer.start({ label: "auth" }),
    FlaskPeer.start({ ops: ["ops_auth"] }),
  ]);
  redis = new Redis(server.port, server.host);
  scratch = mkdtempSync(join(tmpdir(), "superset-cache-auth-"));
});
afterAll(async () => {
  redis?.disconnect();
  await Promise.all([server?.stop(), peer?.close()]);
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

const store = (useSigner: boolean): ServerSessionStoreOptions => ({
  redis,
  keyPrefix: PREFIX,
  useSigner,
  secretKey: KEY,
});
const peerArgs = (useSigner: boolean) => ({
  port: server.port,
  secret_key: KEY,
  use_signer: useSigner,
  prefix: PREFIX,
});

/** A Superset login session with values beyond JSON. */
const LOGIN: Record<string, PyValue> = {
  _fresh: true,
  _id: "f".repeat(128),
  _user_id: "3",
  _permanent: true,
  csrf_token: "9c1a",
  when: new PyDatetime(2025, 5, 1, 8, 30, 0, 123456, UTC),
  list: [1, 2.5, "x", null, false],
  raw: Uint8Array.from([1, 2, 3]),
};

describe("Flask-Session 0.3 (pickle, SETEX, uuid4 ids)", () => {
  it.each([false, true])(
    "reads what Flask-Session writes, and the reverse (signer %s)",
    async (useSigner) => {
      const written = (await peer.call("fs03_write", {
        ...peerArgs(useSigner),
        data: toAuthTagged(LOGIN),
      })) as {
        cookie: string;
        sid: string;
      };
      expect(written.sid).toMatch(/^[0-9a-f-]{36}$/);
      expect(written.cookie.startsWith(written.sid)).toBe(true);
      const ours = await readServerSession(written.cookie, store(useSigner));
      expect(ours?.format).toBe("pickle");
      expect(ours?.sid).toBe(written.sid);
      expect(toAuthTagged(ours?.data as PyValue)).toEqual(toAuthTagged({ ...LOGIN }));

      const mine = await writeServerSession(LOGIN, {
        ...store(useSigner),
        format: "pickle",
        lifetimeSeconds: 600,
      });
      expect(mine.sid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/);
      expect(await redis.ttl(PREFIX + mine.sid)).toBeGreaterThan(590);
      const back = (await peer.call("fs03_read", { ...peerArgs(useSigner), cookie: mine.cookieValue })) as {
        sid: string;
        data: Json;
      };
      expect(back.sid).toBe(mine.sid);
      expect(back.data).toEqual(toAuthTagged({ ...LOGIN }));
    },
  );

  it("refuses a forged, unsigned or foreign-key session id when the signer is on", async () => {
    const mine = await writeServerSession({ _user_id: "1" }, { ...store(true), format: "pickle" });
    const forged = `${mine.sid}.AAAAAAAAAAAAAAAAAAAAAAAAAAA`;
    expect(await readServerSession(forged, store(true))).toBeNull();
    expect(await readServerSession(mine.sid, store(true))).toBeNull();
    expect(await readServerSession(mine.cookieValue, { ...store(true), secretKey: "other" })).toBeNull();
    expect(await readServerSession(mine.cookieValue, store(true))).not.toBeNull();
    // Flask-Session agrees: a forged signature opens a new, empty session.
    const python = (await peer.call("fs03_read", { ...peerArgs(true), cookie: forged })) as { sid: string };
    expect(python.sid).not.toBe(mine.sid);
  });
});

describe("Flask-Session 0.8 (msgspec MessagePack, SET EX, token_urlsafe ids)", () => {
  it.each([false, true])("reads what 0.8 writes, and the reverse (signer %s)", async (useSigner) => {
    const data = {
      ...LOGIN,
      t: PyTuple.fromItems([1, "a"]),
      u: new PyUUID("0123456789abcdef0123456789abcdef"),
    };
    const written = (await peer.call("fs08_write", { ...peerArgs(useSigner), data: toAuthTagged(data) })) as {
      cookie: string;
      sid: string;
    };
    expect(written.sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ours = await readServerSession(written.cookie, store(useSigner));
    expect(ours?.format).toBe("msgpack");
    // msgspec writes tuples as arrays and UUIDs as text: that is what 0.8 reads back too.
    const expected = { ...LOGIN, t: [1, "a"], u: "01234567-89ab-cdef-0123-456789abcdef" };
    expect(toAuthTagged(ours?.data as PyValue)).toEqual(toAuthTagged(expected));

    const mine = await writeServerSession(data, { ...store(useSigner), lifetimeSeconds: 900 });
    expect(mine.sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await redis.ttl(PREFIX + mine.sid)).toBeGreaterThan(890);
    const back = (await peer.call("fs08_read", { ...peerArgs(useSigner), cookie: mine.cookieValue })) as {
      format: string;
      data: Json;
    };
    expect(back.format).toBe("msgpack");
    expect(back.data).toEqual(toAuthTagged(expected));
  });

  it("encodes session dicts byte for byte as msgspec does", async () => {
    const leaf: fc.Arbitrary<PyValue> = fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 40 }),
      fc.string({ maxLength: 300 }),
      fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
      fc.double({ noNaN: true }).map((x) => new PyFloat(x)),
      fc.boolean(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 300 }),
      fc
        .record({
          s: fc.integer({ min: -(2 ** 35), max: 2 ** 36 }),
          us: fc.integer({ min: 0, max: 999_999 }),
        })
        .map(({ s, us }) => {
          const d = new Date(s * 1000);
          const f = [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours()] as const;
          return new PyDatetime(...f, d.getUTCMinutes(), d.getUTCSeconds(), us, UTC);
        }),
      fc.constant(new PyDatetime(2024, 1, 2, 3, 4, 5, 6)),
      fc.constant(new PyDate(2024, 1, 2)),
      fc.constant(new PyDecimal("1.50")),
    );
    const value = fc.letrec<{ v: PyValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("v"), { maxLength: 20 }),
        fc.dictionary(fc.string({ maxLength: 6 }), tie("v"), { maxKeys: 18 }),
      ),
    })).v;
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 8 }), value, { maxKeys: 6 }), async (data) => {
        const python = (await peer.call("msgspec_encode", { data: toAuthTagged(data) })) as string;
        expect(Buffer.from(msgspecEncode(data)).toString("hex")).toBe(python);
      }),
      { numRuns: 80 },
    );
  });

  it("falls back to JSON, then pickle, as 0.8 reads", async () => {
    await redis.set(`${PREFIX}json-sid`, '{"_user_id": "5"}');
    expect(await readServerSession("json-sid", store(false))).toMatchObject({
      format: "json",
      data: { _user_id: "5" },
    });
    await redis.set(`${PREFIX}pickle-sid`, encodeSessionValue({ _user_id: "6" }, "pickle") as Buffer);
    expect(await readServerSession("pickle-sid", store(false))).toMatchObject({ format: "pickle" });
    const python = (await peer.call("fs08_read", { ...peerArgs(false), cookie: "pickle-sid" })) as {
      format: string;
    };
    expect(python.format).toBe("pickle");
  });
});

describe("stored values that are not sessions", () => {
  it("never executes a hostile pickle", async () => {
    const marker = join(scratch, "pwned");
    // pickle protocol 0: os.system("touch <marker>"), then a dict holding the same call.
    const call = `cos\nsystem\n(V touch ${marker}\ntR`;
    await redis.set(`${PREFIX}evil-top`, Buffer.from(`${call}.`, "latin1"));
    await redis.set(`${PREFIX}evil-dict`, Buffer.from(`(dp0\nV_user_id\np1\n${call}s.`, "latin1"));
    expect(await readServerSession("evil-top", store(false))).toBeNull();
    const dict = await readServerSession("evil-dict", store(false));
    const userId = dictGet(dict?.data ?? {}, "_user_id");
    expect(userId).toBeInstanceOf(PyObject);
    expect((userId as PyObject).qualifiedName).toBe("os.system");
    expect(existsSync(marker)).toBe(false);
  });

  it("answers null (never throws) for truncated, empty or garbage values", async () => {
    const full = Buffer.from(encodeSessionValue(LOGIN, "msgpack"));
    const pickled = Buffer.from(encodeSessionValue(LOGIN, "pickle"));
    for (const source of [full, pickled]) {
      for (let n = 0; n < source.length; n += 7) {
        await redis.set(`${PREFIX}cut`, source.subarray(0, n));
        const read = await readServerSession("cut", store(false));
        expect(read === null || read.data !== undefined).toBe(true);
      }
    }
    for (const junk of ["", "\xc1", "[1,2]", "\x93\x01\x02\x03"]) {
      await redis.set(`${PREFIX}junk`, Buffer.from(junk, "latin1"));
      expect(await readServerSession("junk", store(false))).toBeNull();
    }
    expect(await readServerSession("no-such-sid", store(false))).toBeNull();
    expect(await readServerSession("", store(false))).toBeNull();
    expect(await readServerSession("x".repeat(1000), store(false))).toBeNull();
  });

  it("reports a dead Redis as AUTH_SESSION_STORE_FAILED", async () => {
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    dead.on("error", () => {});
    await expect(readServerSession("sid", { redis: dead })).rejects.toMatchObject({
      code: "AUTH_SESSION_STORE_FAILED",
    });
    dead.disconnect();
  });

  it("refuses values a format cannot carry", async () => {
    await expect(
      writeServerSession({ x: new PyObject("a", "B") }, { ...store(false) }),
    ).rejects.toMatchObject({
      code: "AUTH_SESSION_ENCODE_FAILED",
    });
  });
});
