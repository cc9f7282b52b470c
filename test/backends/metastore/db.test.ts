/**
 * The metastore backend against real PostgreSQL 15 and MariaDB servers, in databases this
 * file creates and drops, with Superset's key_value DDL; rows are cross-checked with Python
 * (uuid/hashlib/json/pickle through python/peer/meta_peer.py).
 */
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MetastoreBackend } from "#src/backends/metastore/backend.js";
import { metastoreJsonSerializer } from "#src/backends/metastore/codecs.js";
import { metastoreUuid } from "#src/backends/metastore/uuid.js";
import { ERROR_CHANNEL_NAME } from "#src/core/channels.js";
import type { Clock } from "#src/core/clock.js";
import { CacheBackendError } from "#src/core/errors.js";
import type { PyValue } from "#src/python/values.js";
import {
  createTestDatabase,
  peer,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";
import { waitUntil } from "#test/helpers/wait-until.js";

const enc = new TextEncoder();
const hex = (b: Uint8Array | undefined) => (b ? Buffer.from(b).toString("hex") : undefined);

class ManualClock implements Clock {
  constructor(public ms = Date.now()) {}
  now(): number {
    return this.ms;
  }
}

for (const dialect of ["postgresql", "mysql"] as TestDialect[]) {
  describe.skipIf(!serverAvailable(dialect))(`metastore backend on ${dialect}`, () => {
    let db: TestDatabase;
    const open: MetastoreBackend[] = [];
    const make = (extra: Partial<ConstructorParameters<typeof MetastoreBackend>[0]> = {}) => {
      const b = new MetastoreBackend({ uri: db.uri, keyPrefix: "FILTER_STATE_CACHE_CONFIG", ...extra });
      open.push(b);
      return b;
    };

    beforeAll(() => {
      db = createTestDatabase(dialect);
    });
    afterAll(async () => {
      for (const b of open) await b.close();
      db?.drop();
    });

    it("reports a missing table with METASTORE_TABLE_MISSING and writes nothing", async () => {
      const b = make();
      const err = await b.set("k", enc.encode("v"), 0).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CacheBackendError);
      expect((err as CacheBackendError).code).toBe("METASTORE_TABLE_MISSING");
      expect((err as Error).message).toMatch(/superset db upgrade|createTable/);
      await b.close();
    });

    it("creates the table and indexes when createTable is set (other database, same DDL)", async () => {
      const other = createTestDatabase(dialect);
      try {
        const b = new MetastoreBackend({ uri: other.uri, createTable: true });
        expect(await b.set("k", enc.encode("v"), 0)).toBe(true);
        expect(hex(await b.get("k"))).toBe("76");
        await b.close();
        const indexSql =
          dialect === "postgresql"
            ? "SELECT indexname FROM pg_indexes WHERE tablename = 'key_value' ORDER BY indexname"
            : "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_name = 'key_value' ORDER BY index_name";
        const names = other.sql(indexSql).map((r) => r[0]);
        expect(names).toEqual(expect.arrayContaining(["ix_key_value_expires_on", "ix_key_value_uuid"]));
        // A second createTable on an existing table is harmless.
        const again = new MetastoreBackend({ uri: other.uri, createTable: true });
        expect(hex(await again.get("k"))).toBe("76");
        await again.close();
      } finally {
        other.drop();
      }
    });

    describe("with Superset's table", () => {
      beforeAll(() => {
        db.createSupersetTable();
      });

      it("stores one row per key under Python's uuid3, resource superset_metastore_cache", async () => {
        const b = make();
        const keys = ["42;z6OiPvci1q0", "None;None;42", "ünïcødé;1", ""];
        for (const k of keys) expect(await b.set(k, enc.encode(k || "empty"), 0)).toBe(true);
        const py = peer<{ uuids: string[] }>({
          op: "uuid",
          keys,
          prefix: "FILTER_STATE_CACHE_CONFIG",
          algorithm: "md5",
        });
        const uuidSql = dialect === "postgresql" ? "uuid::text" : "LOWER(HEX(uuid))";
        for (const [i, k] of keys.entries()) {
          const u = py.uuids[i]!;
          expect(metastoreUuid(k, { keyPrefix: "FILTER_STATE_CACHE_CONFIG" })).toBe(u);
          const rows = db.sql(
            `SELECT resource, ${uuidSql}, expires_on IS NULL FROM key_value WHERE ${
              dialect === "postgresql" ? `uuid = '${u}'` : `uuid = X'${u.replaceAll("-", "")}'`
            }`,
          );
          expect(rows).toHaveLength(1);
          expect(rows[0]![0]).toBe("superset_metastore_cache");
          expect(rows[0]![1]!.replaceAll("-", "")).toBe(u.replaceAll("-", ""));
          expect(["t", "1"]).toContain(rows[0]![2]);
        }
      });

      it("get / getMany / has / delete / setMany / deleteMany follow the contract", async () => {
        const b = make({ keyPrefix: "ops" });
        expect(await b.get("missing")).toBeUndefined();
        expect(await b.has("missing")).toBe(false);
        expect(
          await b.setMany([
            { key: "a", value: enc.encode("A"), timeout: 0 },
            { key: "b", value: new Uint8Array([0, 255, 0x21]), timeout: 60 },
          ]),
        ).toEqual([true, true]);
        expect((await b.getMany(["b", "x", "a"])).map(hex)).toEqual(["00ff21", undefined, "41"]);
        expect(await b.set("a", enc.encode("A2"), 0)).toBe(true);
        expect(hex(await b.get("a"))).toBe("4132");
        expect(await b.delete("a")).toBe(true);
        expect(await b.delete("a")).toBe(false);
        expect(await b.deleteMany(["b", "nope"])).toEqual([true, false]);
      });

      it("the single-key get (selectOne) answers as getMany: value, missing, expired, another resource's row", async () => {
        const clock = new ManualClock(Date.UTC(2030, 0, 1, 12, 0, 0));
        const b = make({ keyPrefix: "one", clock, timeZone: "utc" });
        expect(await b.set("live", new Uint8Array([1, 2, 3]), 0)).toBe(true);
        expect(await b.set("soon", enc.encode("s"), 5)).toBe(true);
        const u = metastoreUuid("foreign", { keyPrefix: "one" });
        const uuidLiteral = dialect === "postgresql" ? `'${u}'` : `X'${u.replaceAll("-", "")}'`;
        const valueLiteral = dialect === "postgresql" ? "'\\x41'::bytea" : "X'41'";
        db.sql(
          `INSERT INTO key_value (resource, value, uuid) VALUES ('app', ${valueLiteral}, ${uuidLiteral})`,
        );
        const keys = ["live", "soon", "absent", "foreign"];
        const one = async () => Promise.all(keys.map(async (k) => hex(await b.get(k))));
        expect(await one()).toEqual(["010203", "73", undefined, undefined]);
        expect(await one()).toEqual((await b.getMany(keys)).map(hex));
        clock.ms += 5_000; // expires_on <= now: expired
        expect(await one()).toEqual(["010203", undefined, undefined, undefined]);
        expect(await one()).toEqual((await b.getMany(keys)).map(hex));
        db.sql("DELETE FROM key_value WHERE resource = 'app'"); // the clear() test counts 'app' rows
      });

      it("a table without the unique uuid index: get and getMany read the lowest id of duplicate rows", async () => {
        db.sql(
          dialect === "postgresql"
            ? "CREATE TABLE kv_dup (id INTEGER PRIMARY KEY, resource VARCHAR(32) NOT NULL, value BYTEA NOT NULL, uuid UUID, expires_on TIMESTAMP)"
            : "CREATE TABLE kv_dup (id INTEGER PRIMARY KEY, resource VARCHAR(32) NOT NULL, value LONGBLOB NOT NULL, uuid BINARY(16), expires_on DATETIME)",
        );
        const u = metastoreUuid("dup", { keyPrefix: "FILTER_STATE_CACHE_CONFIG" });
        const uuidLiteral = dialect === "postgresql" ? `'${u}'` : `X'${u.replaceAll("-", "")}'`;
        const bytes = (h: string) => (dialect === "postgresql" ? `'\\x${h}'::bytea` : `X'${h}'`);
        // The higher id first, so the table's physical order is not the answer.
        db.sql(
          `INSERT INTO kv_dup (id, resource, value, uuid) VALUES (5, 'superset_metastore_cache', ${bytes("42")}, ${uuidLiteral})`,
        );
        db.sql(
          `INSERT INTO kv_dup (id, resource, value, uuid) VALUES (3, 'superset_metastore_cache', ${bytes("41")}, ${uuidLiteral})`,
        );
        const b = make({ tableName: "kv_dup" });
        expect(hex(await b.get("dup"))).toBe("41");
        expect((await b.getMany(["dup", "other"])).map(hex)).toEqual(["41", undefined]);
      });

      it("expiry: naive expires_on, expired rows read as missing, add() prunes them, delete() still removes", async () => {
        const clock = new ManualClock(Date.UTC(2030, 0, 1, 12, 0, 0));
        const b = make({ keyPrefix: "expiry", clock, timeZone: "utc" });
        expect(await b.set("t", enc.encode("x"), 10)).toBe(true);
        const u = metastoreUuid("t", { keyPrefix: "expiry" });
        const where = dialect === "postgresql" ? `uuid = '${u}'` : `uuid = X'${u.replaceAll("-", "")}'`;
        expect(db.sql(`SELECT CAST(expires_on AS CHAR(19)) FROM key_value WHERE ${where}`)[0]![0]).toBe(
          "2030-01-01 12:00:10",
        );
        expect(await b.add("t", enc.encode("y"), 0)).toBe(false);
        clock.ms += 10_000; // expires_on <= now: expired
        expect(await b.get("t")).toBeUndefined();
        expect(await b.has("t")).toBe(false);
        expect(db.sql(`SELECT COUNT(*) FROM key_value WHERE ${where}`)[0]![0]).toBe("1");
        expect(await b.add("t", enc.encode("y"), -5)).toBe(true);
        expect(hex(await b.get("t"))).toBe("79");
        expect(db.sql(`SELECT expires_on IS NULL FROM key_value WHERE ${where}`)[0]![0]).toMatch(/^(t|1)$/);
        expect(await b.set("gone", enc.encode("g"), 1)).toBe(true);
        clock.ms += 5_000;
        expect(await b.delete("gone")).toBe(true);
      });

      it("concurrent upserts from several pools never leave two rows for one uuid", async () => {
        const writers = Array.from({ length: 6 }, () => make({ keyPrefix: "race", maxConnections: 3 }));
        const rounds = 8;
        await Promise.all(
          writers.flatMap((w, i) =>
            Array.from({ length: rounds }, (_, r) => w.set(`hot-${r % 2}`, enc.encode(`${i}:${r}`), 30)),
          ),
        );
        for (const k of ["hot-0", "hot-1"]) {
          const u = metastoreUuid(k, { keyPrefix: "race" });
          const where = dialect === "postgresql" ? `uuid = '${u}'` : `uuid = X'${u.replaceAll("-", "")}'`;
          expect(db.sql(`SELECT COUNT(*) FROM key_value WHERE ${where}`)[0]![0]).toBe("1");
        }
        const adds = await Promise.all(writers.map((w, i) => w.add("once", enc.encode(String(i)), 0)));
        expect(adds.filter(Boolean)).toHaveLength(1);
      });

      it("reads rows Python wrote as Superset does (json and pickle codecs, md5 and sha256 namespaces)", async () => {
        // Raw JSON texts, so Python sees 1.0 / -0.0 as floats and the big int exactly.
        const texts = [
          '{"owner": 1, "value": "{\\"NATIVE_FILTER-abc\\": {\\"id\\": \\"NATIVE_FILTER-abc\\"}}"}',
          '{"owner": null, "datasource_id": 5, "datasource_type": "table", "chart_id": null, "form_data": "{\\"viz_type\\": \\"table\\"}"}',
          '"z6OiPvci1q0"',
          '{"\u00fcn\u00ef": [1, 2.5, 1.0, -0.0, 1e-07, 1e+16, 12345678901234567890, true, null, "\ud83d\ude00"]}',
        ];
        for (const codec of ["json", "pickle"] as const) {
          for (const algorithm of ["md5", "sha256"] as const) {
            const prefix = `EXPLORE_${codec}_${algorithm}`;
            const rows = texts.map((t, i) => ({ key: `k${i}`, value_json: t, timeout: 3600 }));
            peer({ op: "db_write", dialect, db: db.name, prefix, algorithm, codec, rows });
            const expected = peer<{ hex: string[] }>({
              op: "encode",
              codec,
              values_json: rows.map((r) => r.value_json),
            });
            const b = make({ keyPrefix: prefix, algorithm });
            const got = await b.getMany(rows.map((r) => r.key));
            expect(got.map(hex)).toEqual(expected.hex);
            if (codec === "json") {
              const json = metastoreJsonSerializer({ exactNumbers: true });
              // Our decode then re-encode gives Python's exact bytes.
              for (const [i, g] of got.entries())
                expect(hex(json.dumps(json.loads(g!)))).toBe(expected.hex[i]);
            }
          }
        }
      });

      it("rows we write are read back by Python as Superset would (JSON codec), with its expiry", async () => {
        const json = metastoreJsonSerializer();
        const b = make({ keyPrefix: "FILTER_STATE_CACHE_CONFIG", algorithm: "sha256" });
        const entries: PyValue[] = [
          { owner: 7, value: '{"a": "\\u00e9"}' },
          { list: ["é", "😀", "\u0000\t"], n: -3, f: 0.1 },
        ];
        for (const [i, e] of entries.entries()) await b.set(`ours-${i}`, json.dumps(e), 600);
        const py = peer<{
          rows: { found: boolean; count: number; expired: boolean; value_json: string; hex: string }[];
        }>({
          op: "db_read",
          dialect,
          db: db.name,
          prefix: "FILTER_STATE_CACHE_CONFIG",
          algorithm: "sha256",
          codec: "json",
          keys: entries.map((_, i) => `ours-${i}`),
        });
        const expectedHex = peer<{ hex: string[] }>({
          op: "encode",
          codec: "json",
          values_json: entries.map((e) => JSON.stringify(e)),
        });
        for (const [i, row] of py.rows.entries()) {
          expect(row).toMatchObject({ found: true, count: 1, expired: false });
          expect(JSON.parse(row.value_json)).toEqual(entries[i]);
          expect(row.hex).toBe(expectedHex.hex[i]);
        }
      });

      it.runIf(dialect === "mysql")(
        "a connection killed by the server is replaced transparently",
        async () => {
          const b = make({ keyPrefix: "killed", maxConnections: 1 });
          expect(await b.set("k", enc.encode("v"), 0)).toBe(true);
          const ids = db.sql(
            `SELECT id FROM information_schema.processlist WHERE db = '${db.name}' AND id <> CONNECTION_ID()`,
          );
          expect(ids.length).toBeGreaterThan(0);
          for (const [id] of ids) db.sql(`KILL ${id}`);
          expect(hex(await b.get("k"))).toBe("76");
          expect(await b.set("k", enc.encode("w"), 0)).toBe(true);
        },
      );

      it.runIf(dialect === "postgresql")(
        "a connection killed by the server is published on the error channel and the next call reconnects",
        async () => {
          const events: { code: string }[] = [];
          const onEvent = (m: unknown) => void events.push(m as { code: string });
          subscribe(ERROR_CHANNEL_NAME, onEvent);
          try {
            const b = make({ keyPrefix: "killed", maxConnections: 1 });
            expect(await b.set("k", enc.encode("v"), 0)).toBe(true);
            db.sql(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${db.name}' AND pid <> pg_backend_pid()`,
            );
            await waitUntil("the connection-lost event", () => events.length > 0);
            expect(events.map((e) => e.code)).toContain("METASTORE_CONNECTION_LOST");
            expect(hex(await b.get("k"))).toBe("76");
          } finally {
            unsubscribe(ERROR_CHANNEL_NAME, onEvent);
          }
        },
      );

      it("clear() removes every row of the resource and nothing else", async () => {
        db.sql(
          dialect === "postgresql"
            ? "INSERT INTO key_value (resource, value, uuid) VALUES ('app', decode('22616263', 'hex'), '00000000-0000-0000-0000-000000000001')"
            : "INSERT INTO key_value (resource, value, uuid) VALUES ('app', X'22616263', X'00000000000000000000000000000001')",
        );
        const b = make();
        expect(await b.clear("")).toBe(true);
        const left = db.sql("SELECT resource, COUNT(*) FROM key_value GROUP BY resource");
        expect(left).toEqual([["app", "1"]]);
      });
    });
  });
}
