/**
 * The user behind a session on real PostgreSQL and MariaDB servers: minimal Flask-AppBuilder
 * `ab_user`/`ab_role`/`ab_user_role` tables in a database this file creates and drops.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthError,
  inMemoryUserLookup,
  loadSessionUser,
  type MetadataDatabase,
  metadataUserLookup,
  openMetadataDatabase,
  type SupersetSession,
} from "#src/auth/index.js";
import {
  createTestDatabase,
  serverAvailable,
  type TestDatabase,
  type TestDialect,
} from "#test/helpers/metastore-databases.js";

/** Flask-AppBuilder's security tables, as its models create them (foreign keys kept). */
const FAB_DDL: Record<TestDialect, string> = {
  postgresql: `CREATE TABLE ab_role (id SERIAL PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE);
    CREATE TABLE ab_user (id SERIAL PRIMARY KEY, first_name VARCHAR(64) NOT NULL, last_name VARCHAR(64) NOT NULL,
      username VARCHAR(64) NOT NULL UNIQUE, password VARCHAR(256), active BOOLEAN, email VARCHAR(320) NOT NULL UNIQUE,
      last_login TIMESTAMP, login_count INTEGER, fail_login_count INTEGER, created_on TIMESTAMP, changed_on TIMESTAMP,
      created_by_fk INTEGER REFERENCES ab_user(id), changed_by_fk INTEGER REFERENCES ab_user(id));
    CREATE TABLE ab_user_role (id SERIAL PRIMARY KEY, user_id INTEGER REFERENCES ab_user(id),
      role_id INTEGER REFERENCES ab_role(id), UNIQUE (user_id, role_id));`,
  mysql: `CREATE TABLE ab_role (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(64) NOT NULL UNIQUE);
    CREATE TABLE ab_user (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, first_name VARCHAR(64) NOT NULL,
      last_name VARCHAR(64) NOT NULL, username VARCHAR(64) NOT NULL UNIQUE, password VARCHAR(256), active BOOL,
      email VARCHAR(320) NOT NULL UNIQUE, last_login DATETIME, login_count INTEGER, fail_login_count INTEGER,
      created_on DATETIME, changed_on DATETIME, created_by_fk INTEGER, changed_by_fk INTEGER,
      FOREIGN KEY (created_by_fk) REFERENCES ab_user(id), FOREIGN KEY (changed_by_fk) REFERENCES ab_user(id));
    CREATE TABLE ab_user_role (id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id INTEGER, role_id INTEGER,
      UNIQUE (user_id, role_id), FOREIGN KEY (user_id) REFERENCES ab_user(id),
      FOREIGN KEY (role_id) REFERENCES ab_role(id));`,
};

const ROWS = `INSERT INTO ab_role (id, name) VALUES (1, 'Admin'), (2, 'Alpha'), (3, 'Gamma'), (4, 'sql_lab');
  INSERT INTO ab_user (id, first_name, last_name, username, active, email) VALUES
    (1, 'Ada', 'Admin', 'admin', TRUE, 'admin@example.com'),
    (2, 'Gus', 'Gamma', 'gus', TRUE, 'gus@example.com'),
    (3, 'Ina', 'Inactive', 'ina', FALSE, 'ina@example.com'),
    (4, 'Nul', 'Null', 'nul', NULL, 'nul@example.com');
  INSERT INTO ab_user_role (user_id, role_id) VALUES (1, 1), (2, 4), (2, 3), (3, 3);`;

const session = (userId: number | null): SupersetSession => ({
  kind: "cookie",
  userId,
  fresh: true,
  flaskLoginId: null,
  csrfToken: null,
  permanent: true,
  sid: null,
  signedAt: 0,
  data: {},
});

describe.each<TestDialect>(["postgresql", "mysql"])("FAB users on %s", (dialect) => {
  const available = serverAvailable(dialect);
  let testDb: TestDatabase;
  let db: MetadataDatabase;
  beforeAll(async () => {
    if (!available) return;
    testDb = createTestDatabase(dialect);
    testDb.sql(FAB_DDL[dialect]);
    testDb.sql(ROWS);
    db = await openMetadataDatabase(testDb.uri);
  });
  afterAll(async () => {
    await db?.close();
    testDb?.drop();
  });

  it.skipIf(!available)("finds a user with role names in role id order", async () => {
    const lookup = metadataUserLookup(db);
    expect(await lookup.findUser(2)).toEqual({
      id: 2,
      username: "gus",
      firstName: "Gus",
      lastName: "Gamma",
      email: "gus@example.com",
      active: true,
      roles: ["Gamma", "sql_lab"],
    });
    expect((await lookup.findUser(1))?.roles).toEqual(["Admin"]);
    expect(await lookup.findUser(99)).toBeNull();
  });

  it.skipIf(!available)("loads only active users for a session, as FAB's load_user does", async () => {
    const lookup = metadataUserLookup(db);
    expect((await loadSessionUser(session(1), lookup))?.username).toBe("admin");
    expect(await loadSessionUser(session(3), lookup)).toBeNull(); // active = FALSE
    expect(await loadSessionUser(session(4), lookup)).toBeNull(); // active IS NULL
    expect((await lookup.findUser(3))?.active).toBe(false);
    expect(await loadSessionUser(session(null), lookup)).toBeNull();
    expect(await loadSessionUser(null, lookup)).toBeNull();
  });

  it.skipIf(!available)("reports a failing query as AUTH_DATABASE_QUERY_FAILED", async () => {
    await expect(db.query("SELECT * FROM no_such_table", [])).rejects.toBeInstanceOf(AuthError);
    await expect(db.query("SELECT * FROM no_such_table", [])).rejects.toMatchObject({
      code: "AUTH_DATABASE_QUERY_FAILED",
    });
  });
});

describe("in-memory users", () => {
  it("answers copies, and nothing for unknown or inactive users", async () => {
    const lookup = inMemoryUserLookup([
      {
        id: 5,
        username: "eve",
        firstName: null,
        lastName: null,
        email: null,
        active: true,
        roles: ["Gamma"],
      },
      { id: 6, username: "off", firstName: null, lastName: null, email: null, active: false, roles: [] },
    ]);
    const eve = await lookup.findUser(5);
    eve?.roles.push("Admin");
    expect((await lookup.findUser(5))?.roles).toEqual(["Gamma"]);
    expect(await loadSessionUser(session(6), lookup)).toBeNull();
    expect(await loadSessionUser(session(7), lookup)).toBeNull();
  });
});
