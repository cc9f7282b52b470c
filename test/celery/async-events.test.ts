/**
 * Superset's global async-query events against a Python peer that restates
 * AsyncQueryManager.update_job / read_events / increment_id (python/peer/async_events_peer.py)
 * on a test redis-server: events cross both ways, stream trimming matches, both id increments
 * are checked against their originals, and a `done` event's qc-/ejr- entry written by
 * Flask-Caching is loaded through a Cache.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AsyncEventsError,
  AsyncQueryEvents,
  incrementStreamId,
  loadAsyncResult,
  resultKeyOf,
} from "#src/celery/index.js";
import { createCache } from "#src/manager/create-cache.js";
import { PYTHON_PEER_DIR } from "#test/helpers/paths.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { debianPython } from "#test/helpers/python.js";
import { RedisServer } from "#test/helpers/redis-server.js";

let redis: RedisServer;
let events: AsyncQueryEvents;

function python<T>(request: Record<string, unknown>): T {
  const r = spawnSync(debianPython(), [join(PYTHON_PEER_DIR, "async_events_peer.py")], {
    input: JSON.stringify({ redis_url: `${redis.url}/0`, ...request }),
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`async_events_peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

beforeAll(async () => {
  redis = await RedisServer.start({ label: "async-events" });
  events = new AsyncQueryEvents({ redisUrl: `${redis.url}/0` });
});
afterAll(async () => {
  await events?.close();
  await redis?.stop();
});

describe("async-query event streams", () => {
  it("Node's update_job is what Python's read_events returns, and the other way round", async () => {
    const job = events.initJob("chan-1", 7);
    expect(job).toMatchObject({
      channel_id: "chan-1",
      user_id: 7,
      status: "pending",
      errors: [],
      result_url: null,
    });
    const ids = await events.updateJob(job, "running");
    const done = await events.updateJob(job, "done", { result_url: "/api/v1/chart/data/qc-abc" });
    const seen = python<Record<string, unknown>[]>({ op: "read_events", channel: "chan-1", last_id: null });
    expect(seen).toEqual([
      { id: ids.channelEntryId, ...job, status: "running" },
      { id: done.channelEntryId, ...job, status: "done", result_url: "/api/v1/chart/data/qc-abc" },
    ]);
    // Superset's own text: the same JSON Node wrote (simplejson, ignore_nan).
    const raw = redis.cli(["XRANGE", "async-events-chan-1", "-", "+"]).out.split("\n");
    expect(raw).toContain(
      `{"channel_id": "chan-1", "job_id": "${job.job_id}", "user_id": 7, "status": "running", "errors": [], "result_url": null}`,
    );

    const pyJob = {
      channel_id: "chan-2",
      job_id: "j-2",
      user_id: null,
      status: "pending",
      errors: [],
      result_url: null,
    };
    const [first] = python<string[]>({
      op: "update_job",
      job: pyJob,
      status: "error",
      updates: { errors: [{ message: "x", n: Number.NaN }] },
    });
    python({
      op: "update_job",
      job: pyJob,
      status: "done",
      updates: { result_url: "/explore_json/data/ejr-1" },
    });
    const read = await events.readEvents("chan-2");
    expect(read.map((e) => e.status)).toEqual(["error", "done"]);
    expect(read[0]).toMatchObject({ id: first, errors: [{ message: "x", n: null }] });
    expect(await events.readEvents("chan-2", first)).toHaveLength(1);
    expect((await events.readFirehose()).map((e) => e.channel_id)).toEqual([
      "chan-1",
      "chan-1",
      "chan-2",
      "chan-2",
    ]);
    await expect(events.updateJob({ job_id: "x" }, "done")).rejects.toMatchObject({
      code: "ASYNC_JOB_METADATA_INVALID",
    });
  });

  it("MAXLEN ~ trims Node's streams exactly as Python's", async () => {
    const small = new AsyncQueryEvents({
      redisUrl: `${redis.url}/0`,
      streamLimit: 10,
      streamPrefix: "trim-",
    });
    try {
      // Small stream nodes, bounded by entry count rather than bytes, make approximate trimming
      // deterministic (entry ids vary in size), and tell `MAXLEN ~` (whole nodes) from exact MAXLEN.
      redis.cli(["CONFIG", "SET", "stream-node-max-entries", "7"]);
      for (let i = 0; i < 250; i++) await small.updateJob({ channel_id: "nd", job_id: "j" }, "done");
      python({
        op: "update_job",
        prefix: "trim-",
        limit: 10,
        repeat: 250,
        job: { channel_id: "py", job_id: "j" },
        status: "done",
      });
      const node = await small.streamLength("nd");
      expect(node).toBeGreaterThan(10);
      expect(node).toBeLessThan(17);
      expect(node).toBe(await small.streamLength("py"));
    } finally {
      await small.close();
    }
  });

  it("increment ids: Superset's last-character rule and the websocket server's rule", () => {
    const ids = fc.sample(
      fc.oneof(
        fc.tuple(fc.nat(), fc.nat({ max: 300 })).map(([ms, seq]) => `${ms}-${seq}`),
        fc.string({ maxLength: 6 }),
      ),
      { numRuns: 300 },
    );
    expect(ids.map((id) => incrementStreamId(id, "superset"))).toEqual(python({ op: "increment_id", ids }));
    expect(incrementStreamId("1607477697866-19", "superset")).toBe("1607477697866-110");
    expect(incrementStreamId("1607477697866-19", "websocket")).toBe("1607477697866-20");
    expect(incrementStreamId("abc", "websocket")).toBe("abc");
  });

  it("a done event's qc-/ejr- entry written by Flask-Caching is loaded; master is refused", async () => {
    const peer = await FlaskPeer.start();
    const config = {
      CACHE_TYPE: "RedisCache",
      CACHE_REDIS_URL: `${redis.url}/3`,
      CACHE_KEY_PREFIX: "superset_",
    };
    const cache = createCache(config);
    try {
      await peer.open(config);
      const query = {
        datasource: { id: 3, type: "table" },
        queries: [{ metrics: ["count"] }],
        result_type: "full",
        result_format: "json",
      };
      await peer.call("set", {
        key: "qc-1",
        value: { data: { form_data: { slice_id: 4 }, ...query }, dttm: "2026-01-01T00:00:00" },
      });
      await peer.call("set", { key: "qc-old", value: { data: query, dttm: "2024-01-01T00:00:00" } });
      await peer.call("set", {
        key: "ejr-1",
        value: { form_data: { viz_type: "table" }, response_type: "json", dttm: "2026-01-02T00:00:00" },
      });
      expect(
        await loadAsyncResult({ status: "done", result_url: "/api/v1/chart/data/qc-1" }, cache),
      ).toMatchObject({
        kind: "chart-data",
        key: "qc-1",
        formData: { slice_id: 4 },
        datasource: { id: 3, type: "table" },
        resultType: "full",
        resultFormat: "json",
        dttm: "2026-01-01T00:00:00",
      });
      expect(
        await loadAsyncResult({ status: "done", result_url: "/api/v1/chart/data/qc-old" }, cache),
      ).toMatchObject({
        formData: null,
        queries: [{ metrics: ["count"] }],
      });
      expect(
        await loadAsyncResult({ status: "done", result_url: "/superset/explore_json/data/ejr-1" }, cache),
      ).toMatchObject({
        kind: "explore-json",
        formData: { viz_type: "table" },
        responseType: "json",
      });
      expect(
        await loadAsyncResult({ status: "done", result_url: "/api/v1/chart/data/qc-gone" }, cache),
      ).toBeUndefined();
      await expect(loadAsyncResult({ status: "error", result_url: null }, cache)).rejects.toMatchObject({
        code: "ASYNC_RESULT_URL_UNKNOWN",
      });
      expect(() => resultKeyOf("/api/v1/chart/data/abc")).toThrow(AsyncEventsError);
      expect(() => new AsyncQueryEvents({ redisUrl: redis.url, supersetVersion: "master" })).toThrow(
        expect.objectContaining({ code: "ASYNC_QUERIES_UNAVAILABLE" }),
      );
    } finally {
      await cache.close();
      await peer.close();
    }
  });
});
