/**
 * The key browser over Celery's and Flask-Session's keys, written by Python: kombu queue lists
 * from `send_task` (decoded, never consumed, the session-cookie flag set and the cookie masked),
 * the `unacked` hash and `unacked_index` after a kombu `basic_get` without ack, a result meta
 * Celery's Redis backend stored, async-query event streams from Superset's AsyncQueryManager,
 * Flask-Session sessions in pickle (≤ 0.5) and MessagePack (0.6+) with the CSRF token masked,
 * and the generic view of other lists, hashes, sets, sorted sets and streams.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startUiServer, type UiServer } from "#src/ui/ui-server.js";
import { celeryPeer } from "#test/helpers/celery-peer.js";
import { PYTHON_PEER_DIR } from "#test/helpers/paths.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { debianPython } from "#test/helpers/python.js";
import { RedisServer } from "#test/helpers/redis-server.js";

// biome-ignore lint/suspicious/noExplicitAny: API replies are checked field by field
type Json = any;

const SECRET_KEY = "flask-secret-Celery-77";
const CSRF = "csrf-token-value-9f8e7d";
const COOKIE = "session=eyJfZnJlc2giOmZhbHNlfQ.cookie-secret-part";
let redis: RedisServer;
let server: UiServer;
let client: Redis;
const sids: Record<string, string> = {};
const taskIds: string[] = [];
let resultId = "";

const url = (db: number) => `${redis.url}/${db}`;
const id = (key: string) => Buffer.from(key, "utf8").toString("base64url");

function python(script: string, args: string[] = []): string {
  const r = spawnSync(debianPython(), ["-c", script, ...args], { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return r.stdout.trim();
}

async function entry(cache: string, key: string): Promise<{ status: number; body: Json; text: string }> {
  const r = await fetch(`http://127.0.0.1:${server.port}/api/entry?cache=${cache}&key=${id(key)}`, {
    headers: { "x-superset-cache-token": server.token },
  });
  const text = await r.text();
  return { status: r.status, body: JSON.parse(text), text };
}

beforeAll(async () => {
  redis = await RedisServer.start({ label: "ui-celery" });
  // Broker db 1: three tasks (one fetch_url with the warm-up user's cookie), then two taken without ack.
  taskIds.push(
    ...celeryPeer<string[]>(
      "send",
      {
        tasks: [
          { name: "reports.execute", args: [1] },
          { name: "reports.execute", args: [2] },
          { name: "cache-warmup", kwargs: { strategy_name: "top_n_dashboards", top_n: 5 } },
          {
            name: "fetch_url",
            args: ['{"chart_id": 5}', { Cookie: COOKIE, "Content-Type": "application/json" }],
          },
        ],
      },
      { brokerUrl: url(1) },
    ),
  );
  celeryPeer<string[]>("hold", { queue: "celery", count: 2 }, { brokerUrl: url(1) });
  // Result backend db 2: Celery's RedisBackend stores a SUCCESS meta as a worker would.
  resultId = python(
    [
      "import sys, uuid, celery",
      "app = celery.Celery('peer', backend=sys.argv[1])",
      "app.conf.result_serializer = 'json'",
      "tid = str(uuid.uuid4())",
      "app.backend.store_result(tid, {'rows': 3, 'query_id': 17}, 'SUCCESS')",
      "print(tid)",
    ].join("\n"),
    [url(2)],
  );
  // Async-query events db 3: Superset's AsyncQueryManager.update_job.
  const ev = spawnSync(debianPython(), [join(PYTHON_PEER_DIR, "async_events_peer.py")], {
    input: JSON.stringify({
      redis_url: url(3),
      op: "update_job",
      job: {
        channel_id: "chan-1",
        job_id: "job-1",
        user_id: 1,
        status: "pending",
        errors: [],
        result_url: null,
      },
      status: "done",
      updates: { result_url: "/api/v1/chart/data/qc-abc" },
    }),
    encoding: "utf8",
    timeout: 30_000,
  });
  if (ev.status !== 0) throw new Error(`async_events_peer failed: ${ev.stderr}`);
  // Sessions db 0: Flask-Session's own writer (pickle) and 0.8's MessagePack layout.
  const peer = await FlaskPeer.start({ ops: ["ops_auth"] });
  try {
    const data = { _user_id: "7", _fresh: true, csrf_token: CSRF, locale: "en" };
    const args = { port: redis.port, secret_key: SECRET_KEY, use_signer: false, prefix: "session:" };
    sids.pickle = ((await peer.call("fs03_write", { ...args, data })) as { sid: string }).sid;
    sids.msgpack = ((await peer.call("fs08_write", { ...args, data })) as { sid: string }).sid;
  } finally {
    await peer.close();
  }
  client = new Redis(url(4));
  await client.rpush("plain-list", "a", "<b>b</b>", Buffer.from([0xff, 0x00]));
  await client.hset("plain-hash", { f1: "v1" });
  await client.sadd("plain-set", "m1");
  await client.zadd("plain-zset", 2, "z2", 1, "z1");
  await client.xadd("plain-stream", "*", "k", "v");
  await client.rpush("big-list", ...Array.from({ length: 500 }, (_, i) => `item-${i}`));
  server = await startUiServer({
    supersetConfig: {
      SECRET_KEY,
      CACHE_CONFIG: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url(4), CACHE_KEY_PREFIX: "" },
      CELERY_CONFIG: { broker_url: url(1), result_backend: url(2) },
      GLOBAL_ASYNC_QUERIES_CACHE_BACKEND: { CACHE_TYPE: "RedisCache", CACHE_REDIS_URL: url(3) },
      SESSION_REDIS: url(0),
    } as never,
    port: 0,
    sampling: { intervalSeconds: 60 },
  });
}, 120_000);

afterAll(async () => {
  client?.disconnect();
  await server?.close();
  await redis?.stop();
});

describe("Celery keys in the key browser", () => {
  it("the config's broker, result backend, event streams and session store are browsable caches", async () => {
    const r = await fetch(`http://127.0.0.1:${server.port}/api/overview`, {
      headers: { "x-superset-cache-token": server.token },
    });
    const names = ((await r.json()) as Json).caches.map((c: Json) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "CELERY_BROKER",
        "CELERY_RESULT_BACKEND",
        "GLOBAL_ASYNC_QUERIES",
        "SESSION_REDIS",
      ]),
    );
  });

  it("a queue list shows its messages decoded in worker order, without consuming, cookies masked", async () => {
    const before = redis.cli(["-n", "1", "LLEN", "celery"]).out;
    const { status, body, text } = await entry("CELERY_BROKER", "celery");
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: "celery-queue", format: "list", items: { total: 2, shown: 2 } });
    // hold took the two oldest; the rest in the order a worker takes them.
    expect(body.value.map((m: Json) => m.task)).toEqual(["cache-warmup", "fetch_url"]);
    expect(body.value.map((m: Json) => m.id)).toEqual([taskIds[2], taskIds[3]]);
    expect(body.value[0]).toMatchObject({
      kwargs: { strategy_name: "top_n_dashboards", top_n: 5 },
      retries: 0,
      eta: null,
      sessionCookie: false,
    });
    expect(body.value[1].sessionCookie).toBe(true);
    expect(body.value[1].args[1]).toEqual({ Cookie: "session=***", "Content-Type": "application/json" });
    expect(text).not.toContain("cookie-secret-part");
    expect(redis.cli(["-n", "1", "LLEN", "celery"]).out).toBe(before);
  });

  it("the unacked hash and unacked_index show the delivered messages and their delivery times", async () => {
    const hash = await entry("CELERY_BROKER", "unacked");
    expect(hash.body).toMatchObject({
      kind: "celery-unacked",
      format: "hash",
      items: { total: 2, shown: 2 },
    });
    expect(hash.body.value.map((m: Json) => m.id).sort()).toEqual([taskIds[0], taskIds[1]].sort());
    for (const m of hash.body.value) {
      expect(m).toMatchObject({ task: "reports.execute", queue: "celery" });
      expect(Date.parse(m.deliveredAt)).toBeGreaterThan(Date.now() - 600_000);
    }
    const index = await entry("CELERY_BROKER", "unacked_index");
    expect(index.body).toMatchObject({ kind: "celery-unacked-index", format: "zset", items: { total: 2 } });
    expect(index.body.value.map((x: Json) => x.deliveryTag).sort()).toEqual(
      hash.body.value.map((m: Json) => m.deliveryTag).sort(),
    );
  });

  it("a celery-task-meta result is decoded as Celery's result meta", async () => {
    const { body } = await entry("CELERY_RESULT_BACKEND", `celery-task-meta-${resultId}`);
    expect(body).toMatchObject({
      kind: "celery-result",
      format: "json",
      value: { taskId: resultId, status: "SUCCESS", result: { rows: 3, query_id: 17 }, exception: null },
    });
  });

  it("async-query event streams show each event's job, status and result URL (XRANGE)", async () => {
    for (const stream of ["async-events-chan-1", "async-events-full"]) {
      const { body } = await entry("GLOBAL_ASYNC_QUERIES", stream);
      expect(body).toMatchObject({
        kind: "async-query-events",
        format: "stream",
        items: { total: 1, shown: 1 },
      });
      expect(body.value[0]).toMatchObject({
        channel_id: "chan-1",
        job_id: "job-1",
        status: "done",
        result_url: "/api/v1/chart/data/qc-abc",
      });
      expect(body.value[0].streamId).toMatch(/^\d+-\d+$/);
    }
  });
});

describe("Flask-Session sessions in the key browser", () => {
  it.each(["pickle", "msgpack"] as const)(
    "a %s session shows its user id and keys, the CSRF token masked",
    async (format) => {
      const { status, body, text } = await entry("SESSION_REDIS", `session:${sids[format]}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({
        kind: "flask-session",
        format,
        value: {
          userId: 7,
          fresh: true,
          keys: expect.arrayContaining(["_user_id", "_fresh", "csrf_token", "locale"]),
          data: { _user_id: "7", locale: "en", csrf_token: "***" },
        },
      });
      expect(text).not.toContain(CSRF);
    },
  );
});

describe("other Redis types", () => {
  it("lists, hashes, sets, sorted sets and streams show their first items as text", async () => {
    const list = (await entry("CACHE_CONFIG", "plain-list")).body;
    expect(list).toMatchObject({ kind: "redis-list", items: { total: 3, shown: 3 } });
    expect(list.value.slice(0, 2)).toEqual([
      { index: 0, value: "a" },
      { index: 1, value: "<b>b</b>" },
    ]);
    expect(list.value[2].value).toEqual({ $bytes: { length: 2, hex: "ff00" } });
    expect((await entry("CACHE_CONFIG", "plain-hash")).body).toMatchObject({
      kind: "redis-hash",
      value: [{ field: "f1", value: "v1" }],
    });
    expect((await entry("CACHE_CONFIG", "plain-set")).body).toMatchObject({
      kind: "redis-set",
      value: [{ member: "m1" }],
    });
    expect((await entry("CACHE_CONFIG", "plain-zset")).body).toMatchObject({
      kind: "redis-zset",
      value: [
        { member: "z1", score: 1 },
        { member: "z2", score: 2 },
      ],
    });
    const stream = (await entry("CACHE_CONFIG", "plain-stream")).body;
    expect(stream).toMatchObject({ kind: "redis-stream", value: [{ fields: { k: "v" } }] });
  });

  it("a long list shows one bounded page and reports its length", async () => {
    const { body } = await entry("CACHE_CONFIG", "big-list");
    // One page of the view's page size (25 rows by default).
    expect(body.items).toEqual({ total: 500, shown: 25 });
    expect(body.value).toHaveLength(25);
    expect(body.value[24]).toEqual({ index: 24, value: "item-24" });
  });
});
