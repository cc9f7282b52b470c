/**
 * Python `send_task` → Node `peek`: messages written by Debian's celery 5.2 / kombu 5.2 client
 * are read back in the order a worker would take them (priority lists included), with their
 * args, kwargs and options; kombu's own `basic_get` without ack fills `unacked`, which Node
 * counts and reads; a `global_keyprefix` broker is read only with the prefix. Node's message
 * text is compared with Python's for the same call.
 */
import { brotliCompressSync, deflateSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_INFLATED_BODY_BYTES, decompressBody } from "#src/celery/body-compression.js";
import {
  CeleryClient,
  celerySaferepr,
  decodeSqlLabTask,
  decodeTaskMessage,
  type PeekedEntry,
} from "#src/celery/index.js";
import { redisOptionsFromUrl } from "#src/celery/redis-connection.js";
import { pickle } from "#src/index.js";
import { celeryPeer } from "#test/helpers/celery-peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { fromTagged, type Json, pyFloatRepr } from "#test/helpers/tagged.js";

let redis: RedisServer;
const clients: CeleryClient[] = [];
const url = (db: number) => `${redis.url}/${db}`;
function client(db: number, globalKeyPrefix?: string): CeleryClient {
  const c = new CeleryClient({
    brokerUrl: url(db),
    ...(globalKeyPrefix ? { transportOptions: { globalKeyPrefix } } : {}),
  });
  clients.push(c);
  return c;
}
const send = (db: number, tasks: unknown[], globalKeyPrefix?: string) =>
  celeryPeer<string[]>(
    "send",
    { tasks },
    { brokerUrl: url(db), ...(globalKeyPrefix ? { globalKeyPrefix } : {}) },
  );
const messages = (entries: PeekedEntry[]) =>
  entries.map((e) => {
    if (!e.ok) throw e.error;
    return e.message;
  });

beforeAll(async () => {
  redis = await RedisServer.start({ label: "celery-peek" });
});
afterAll(async () => {
  for (const c of clients) await c.close();
  await redis?.stop();
});

