/**
 * Live session ids never reach the page. Flask-Session (Python) writes sessions under the
 * config's SESSION_KEY_PREFIX and under the default `session:`; a Celery `fetch_url` message
 * carries one as its Cookie; an async-query event quotes a JWT PyJWT signed. Every response body
 * (page, script, key lists, searches, entries, raw bytes, doctor, errors) is checked for the sids,
 * their key ids and the JWT, and session keys are opened, searched and deleted by handle.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionKeys } from "#src/ui/session-keys.js";
import { startUiServer, type UiServer } from "#src/ui/ui-server.js";
import { celeryPeer } from "#test/helpers/celery-peer.js";
import { PYTHON_PEER_DIR } from "#test/helpers/paths.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { debianPython } from "#test/helpers/python.js";
import { RedisServer } from "#test/helpers/redis-server.js";

// biome-ignore lint/suspicious/noExplicitAny: API replies are checked field by field
type Json = any;

const SECRET_KEY = "flask-secret-Sessions-31";
const PREFIX = "sess:";
let redis: RedisServer;
let server: UiServer;
let client: Redis;
/** sid by name: `custom` under PREFIX, `plain` and `doomed` under `session:` (db 0), `cookie` in a task. */
const sids: Record<string, string> = {};
let jwt = "";
/** Every response body the tests read, swept for secrets at the end. */
const bodies: string[] = [];

const url = (db: number) => `${redis.url}/${db}`;
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

async function get(path: string): Promise<{ status: number; body: Json; text: string }> {
  const r = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    headers: { "x-superset-cache-token": server.token },
  });
  const text = await r.text();
  bodies.push(text);
  return { status: r.status, body: path.startsWith("/api/") ? JSON.parse(text) : text, text };
}

async function keyList(cache: string, q = ""): Promise<Json[]> {
  const out: Json[] = [];
  let cursor = "0";
  do {
    const { body } = await get(`/api/keys?cache=${cache}&cursor=${cursor}&q=${encodeURIComponent(q)}`);
    out.push(...body.keys);
    cursor = body.cursor;
  } while (cursor !== "0");
  return out;
}

/** Everything secret the fixture holds, with the forms a response could carry it in. */
function secretForms(): string[] {
  const out = [jwt, jwt.split(".")[1] as string];
  for (const sid of Object.values(sids))
    out.push(sid, b64(sid), b64(`${PREFIX}${sid}`), b64(`session:${sid}`), Buffer.from(sid).toString("hex"));
  return out;
}

beforeAll(async () => {
  redis = await RedisServer.start({ label: "ui-sessions" });
  const peer = await FlaskPeer.start({ ops: ["ops_auth"] });
  try {
    const data = { _user_id: "3", _fresh: false, csrf_token: "csrf-Sessions-1", locale: "de" };
    const args = { port: redis.port, secret_key: SECRET_KEY, use_signer: false };
    const write = async (op: string, prefix: string) =>
      ((await peer.call(op, { ...args, prefix, data })) as { sid: string }).sid;
    sids.custom = await write("fs08_write", PREFIX);
    sids.plain = await write("fs03_write", "session:");
    sids.doomed = await write("fs08_write", PREFIX);
    sids.cookie = await write("fs08_write", PREFIX);
    jwt = (await peer.call("jwt_encode", {
      claims: { channel: "chan-9", sub: "3" },
      secret: "gaq-jwt-secret-0123456789abcdef0123",
      algorithm: "HS256",
    })) as string;
  } finally {
    await peer.close();
  }
  // Broker db 1: Superset's cache-warmup fetch_url with the session cookie (the sid, unsigned).
  celeryPeer(
    "send",
    { tasks: [{ name: "fetch_url", args: ['{"chart_id": 5}', { Cookie: `session=${sids.cookie}` }] }] },
    { brokerUrl: url(1) },
  );
  // Async-query events db 3: an event whose error quotes the async-token JWT.
  const ev = spawnSync(debianPython(), [join(PYTHON_PEER_DIR, "async_events_peer.py")], {
    input: JSON.stringify({
      redis_url: url(3),
      op: "update_job",
      job: { channel_id: "chan-9", job_id: "job-9", user_id: 3, status: "pending", errors: [] },
      status: "error",
      updates: { errors: [{ message: `rejected async-token ${jwt}` }] },
    }),
    encoding: "utf8",
    timeout: 30_000,
  });
  if (ev.status !== 0) throw new Error(`async_events_peer failed: ${ev.stderr}`);
  client = new Redis(url(0));
  // A value that is no session under a session name, and a list quoting the cookie as text.
  await client.set(`${PREFIX}not-a-session-value-0123456789`, Buffer.from([0x80, 0x05, 0xff]));
  sids.garbage = "not-a-session-value-0123456789";
  await client.rpush("access-log", `GET /superset/welcome Cookie: session=${sids.custom}; theme=dark`);
  await client.set("superset_plain", "x");
  await client.set("superset_note", `opened ${PREFIX}${sids.custom} with ${jwt} done`);
  server = await startUiServer({
    supersetConfig: {
      SECRET_KEY,
      // Prefix "" on the sessions' database: the cache's key list holds the session keys too.
      CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url(0), CACHE_KEY_PREFIX: "" },
      CELERY_CONFIG: { broker_url: url(1) },
      GLOBAL_ASYNC_QUERIES_CACHE_BACKEND: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url(3) },
      SESSION_REDIS: url(0),
      SESSION_KEY_PREFIX: PREFIX,
    } as never,
    port: 0,
    allowWrites: true,
    sampling: { intervalSeconds: 60 },
  });
}, 120_000);

