/**
 * `CacheManager.ready()` reaches every metastore database (throwaway databases on the machine's
 * PostgreSQL and MariaDB): it resolves once the table is there, and rejects naming the cache,
 * the database address and the cause when the table is missing or nothing listens.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CacheManager } from "#src/manager/cache-manager.js";
import {
  createTestDatabase,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";
import { freePort } from "#test/helpers/redis-server.js";

for (const dialect of ["postgresql", "mysql"] as TestDialect[]) {
  describe.skipIf(!serverAvailable(dialect))(`ready() with the metastore on ${dialect}`, () => {
    let db: TestDatabase;
    beforeAll(() => {
      db = createTestDatabase(dialect);
    });
    afterAll(() => db?.drop());

    it("a missing key_value table: METASTORE_TABLE_MISSING naming the cache", async () => {
      const m = new CacheManager({ SQLALCHEMY_DATABASE_URI: db.uri });
      const err = (await m.ready().catch((e: unknown) => e)) as Error & { code: string };
      expect(err.code).toBe("METASTORE_TABLE_MISSING");
      expect(err.message).toContain(`Metastore ${dialect} 127.0.0.1:`);
      expect(err.message).toContain(`/${db.name} for FILTER_STATE_CACHE_CONFIG: `);
      await m.close();
    });

    it("resolves once the table exists", async () => {
      db.createSupersetTable();
      const m = new CacheManager({ SQLALCHEMY_DATABASE_URI: db.uri });
      await expect(m.ready()).resolves.toBeUndefined();
      await m.close();
    });

    it("nothing listening: METASTORE_QUERY_FAILED naming the cache and address, the driver error as cause", async () => {
      const port = await freePort();
      const uri = db.uri.replace(/:(5432|3306)\//, `:${port}/`);
      const m = new CacheManager({ SQLALCHEMY_DATABASE_URI: uri });
      const err = (await m.ready().catch((e: unknown) => e)) as Error & { code: string; cause: unknown };
      expect(err.code).toBe("METASTORE_QUERY_FAILED");
      expect(err.message).toContain(
        `Metastore ${dialect} 127.0.0.1:${port}/${db.name} for FILTER_STATE_CACHE_CONFIG: `,
      );
      expect(err.cause).toBeInstanceOf(Error);
      await m.close();
    });
  });
}
