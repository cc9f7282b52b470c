/**
 * Several OS processes upserting the same keys of one metastore at once (PostgreSQL and
 * MariaDB): never two rows for one uuid, exactly one `add` wins, the last value is one of the
 * written ones.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metastoreUuid } from "#src/backends/metastore/uuid.js";
import { runChild } from "#test/helpers/child-run.js";
import {
  createTestDatabase,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";
import { HELPERS_DIR, TSX_BIN } from "#test/helpers/paths.js";

const WRITER = join(HELPERS_DIR, "metastore-writer.ts");
const TSX = TSX_BIN;
const PROCESSES = 4;
const ROUNDS = 30;

async function runWriter(uri: string, label: string): Promise<{ adds: number }> {
  const run = await runChild(TSX, [WRITER, uri, label, String(ROUNDS)]);
  if (run.code !== 0) throw new Error(`writer ${label}: ${run.stderr}`);
  return JSON.parse(run.stdout) as { adds: number };
}

for (const dialect of ["postgresql", "mysql"] as TestDialect[]) {
  describe.skipIf(!serverAvailable(dialect))(
    `metastore writers in ${PROCESSES} processes on ${dialect}`,
    () => {
      let db: TestDatabase;
      beforeAll(() => {
        db = createTestDatabase(dialect);
        db.createSupersetTable();
      });
      afterAll(() => db?.drop());

      it("one row per uuid and a single add winner", async () => {
        const results = await Promise.all(
          Array.from({ length: PROCESSES }, (_, i) => runWriter(db.uri, `p${i}`)),
        );
        expect(results.reduce((n, r) => n + r.adds, 0)).toBe(1);
        const uuidSql = dialect === "postgresql" ? "uuid::text" : "LOWER(HEX(uuid))";
        const rows = db.sql(`SELECT ${uuidSql}, COUNT(*) FROM key_value GROUP BY uuid`);
        const counts = new Map(rows.map(([u, n]) => [u!.replaceAll("-", ""), n]));
        for (const k of ["hot-0", "hot-1", "hot-2", "once"]) {
          expect(counts.get(metastoreUuid(k, { keyPrefix: "multi-process" }).replaceAll("-", ""))).toBe("1");
        }
        expect(rows).toHaveLength(4);
        const value = db.sql(
          dialect === "postgresql"
            ? `SELECT convert_from(value, 'UTF8') FROM key_value WHERE uuid = '${metastoreUuid("hot-0", { keyPrefix: "multi-process" })}'`
            : `SELECT CAST(value AS CHAR) FROM key_value WHERE uuid = X'${metastoreUuid("hot-0", { keyPrefix: "multi-process" }).replaceAll("-", "")}'`,
        )[0]![0]!;
        expect(value).toMatch(/^p[0-3]:\d+$/);
      }, 120_000);
    },
  );
}