afterAll(async () => {
  client?.disconnect();
  await server?.close();
  await redis?.stop();
});

describe("session keys in the key browser", () => {
  it("lists session keys masked, each with an opaque handle, other keys as before", async () => {
    const keys = await keyList("SESSION_REDIS");
    const shown = keys.map((k) => k.key).sort();
    expect(shown).toEqual(
      [sids.custom, sids.doomed, sids.cookie, sids.garbage].map((s) => `${PREFIX}${s?.slice(0, 4)}…`).sort(),
    );
    for (const k of keys) {
      expect(k.id).toMatch(/^s\.[A-Za-z0-9_-]{32}$/);
      expect(k.masked).toBe(true);
    }
    // The cache over the same database: both prefixes are masked, ordinary keys keep their ids.
    const all = await keyList("CACHE_CONFIG");
    expect(all.find((k) => k.key === `session:${sids.plain?.slice(0, 4)}…`)?.id).toMatch(/^s\./);
    expect(all.find((k) => k.key === "superset_plain")).toMatchObject({ id: b64("superset_plain") });
    expect(all.find((k) => k.key === "superset_plain").masked).toBeUndefined();
  });

  it("opens a session by its handle: the session view, the title masked, raw bytes by handle", async () => {
    const k = (await keyList("SESSION_REDIS")).find((x) => x.key === `${PREFIX}${sids.custom?.slice(0, 4)}…`);
    const { status, body } = await get(`/api/entry?cache=SESSION_REDIS&key=${k.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      key: k.key,
      kind: "flask-session",
      format: "msgpack",
      value: { userId: 3, data: { csrf_token: "***", locale: "de" } },
    });
    const raw = await get(`/api/raw?cache=SESSION_REDIS&key=${k.id}`);
    expect(raw.status).toBe(200);
    expect(raw.body.total).toBeGreaterThan(0);
    expect(Buffer.from(raw.body.hex, "hex").toString("latin1")).toContain("locale");
    // A handle is bound to its cache, and a made-up one names nothing.
    expect((await get(`/api/entry?cache=CACHE_CONFIG&key=${k.id}`)).body.kind).toBeUndefined();
    expect((await get(`/api/raw?cache=SESSION_REDIS&key=s.${"A".repeat(32)}`)).status).toBe(400);
  });

  it("a value under a session name that is no session fails without naming the key", async () => {
    const k = (await keyList("SESSION_REDIS")).find((x) => x.key === `${PREFIX}not-…`);
    const { body, text } = await get(`/api/entry?cache=SESSION_REDIS&key=${k.id}`);
    expect(body.error).toMatch(/cannot decode/);
    expect(text).not.toContain("a-session-value");
  });

  it("finds a session by its full sid without echoing it", async () => {
    const hits = await keyList("SESSION_REDIS", sids.custom);
    expect(hits.map((k) => k.key)).toEqual([`${PREFIX}${sids.custom?.slice(0, 4)}…`]);
    const { body } = await get(`/api/keys?cache=CACHE_CONFIG&q=${sids.plain}`);
    expect(body.keys).toHaveLength(1);
    expect(body.match).toBe(`*${sids.plain?.slice(0, 4)}…*`);
  });

  it("deletes a session by its handle (--allow-writes)", async () => {
    const k = (await keyList("SESSION_REDIS")).find((x) => x.key === `${PREFIX}${sids.doomed?.slice(0, 4)}…`);
    const r = await fetch(`http://127.0.0.1:${server.port}/api/delete`, {
      method: "POST",
      headers: {
        "x-superset-cache-token": server.token,
        "x-superset-cache-ui": "1",
        "content-type": "application/json",
      },
      body: JSON.stringify({ cache: "SESSION_REDIS", key: k.id }),
    });
    const text = await r.text();
    bodies.push(text);
    expect(JSON.parse(text)).toEqual({ deleted: 1 });
    expect(await client.exists(`${PREFIX}${sids.doomed}`)).toBe(0);
    expect(await client.exists(`${PREFIX}${sids.custom}`)).toBe(1);
  });
});