describe("peek reads what Python's send_task wrote", () => {
  it("in worker order (priority step 0 first, oldest first), with args, kwargs, options and the cookie flag", async () => {
    const ids = send(0, [
      { name: "reports.execute", args: [1] },
      { name: "reports.execute", args: [2], options: { priority: 9 } },
      { name: "cache-warmup", kwargs: { strategy_name: "dummy" }, options: { priority: 3 } },
      {
        name: "reports.execute",
        args: [3],
        options: { priority: 0, eta: "2030-01-02T03:04:05.000006+00:00" },
      },
      {
        name: "cache_chart_thumbnail",
        kwargs: { current_user: "admin", chart_id: 5, force: false },
        options: { priority: 5 },
      },
      {
        name: "fetch_url",
        args: [
          '{"chart_id": 5}',
          { Cookie: "session=eyJfZnJlc2giOmZhbHNlfQ.abc", "Content-Type": "application/json" },
        ],
        options: { expires: "2030-01-01T00:00:00+00:00" },
      },
      {
        name: "sql_lab.get_sql_results",
        args: [17, "SELECT 1"],
        kwargs: {
          return_results: false,
          store_results: true,
          username: "alice",
          start_time: 1.7e12,
          expand_data: true,
          log_params: { user_agent: "x" },
        },
      },
    ]);
    const c = client(0);
    const got = messages(await c.peek());
    // Step 0: ids 0, 3, 5, 6 (oldest first); step 3: ids 2 (priority 3) and 4 (priority 5); step 9: id 1.
    expect(got.map((m) => m.id)).toEqual([ids[0], ids[3], ids[5], ids[6], ids[2], ids[4], ids[1]]);
    expect(got.map((m) => m.priority)).toEqual([0, 0, 0, 0, 3, 5, 9]);
    expect(got[1]).toMatchObject({
      task: "reports.execute",
      args: [3],
      eta: "2030-01-02T03:04:05.000006+00:00",
    });
    expect(got[4]).toMatchObject({ task: "cache-warmup", args: [], kwargs: { strategy_name: "dummy" } });
    expect(got[5]!.kwargs).toEqual({ current_user: "admin", chart_id: 5, force: false });
    expect(got[2]!.expires).toBe("2030-01-01T00:00:00+00:00");
    expect(got.map((m) => m.carriesSessionCookie)).toEqual([false, false, true, false, false, false, false]);
    expect(got[0]).toMatchObject({ protocol: 2, contentType: "application/json", embed: { chain: null } });
    expect(decodeSqlLabTask(got[3]!)).toEqual({
      queryId: 17,
      renderedQuery: "SELECT 1",
      returnResults: false,
      storeResults: true,
      username: "alice",
      startTime: 1.7e12,
      expandData: true,
      logParams: { user_agent: "x" },
    });
    expect(await c.queueDepth()).toEqual({
      queue: "celery",
      ready: 7,
      byStep: { 0: 4, 3: 2, 6: 0, 9: 1 },
      unacked: 0,
    });
    expect(messages(await c.peek("celery", { limit: 1 })).map((m) => m.id)).toEqual([ids[0], ids[2], ids[1]]);
  });

  it("messages a kombu consumer took without ack are counted and read from the unacked hash", async () => {
    const before = Date.now();
    const tags = celeryPeer<string[]>("hold", { queue: "celery", count: 2 }, { brokerUrl: url(0) });
    expect(tags).toHaveLength(2);
    const c = client(0);
    expect(await c.queueDepth()).toMatchObject({ ready: 5, unacked: 2 });
    const unacked = await c.peekUnacked("celery");
    expect(unacked.map((u) => u.deliveryTag).sort()).toEqual([...tags].sort());
    for (const u of unacked) {
      expect(u.queue).toBe("celery");
      expect(u.message?.task).toBe("reports.execute");
      expect(u.deliveredAtMs).toBeGreaterThanOrEqual(before - 2000);
    }
    expect(await c.peekUnacked("other")).toEqual([]);
  });

  it("a global_keyprefix broker: Python's keys carry the prefix, Node reads them only through it", async () => {
    const [id] = send(2, [{ name: "reports.execute", args: [8], options: { priority: 6 } }], "tenant-a:");
    expect(redis.cli(["-n", "2", "LLEN", "tenant-a:celery\x06\x166"]).out).toBe("1");
    expect(messages(await client(2, "tenant-a:").peek()).map((m) => m.id)).toEqual([id]);
    expect(await client(2).peek()).toEqual([]);
    expect((await client(2, "tenant-a:").queueDepth()).byStep[6]).toBe(1);
  });

  it("Node's message for a call is Python's text, up to the per-process fields", async () => {
    const spec = {
      name: "cache-warmup",
      args: ["a'b", 1.5, [1, 2], null],
      kwargs: { x: { y: "é" }, n: 10 },
      options: {
        priority: 4,
        eta: "2031-05-06T07:08:09.123456+00:00",
        task_id: "7d0e9a35-0000-4000-8000-000000000001",
      },
    };
    send(3, [spec]);
    const python = redis.cli(["-n", "3", "--no-raw", "RPOP", "celery\x06\x163"]).out;
    const c52 = new CeleryClient({ brokerUrl: url(3), headerStyle: "5.2" });
    clients.push(c52);
    const node = c52.prepareTask(spec.name, spec.args, spec.kwargs, {
      priority: 4,
      eta: new Date("2031-05-06T07:08:09.123Z"),
      taskId: spec.options.task_id,
    });
    const normalize = (text: string) =>
      text
        .replace(/"(reply_to|delivery_tag|origin)": "[^"]*"/g, '"$1": "*"')
        .replace(/\.123(456|000)\+00:00/g, ".123+00:00");
    const pythonText = JSON.parse(python) as string; // redis-cli --no-raw prints a quoted string
    expect(normalize(node.message)).toBe(normalize(pythonText));
    // The 5.3 layout (Superset 4.1+ pins Celery 5.3 – 5.5) only appends three headers.
    const node53 = client(3).prepareTask(spec.name, spec.args, spec.kwargs, { priority: 4, taskId: "t" });
    expect(Object.keys(decodeTaskMessage(node53.message).headers).slice(-4)).toEqual([
      "ignore_result",
      "replaced_task_nesting",
      "stamped_headers",
      "stamps",
    ]);
    expect(node.key).toBe("celery\x06\x163");
  });
});

