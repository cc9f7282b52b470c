/**
 * Node enqueues, a real Celery worker runs: Debian's celery 5.2 / kombu 5.2 solo worker with
 * stub tasks named like Superset's (python/peer/celery_peer.py) receives exactly the args and
 * kwargs Node sent and stores a result in another Redis database, which Node reads. Broker keys
 * carry a kombu `global_keyprefix`, so the prefix is checked end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CeleryClient,
  fetchUrlWarmTarget,
  sendCacheChartThumbnail,
  sendCacheWarmup,
  sendFetchUrl,
  sendLoadChartDataIntoCache,
  sendLoadExploreJsonIntoCache,
  sendReportExecute,
  supersetJsonDumps,
} from "#src/celery/index.js";
import { runWarmup } from "#src/ops/warm/runner.js";
import { CeleryWorker } from "#test/helpers/celery-peer.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { waitUntil } from "#test/helpers/wait-until.js";

const PREFIX = "sc-test:";
let redis: RedisServer;
let worker: CeleryWorker;
let client: CeleryClient;

beforeAll(async () => {
  redis = await RedisServer.start({ label: "celery-worker" });
  const env = { brokerUrl: `${redis.url}/0`, resultBackend: `${redis.url}/1`, globalKeyPrefix: PREFIX };
  worker = await CeleryWorker.start(env);
  client = new CeleryClient({
    brokerUrl: env.brokerUrl,
    resultBackendUrl: env.resultBackend,
    transportOptions: { globalKeyPrefix: PREFIX },
    headerStyle: "5.2",
  });
}, 60_000);

afterAll(async () => {
  await client?.close();
  await worker?.stop();
  await redis?.stop();
});

/** What the stub task stored: the call it received. */
interface Received {
  task: string;
  args: unknown[];
  kwargs: Record<string, unknown>;
  eta: string | null;
  expires: string | null;
  priority: number | null;
  retries: number;
  root_id: string;
}

async function received(id: string): Promise<Received> {
  const r = await client.waitForResult(id, { timeoutMs: 20_000 });
  expect(r.status, worker.output).toBe("SUCCESS");
  return r.result as unknown as Received;
}