describe("sids and JWTs inside values", () => {
  it("a fetch_url message is flagged as carrying the session cookie, the cookie masked", async () => {
    const { body } = await get(`/api/entry?cache=CELERY_BROKER&key=${b64("celery")}`);
    expect(body.kind).toBe("celery-queue");
    expect(body.value[0]).toMatchObject({ task: "fetch_url", sessionCookie: true });
    expect(body.value[0].args[1]).toEqual({ Cookie: "session=***" });
  });

  it("a cookie quoted in a plain list and a JWT in an async-query event are masked", async () => {
    const log = await get(`/api/entry?cache=CACHE_CONFIG&key=${b64("access-log")}`);
    expect(log.body.value[0].value).toBe("GET /superset/welcome Cookie: session=***; theme=dark");
    for (const stream of ["async-events-chan-9", "async-events-full"]) {
      const { body } = await get(`/api/entry?cache=GLOBAL_ASYNC_QUERIES&key=${b64(stream)}`);
      expect(body.kind).toBe("async-query-events");
      expect(body.value[0]).toMatchObject({
        channel_id: "chan-9",
        status: "error",
        errors: [{ message: "rejected async-token ***" }],
      });
    }
  });

  it("raw bytes of a value quoting a sid and a JWT show them overwritten, lengths kept", async () => {
    const { body } = await get(`/api/raw?cache=CACHE_CONFIG&key=${b64("superset_note")}`);
    const text = Buffer.from(body.hex, "hex").toString("latin1");
    const sid = sids.custom as string;
    expect(text).toBe(
      `opened ${PREFIX}${sid.slice(0, 4)}${"*".repeat(sid.length - 4)} with ${"*".repeat(jwt.length)} done`,
    );
    // Not a Flask-Caching entry: the view's hex preview of its first 64 bytes is masked alike.
    const entry = await get(`/api/entry?cache=CACHE_CONFIG&key=${b64("superset_note")}`);
    const preview = Buffer.from(entry.body.value.$bytes.hex, "hex").toString("latin1");
    const sidEnd = `opened ${PREFIX}${sid}`.length;
    expect(preview.slice(0, sidEnd)).toBe(text.slice(0, sidEnd));
  });
});

describe("a forgotten handle", () => {
  it("is found again by scanning the session keys and recomputing their HMACs", async () => {
    const keys = new SessionKeys({ SESSION_KEY_PREFIX: PREFIX }, 1);
    const t = { name: "SESSION_REDIS", prefix: PREFIX, role: "sessions" };
    const first = Buffer.from(`${PREFIX}${sids.custom}`);
    const handle = keys.idOf(t, first);
    keys.idOf(t, Buffer.from(`${PREFIX}${sids.cookie}`)); // evicts the first
    expect(await keys.resolve(t, client, handle)).toEqual(first);
    expect(await keys.resolve({ ...t, name: "OTHER" }, client, handle)).toBeUndefined();
    expect(keys.display(t, first)).toBe(`${PREFIX}${sids.custom?.slice(0, 4)}…`);
  });
});

describe("no response carries a sid, a session's key id or the JWT", () => {
  it("the page, its script, the overview, the doctor and every body read above", async () => {
    for (const path of ["/", "/app.js", "/app.css", "/api/overview", "/api/doctor"]) await get(path);
    for (const cache of ["CELERY_BROKER", "GLOBAL_ASYNC_QUERIES"]) await keyList(cache);
    expect(bodies.length).toBeGreaterThan(20);
    const forms = secretForms();
    for (const text of bodies) for (const form of forms) expect(text).not.toContain(form);
  }, 30_000);
});