describe("compressed messages (kombu's `compression` header)", () => {
  it("zlib and brotli bodies Python sent are read; a bzip2 body is a CELERY_COMPRESSION_UNSUPPORTED entry", async () => {
    const [zid] = send(5, [{ name: "reports.execute", args: [1, "é"], options: { compression: "zlib" } }]);
    const [bid] = send(5, [{ name: "reports.execute", args: [2], options: { compression: "bzip2" } }]);
    const entries = await client(5).peek();
    const z = entries.find((e) => e.ok && e.message.id === zid);
    expect(z?.ok && z.message).toMatchObject({ task: "reports.execute", args: [1, "é"] });
    expect(z?.ok && z.message.headers.compression).toBe("application/x-gzip");
    const refused = entries.filter((e) => !e.ok);
    expect(refused).toHaveLength(1);
    expect(!refused[0]!.ok && refused[0]!.error.code).toBe("CELERY_COMPRESSION_UNSUPPORTED");
    expect(bid).toEqual(expect.any(String));
    const body = Buffer.from(JSON.stringify([[3], {}, {}]));
    const brotli = JSON.stringify({
      body: brotliCompressSync(body).toString("base64"),
      "content-type": "application/json",
      headers: { task: "t", id: "b", compression: "application/x-brotli" },
      properties: { body_encoding: "base64" },
    });
    expect(decodeTaskMessage(brotli)).toMatchObject({ task: "t", args: [3] });
  });

  it("a body that inflates past the cap, or is no stream, is CELERY_MESSAGE_MALFORMED", () => {
    const message = (compressed: Buffer) =>
      JSON.stringify({
        body: compressed.toString("base64"),
        "content-type": "application/json",
        headers: { task: "t", id: "x", compression: "zlib" },
        properties: { body_encoding: "base64" },
      });
    const bomb = deflateSync(Buffer.alloc(DEFAULT_MAX_INFLATED_BODY_BYTES + 1, 0x20), { level: 9 });
    for (const bad of [message(bomb), message(Buffer.from("not zlib"))])
      expect(() => decodeTaskMessage(bad)).toThrow(
        expect.objectContaining({ code: "CELERY_MESSAGE_MALFORMED" }),
      );
    expect(decompressBody(deflateSync(Buffer.from("[]")), "gzip", 2)).toEqual(Buffer.from("[]"));
    expect(() => decompressBody(deflateSync(Buffer.from("[1]")), "gzip", 2)).toThrow(/more than 2 bytes/);
  });
});

