/**
 * Throwaway databases on the machine's PostgreSQL (127.0.0.1:5432, user postgres) and
 * MariaDB (127.0.0.1:3306, root) for the metastore tests: created per test file with a
 * random name, dropped afterwards. `peer()` runs python/peer/meta_peer.py.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { debianPython } from "./python.js";

export type TestDialect = "postgresql" | "mysql";

export interface TestDatabase {
  dialect: TestDialect;
  name: string;
  uri: string;
  /** Run SQL through the CLI client; rows as tab-separated fields. */
  sql(text: string): string[][];
  /** Create Superset's key_value table with the dialect's DDL as Superset's migration produces it. */
  createSupersetTable(): void;
  drop(): void;
}

const PG_URI_BASE = "postgresql://postgres@127.0.0.1:5432";
const MYSQL_URI_BASE = "mysql://root@127.0.0.1:3306";

function runCli(dialect: TestDialect, db: string | undefined, text: string): string[][] {
  const r =
    dialect === "postgresql"
      ? spawnSync(
          "psql",
          [
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            db ?? "postgres",
            "-At",
            "-F",
            "\t",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            text,
          ],
          { encoding: "utf8" },
        )
      : spawnSync("mysql", ["-h", "127.0.0.1", "-uroot", "-N", "-B", ...(db ? [db] : []), "-e", text], {
          encoding: "utf8",
        });
  if (r.status !== 0) throw new Error(`${dialect} CLI failed: ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => l.split("\t"));
}

/** `true` when the server answers (tests skip with a reason otherwise). */
export function serverAvailable(dialect: TestDialect): boolean {
  try {
    runCli(dialect, undefined, "SELECT 1");
    return true;
  } catch (error) {
    // In CI the servers are part of the contract (.ci/run starts them): a missing server must
    // fail the run, not silently skip the metastore interop tests.
    if (process.env.CI) throw new Error(`${dialect} is not reachable in CI`, { cause: error });
    return false;
  }
}

/** DDL equivalent to Superset's migration 6766938c6065 (foreign keys to ab_user left out: no ab_user here). */
const SUPERSET_DDL: Record<TestDialect, string> = {
  postgresql: `CREATE TABLE key_value (id SERIAL NOT NULL, resource VARCHAR(32) NOT NULL, value BYTEA NOT NULL,
    uuid UUID, created_on TIMESTAMP WITHOUT TIME ZONE, created_by_fk INTEGER,
    changed_on TIMESTAMP WITHOUT TIME ZONE, changed_by_fk INTEGER, expires_on TIMESTAMP WITHOUT TIME ZONE,
    PRIMARY KEY (id));
    CREATE UNIQUE INDEX ix_key_value_uuid ON key_value (uuid);
    CREATE INDEX ix_key_value_expires_on ON key_value (expires_on);`,
  mysql: `CREATE TABLE key_value (id INTEGER NOT NULL AUTO_INCREMENT, resource VARCHAR(32) NOT NULL,
    value LONGBLOB NOT NULL, uuid BINARY(16), created_on DATETIME, created_by_fk INTEGER,
    changed_on DATETIME, changed_by_fk INTEGER, expires_on DATETIME, PRIMARY KEY (id));
    CREATE UNIQUE INDEX ix_key_value_uuid ON key_value (uuid);
    CREATE INDEX ix_key_value_expires_on ON key_value (expires_on);`,
};

/** Create a fresh database named `sc_meta_<random>`. */
export function createTestDatabase(dialect: TestDialect): TestDatabase {
  const name = `sc_meta_${randomBytes(6).toString("hex")}`;
  runCli(dialect, undefined, `CREATE DATABASE ${name}`);
  const uri = `${dialect === "postgresql" ? PG_URI_BASE : MYSQL_URI_BASE}/${name}`;
  return {
    dialect,
    name,
    uri,
    sql: (text) => runCli(dialect, name, text),
    createSupersetTable: () => {
      runCli(dialect, name, SUPERSET_DDL[dialect]);
    },
    drop: () => {
      if (dialect === "postgresql")
        runCli(dialect, undefined, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      else runCli(dialect, undefined, `DROP DATABASE IF EXISTS ${name}`);
    },
  };
}

const PEER = fileURLToPath(new URL("../../python/peer/meta_peer.py", import.meta.url));

/** Run one request through the Python peer and return its JSON answer. */
export function peer<T>(request: Record<string, unknown>): T {
  const r = spawnSync(debianPython(), [PEER], { input: JSON.stringify(request), encoding: "utf8" });
  if (r.status !== 0) throw new Error(`meta_peer failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
