/** The backend conformance suite on the metastore backend, against real PostgreSQL and MariaDB. */
import * as vitest from "vitest";
import { MetastoreBackend } from "#src/backends/metastore/backend.js";
import { runBackendConformance } from "#src/testing/index.js";
import {
  createTestDatabase,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";

const { afterAll, beforeAll, describe } = vitest;

for (const dialect of ["postgresql", "mysql"] as TestDialect[]) {
  describe.skipIf(!serverAvailable(dialect))(`metastore on ${dialect}`, () => {
    let db: TestDatabase;
    beforeAll(() => {
      db = createTestDatabase(dialect);
    });
    afterAll(() => db?.drop());

    runBackendConformance(
      `metastore (${dialect})`,
      async ({ clock }) => {
        const backend = new MetastoreBackend({
          uri: db.uri,
          createTable: true,
          keyPrefix: "conformance",
          clock,
        });
        // Every test starts from an empty resource.
        await backend.clear("");
        return backend;
      },
      { vitest },
    );
  });
}