describe("Node → Celery worker", () => {
  it("a plain send_task arrives with the same args, kwargs, eta, expires and priority; the result is read from db 1", async () => {
    const args = [1, -2.5, "é ☃ 𝄞", null, true, [1, [2, { x: "y" }]], { nested: { deep: [1.0e-7] } }];
    const kwargs = { top_n: 3, since: "7 days ago", tags: ["core", "warmup"], big: 2 ** 53 + 2 };
    const eta = new Date(Date.now() - 1000);
    const id = await client.sendTask("cache-warmup", args, kwargs, { eta, expires: 600, priority: 2 });
    const got = await received(id);
    expect(got.task).toBe("cache-warmup");
    expect(got.args).toEqual(args);
    expect(got.kwargs).toEqual(kwargs);
    expect(got.eta).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    expect(Date.parse(got.eta!)).toBe(eta.getTime());
    expect(got.expires).not.toBeNull();
    expect(got.priority).toBe(2);
    expect(got.root_id).toBe(id);
    const stored = await client.result(id);
    expect(stored).toMatchObject({ taskId: id, status: "SUCCESS", name: "cache-warmup", queue: "celery" });
    expect(stored!.dateDone).toMatch(/^\d{4}-/);
    expect(stored!.args).toEqual(args);
    expect(await client.forget(id)).toBe(true);
    expect(await client.result(id)).toBeUndefined();
  });

  it("every typed Superset sender reaches the task of that name with Superset's call shape", async () => {
    const job = {
      channel_id: "c1",
      job_id: "j1",
      user_id: 7,
      status: "pending",
      errors: [],
      result_url: null,
    };
    const formData = { datasource: "3__table", viz_type: "table", slice_id: 12 };
    const cases: [Promise<string>, Partial<Received>][] = [
      [
        sendCacheWarmup(client, { strategy_name: "top_n_dashboards", top_n: 5, since: "7 days ago" }),
        {
          task: "cache-warmup",
          args: [],
          kwargs: { strategy_name: "top_n_dashboards", top_n: 5, since: "7 days ago" },
        },
      ],
      [
        sendFetchUrl(
          client,
          { chart_id: 4, dashboard_id: 2 },
          { Cookie: "session=abc", "Content-Type": "application/json" },
        ),
        {
          task: "fetch_url",
          args: [
            '{"chart_id": 4, "dashboard_id": 2}',
            { Cookie: "session=abc", "Content-Type": "application/json" },
          ],
          kwargs: {},
        },
      ],
      [sendReportExecute(client, 42), { task: "reports.execute", args: [42], kwargs: {} }],
      [
        sendCacheChartThumbnail(client, {
          currentUser: "admin",
          chartId: 9,
          force: true,
          windowSize: [800, 600],
        }),
        {
          task: "cache_chart_thumbnail",
          args: [],
          kwargs: { current_user: "admin", chart_id: 9, window_size: [800, 600], force: true },
        },
      ],
      [
        sendLoadChartDataIntoCache(client, job, formData),
        { task: "load_chart_data_into_cache", args: [job, formData], kwargs: {} },
      ],
      [
        sendLoadExploreJsonIntoCache(client, job, formData, "json", true),
        { task: "load_explore_json_into_cache", args: [job, formData, "json", true], kwargs: {} },
      ],
    ];
    for (const [sent, expected] of cases) expect(await received(await sent)).toMatchObject(expected);
    expect(supersetJsonDumps({ chart_id: 4 })).toBe('{"chart_id": 4}');
  });

  it("the fetch_url warm-up target runs through runWarmup: queued, or warmed once the worker reports success", async () => {
    const headers = { Cookie: "session=abc", "Content-Type": "application/json" };
    const tasks = [
      { chartId: 1, dashboardId: null },
      { chartId: 2, dashboardId: 9 },
    ];
    const queued = await runWarmup(tasks, fetchUrlWarmTarget(client, { headers }));
    expect(queued).toMatchObject({ target: "celery", queued: 2, failed: 0 });
    const payloads = await Promise.all(queued.outcomes.map(async (o) => (await received(o.taskId!)).args[0]));
    expect(payloads).toEqual(['{"chart_id": 1}', '{"chart_id": 2, "dashboard_id": 9}']);
    const waited = await runWarmup(
      tasks,
      fetchUrlWarmTarget(client, { headers, waitForResults: true, resultTimeoutMs: 20_000 }),
    );
    expect(waited).toMatchObject({ warmed: 2, queued: 0, failed: 0 });
  });

  it("a failing task's stored exception is read as a FAILURE with its type and message", async () => {
    const id = await client.sendTask("superset_cache_peer.fail", ["boom", 3]);
    const r = await client.waitForResult(id, { timeoutMs: 20_000 });
    expect(r.status).toBe("FAILURE");
    expect(r.exception).toEqual({ type: "ValueError", module: "builtins", message: ["boom", 3] });
    expect(r.traceback).toContain("ValueError");
  });

  it("the broker keys carry the global prefix and the queue is empty after the worker ran", async () => {
    // The worker acks its last message after storing the result the previous test read.
    await waitUntil("the worker's last ack", async () => (await client.queueDepth()).unacked === 0);
    const depth = await client.queueDepth();
    expect(depth).toEqual({ queue: "celery", ready: 0, byStep: { 0: 0, 3: 0, 6: 0, 9: 0 }, unacked: 0 });
    expect(redis.cli(["-n", "0", "EXISTS", `${PREFIX}_kombu.binding.celery`]).out).toBe("1");
    expect(redis.cli(["-n", "0", "EXISTS", "_kombu.binding.celery"]).out).toBe("0");
  });
});
