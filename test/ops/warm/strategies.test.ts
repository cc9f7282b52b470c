/**
 * Superset's warm-up strategies on real PostgreSQL and MariaDB test databases (created and
 * dropped here) holding minimal `slices`, `dashboards`, `dashboard_slices`, `logs`, `tag`,
 * `tagged_object` and `tables` tables, plus the "cold only" check against keys computed by
 * the Python key peer, and `warmup()` end to end against a stand-in target.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCache } from "#src/manager/create-cache.js";
import { chartDataKeys, chartKeyInputs, dataCacheColdCheck } from "#src/ops/warm/cold-check.js";
import { type MetadataDatabase, openMetadataDatabase } from "#src/ops/warm/metadata-database.js";
import type { WarmTarget } from "#src/ops/warm/runner.js";
import { parseSince } from "#src/ops/warm/since.js";
import { chartsToWarm, type WarmTask } from "#src/ops/warm/strategies.js";
import { warmup } from "#src/ops/warm/warmup.js";
import { PyDatetime } from "#src/python/values.js";
import { runKeysPeer, toPeer } from "#test/helpers/keys-peer.js";
import {
  createTestDatabase,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";

const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);
const clock = { now: () => NOW };

const DDL: Record<TestDialect, string> = {
  postgresql: `
    CREATE TYPE objecttypes AS ENUM ('query', 'chart', 'dashboard', 'dataset');
    CREATE TABLE tables (id SERIAL PRIMARY KEY, table_name VARCHAR(250), changed_on TIMESTAMP WITHOUT TIME ZONE);
    CREATE TABLE slices (id SERIAL PRIMARY KEY, slice_name VARCHAR(250), datasource_id INTEGER,
      datasource_type VARCHAR(200), query_context TEXT);
    CREATE TABLE dashboards (id SERIAL PRIMARY KEY, dashboard_title VARCHAR(500));
    CREATE TABLE dashboard_slices (id SERIAL PRIMARY KEY,
      dashboard_id INTEGER REFERENCES dashboards(id) ON DELETE CASCADE,
      slice_id INTEGER REFERENCES slices(id) ON DELETE CASCADE, UNIQUE (dashboard_id, slice_id));
    CREATE TABLE logs (id SERIAL PRIMARY KEY, action VARCHAR(512), dashboard_id INTEGER, slice_id INTEGER,
      dttm TIMESTAMP WITHOUT TIME ZONE);
    CREATE TABLE tag (id SERIAL PRIMARY KEY, name VARCHAR(250) UNIQUE);
    CREATE TABLE tagged_object (id SERIAL PRIMARY KEY, tag_id INTEGER REFERENCES tag(id), object_id INTEGER,
      object_type objecttypes);`,
  mysql: `
    CREATE TABLE tables (id INTEGER AUTO_INCREMENT PRIMARY KEY, table_name VARCHAR(250), changed_on DATETIME);
    CREATE TABLE slices (id INTEGER AUTO_INCREMENT PRIMARY KEY, slice_name VARCHAR(250), datasource_id INTEGER,
      datasource_type VARCHAR(200), query_context MEDIUMTEXT);
    CREATE TABLE dashboards (id INTEGER AUTO_INCREMENT PRIMARY KEY, dashboard_title VARCHAR(500));
    CREATE TABLE dashboard_slices (id INTEGER AUTO_INCREMENT PRIMARY KEY, dashboard_id INTEGER, slice_id INTEGER,
      UNIQUE (dashboard_id, slice_id),
      FOREIGN KEY (dashboard_id) REFERENCES dashboards(id) ON DELETE CASCADE,
      FOREIGN KEY (slice_id) REFERENCES slices(id) ON DELETE CASCADE);
    CREATE TABLE logs (id INTEGER AUTO_INCREMENT PRIMARY KEY, action VARCHAR(512), dashboard_id INTEGER,
      slice_id INTEGER, dttm DATETIME);
    CREATE TABLE tag (id INTEGER AUTO_INCREMENT PRIMARY KEY, name VARCHAR(250) UNIQUE);
    CREATE TABLE tagged_object (id INTEGER AUTO_INCREMENT PRIMARY KEY, tag_id INTEGER, object_id INTEGER,
      object_type ENUM('query', 'chart', 'dashboard', 'dataset'));`,
};

const QUERY = { columns: ["gender"], metrics: ["count"], row_limit: 100, time_range: "No filter" };
const QUERY_CONTEXT = JSON.stringify({
  datasource: { id: 1, type: "table" },
  queries: [QUERY],
  result_format: "json",
  result_type: "full",
});
const CHANGED_ON = new PyDatetime(2026, 1, 15, 10, 30, 0, 250000);

function seed(db: TestDatabase): void {
  const logs: string[] = [];
  const log = (dashboard: number | null, dttm: string, n: number) => {
    for (let i = 0; i < n; i++) logs.push(`('view', ${dashboard ?? "NULL"}, '${dttm}')`);
  };
  log(11, "2026-03-09 08:00:00", 5);
  log(99, "2026-03-09 08:00:00", 4); // a dashboard that no longer exists
  log(10, "2026-03-04 00:00:00", 3);
  log(12, "2026-03-09 00:00:00", 1);
  log(10, "2026-02-01 00:00:00", 10); // before `since`
  log(null, "2026-03-09 00:00:00", 20);
  db.sql(`INSERT INTO tables (id, table_name, changed_on) VALUES (1, 'birth_names', '2026-01-15 10:30:00.25');
    INSERT INTO slices (id, slice_name, datasource_id, datasource_type, query_context) VALUES
      (1, 'a', 1, 'table', '${QUERY_CONTEXT}'), (2, 'b', 1, 'table', NULL), (3, 'c', 1, 'table', NULL),
      (4, 'd', 1, 'table', NULL), (5, 'e', 1, 'table', NULL), (6, 'f', 1, 'table', NULL);
    INSERT INTO dashboards (id, dashboard_title) VALUES (10, 'ten'), (11, 'eleven'), (12, 'twelve');
    INSERT INTO dashboard_slices (dashboard_id, slice_id) VALUES (10, 2), (10, 1), (11, 2), (11, 3), (12, 4);
    INSERT INTO logs (action, dashboard_id, dttm) VALUES ${logs.join(", ")};
    INSERT INTO tag (id, name) VALUES (1, 'core'), (2, 'warmup'), (3, 'other');
    INSERT INTO tagged_object (tag_id, object_id, object_type) VALUES
      (1, 12, 'dashboard'), (1, 6, 'chart'), (1, 4, 'chart'), (2, 10, 'dashboard'), (3, 5, 'chart'),
      (2, 77, 'chart'), (1, 1, 'query');`);
}

const task = (chartId: number, dashboardId: number | null = null): WarmTask => ({ chartId, dashboardId });

describe.each(["postgresql", "mysql"] as const)("warm-up strategies on %s", (dialect) => {
  const available = serverAvailable(dialect);
  let test: TestDatabase;
  let db: MetadataDatabase;

  beforeAll(async () => {
    if (!available) return;
    test = createTestDatabase(dialect);
    test.sql(DDL[dialect]);
    seed(test);
    db = await openMetadataDatabase(test.uri);
  });
  afterAll(async () => {
    await db?.close();
    test?.drop();
  });

  it.skipIf(!available)("dummy: every chart", async () => {
    expect(await chartsToWarm(db, { name: "dummy" }, clock)).toEqual(
      [1, 2, 3, 4, 5, 6].map((id) => task(id)),
    );
  });

  it.skipIf(!available)(
    "top_n_dashboards: most viewed dashboards since the date, each chart with its dashboard",
    async () => {
      // 11 (5 views), 99 (4, deleted), 10 (3 since the date; its 10 older views do not count).
      expect(
        await chartsToWarm(db, { name: "top_n_dashboards", topN: 2, since: "7 days ago" }, clock),
      ).toEqual([task(2, 11), task(3, 11)]);
      expect(await chartsToWarm(db, { name: "top_n_dashboards", topN: 3 }, clock)).toEqual([
        task(2, 11),
        task(3, 11),
        task(1, 10),
        task(2, 10),
      ]);
      const sinceFeb = await chartsToWarm(
        db,
        { name: "top_n_dashboards", topN: 1, since: "2026-01-01" },
        clock,
      );
      expect(sinceFeb).toEqual([task(1, 10), task(2, 10)]); // 13 views in all
      expect(
        await chartsToWarm(db, { name: "top_n_dashboards", since: new Date(NOW + 1000) }, clock),
      ).toEqual([]);
    },
  );

  it.skipIf(!available)(
    "dashboard_tags: charts of tagged dashboards, then tagged charts, once each",
    async () => {
      expect(await chartsToWarm(db, { name: "dashboard_tags", tags: ["core", "warmup"] }, clock)).toEqual([
        task(1),
        task(2),
        task(4),
        task(6),
      ]);
      expect(await chartsToWarm(db, { name: "dashboard_tags", tags: ["other"] }, clock)).toEqual([task(5)]);
      expect(await chartsToWarm(db, { name: "dashboard_tags", tags: ["nope"] }, clock)).toEqual([]);
    },
  );

  it.skipIf(!available)("bad strategies and options are typed errors", async () => {
    await expect(chartsToWarm(db, { name: "top_n_dashboards", topN: 0 }, clock)).rejects.toMatchObject({
      code: "WARMUP_INVALID_OPTION",
    });
    await expect(chartsToWarm(db, { name: "top_n_dashboards", since: "soon" }, clock)).rejects.toMatchObject({
      code: "WARMUP_INVALID_OPTION",
    });
    await expect(chartsToWarm(db, { name: "nope" } as never, clock)).rejects.toMatchObject({
      code: "WARMUP_STRATEGY_UNKNOWN",
    });
    await expect(db.query("SELECT * FROM no_such_table")).rejects.toMatchObject({
      code: "WARMUP_METADATA_QUERY_FAILED",
    });
  });

  it.skipIf(!available)(
    "cold only: keys from the stored query context and the dataset's changed_on match Python's",
    async () => {
      const inputs = await chartKeyInputs(db, 1);
      // MySQL's DATETIME (Superset's column type there) keeps whole seconds.
      const changedOn = dialect === "mysql" ? new PyDatetime(2026, 1, 15, 10, 30, 0) : CHANGED_ON;
      expect(inputs?.changedOn).toEqual(changedOn);
      const { results } = runKeysPeer<{ results: { sha256: string }[] }>("keys", {
        cases: [
          {
            version: "6.1",
            query: toPeer(QUERY),
            opts: toPeer({ datasource_uid: "1__table", changed_on: changedOn }),
          },
        ],
      });
      const key = results[0]!.sha256;
      expect(chartDataKeys(inputs!)).toEqual([key]);

      const dataCache = createCache({ CACHE_TYPE: "SimpleCache" });
      const check = dataCacheColdCheck(db, dataCache);
      expect(await check.check(task(1))).toMatchObject({ warm: false });
      await dataCache.set(key, { df: null }, 600);
      expect(await check.check(task(1))).toEqual({ warm: true });
      expect(await check.check(task(2))).toEqual({ warm: false, reason: "no stored query context" });

      const warmed: number[] = [];
      const target: WarmTarget = {
        name: "stand-in",
        warm: async (t) => {
          warmed.push(t.chartId);
          return t.chartId === 3 ? { status: "failed", detail: "boom" } : { status: "warmed" };
        },
      };
      const summary = await warmup({
        databaseUri: test.uri,
        strategy: { name: "dummy" },
        target,
        coldOnly: { dataCache },
        concurrency: 2,
        clock,
      });
      expect(summary).toMatchObject({
        target: "stand-in",
        total: 6,
        warmed: 4,
        failed: 1,
        skipped: 1,
        queued: 0,
      });
      expect(warmed.sort()).toEqual([2, 3, 4, 5, 6]);
      expect(summary.outcomes.map((o) => o.status)).toEqual([
        "skipped",
        "warmed",
        "failed",
        "warmed",
        "warmed",
        "warmed",
      ]);
      await dataCache.close();
    },
  );
});

describe("since", () => {
  it("reads Superset's relative forms and ISO dates, in UTC", () => {
    expect(parseSince("7 days ago", NOW).toISOString()).toBe("2026-03-03T12:00:00.000Z");
    expect(parseSince("1 week ago", NOW).toISOString()).toBe("2026-03-03T12:00:00.000Z");
    expect(parseSince("2 months ago", NOW).toISOString()).toBe("2026-01-10T12:00:00.000Z");
    expect(parseSince("yesterday", NOW).toISOString()).toBe("2026-03-09T00:00:00.000Z");
    expect(parseSince("2024-02-29 23:59", NOW).toISOString()).toBe("2024-02-29T23:59:00.000Z");
    expect(() => parseSince("2026-02-29", NOW)).toThrow(
      expect.objectContaining({ code: "WARMUP_INVALID_OPTION" }),
    );
  });
});