describe("client arguments", () => {
  it("kombu's Redis URLs are read, other transports and bad arguments are typed errors", async () => {
    expect(() => new CeleryClient({ brokerUrl: "amqp://guest@localhost//" })).toThrow(
      expect.objectContaining({ code: "CELERY_BROKER_URL_UNSUPPORTED" }),
    );
    expect(redisOptionsFromUrl("rediss://:pw@h:6380/2?ssl_cert_reqs=none", "brokerUrl")).toMatchObject({
      host: "h",
      port: 6380,
      db: 2,
      password: "pw",
      tls: { rejectUnauthorized: false },
    });
    expect(redisOptionsFromUrl("redis+socket:///tmp/r.sock", "brokerUrl")).toMatchObject({
      path: "/tmp/r.sock",
    });
    const c = client(5);
    const code = (run: () => unknown) => {
      try {
        run();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return "no error";
    };
    expect(code(() => c.prepareTask(""))).toBe("CELERY_INVALID_OPTION");
    expect(code(() => c.prepareTask("t", [], {}, { priority: 300 }))).toBe("CELERY_INVALID_OPTION");
    expect(code(() => c.prepareTask("t", [], {}, { countdown: -1 }))).toBe("CELERY_INVALID_OPTION");
    expect(code(() => c.prepareTask("t", "x" as never))).toBe("CELERY_TASK_ARGUMENTS");
    expect(code(() => c.prepareTask("t", [new Set([1])]))).toBe("CELERY_TASK_ARGUMENTS");
    await expect(c.result("x")).rejects.toMatchObject({ code: "CELERY_NO_RESULT_BACKEND" });
  });
});

describe("message decoding", () => {
  it("protocol-1 bodies and pickle bodies are read; anything else is a typed error, never a crash", () => {
    const v1 = JSON.stringify({
      body: Buffer.from(
        JSON.stringify({ task: "t", id: "i", args: [1], kwargs: { a: 2 }, eta: null }),
      ).toString("base64"),
      "content-type": "application/json",
      "content-encoding": "utf-8",
      headers: {},
      properties: { body_encoding: "base64", priority: 0 },
    });
    expect(decodeTaskMessage(v1)).toMatchObject({
      protocol: 1,
      task: "t",
      id: "i",
      args: [1],
      kwargs: { a: 2 },
    });
    const pickled = pickle.dumps([
      [1, "x"],
      { k: true },
      { callbacks: null, errbacks: null, chain: null, chord: null },
    ]);
    const v2 = JSON.stringify({
      body: Buffer.from(pickled).toString("base64"),
      "content-type": "application/x-python-serialize",
      "content-encoding": "binary",
      headers: { task: "t2", id: "j" },
      properties: { body_encoding: "base64" },
    });
    expect(decodeTaskMessage(v2)).toMatchObject({ task: "t2", args: [1, "x"], kwargs: { k: true } });
    for (const bad of [
      "",
      "[]",
      '{"body": 3}',
      '{"headers": {"task": "t"}, "body": "W10=", "properties": {"body_encoding": "base64"}}',
    ])
      expect(() => decodeTaskMessage(bad)).toThrow(
        expect.objectContaining({ code: "CELERY_MESSAGE_MALFORMED" }),
      );
  });

  it("argsrepr is celery's saferepr: 400 random values per run against Python's, at three length limits", () => {
    const scalar = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }),
      fc.constantFrom("it's", 'say "hi"', "a b c d e f", "\\n", "é☃𝄞"),
      fc.integer({ min: -1e6, max: 1e6 }),
      fc
        .double({ noNaN: false })
        .map((d) => (Number.isInteger(d) || !Number.isFinite(d) ? { $float: pyFloatRepr(d) } : d) as Json),
      fc.boolean(),
      fc.constant(null),
    ) as fc.Arbitrary<Json>;
    const value = fc.letrec<{ v: Json }>((tie) => ({
      v: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        scalar,
        fc.array(tie("v"), { maxLength: 4 }),
        fc.array(tie("v"), { maxLength: 3 }).map((a) => ({ $tuple: a }) as Json),
        fc.dictionary(
          fc.string({ maxLength: 6 }).filter((k) => !k.startsWith("$")),
          tie("v"),
          { maxKeys: 4 },
        ),
      ),
    })).v;
    const samples = fc.sample(value, { numRuns: 400 });
    for (const maxlen of [1024, 40, 7]) {
      const python = celeryPeer<string[]>(
        "saferepr",
        { values: samples, maxlen },
        { brokerUrl: "redis://127.0.0.1:1/0" },
      );
      samples.forEach((s, i) => {
        expect(celerySaferepr(fromTagged(s), maxlen), JSON.stringify(s)).toBe(python[i]);
      });
    }
  });
});
