/** SQLALCHEMY_DATABASE_URI spellings the metastore backend accepts. */
import { describe, expect, it } from "vitest";
import { parseDatabaseUri } from "#src/backends/metastore/dsn.js";

describe("parseDatabaseUri", () => {
  it("postgresql:// and postgresql+psycopg2:// with percent-encoded credentials", () => {
    expect(parseDatabaseUri("postgresql://superset:p%40ss%3Aw@db.internal:5433/superset")).toMatchObject({
      dialect: "postgresql",
      host: "db.internal",
      port: 5433,
      user: "superset",
      password: "p@ss:w",
      database: "superset",
    });
    expect(parseDatabaseUri("postgresql+psycopg2://u@127.0.0.1/meta?sslmode=require")).toMatchObject({
      dialect: "postgresql",
      host: "127.0.0.1",
      port: undefined,
      user: "u",
      password: undefined,
      database: "meta",
      sslMode: "require",
    });
  });

  it("mysql:// and mysql+mysqldb:// (and mariadb / pymysql)", () => {
    expect(parseDatabaseUri("mysql://root@127.0.0.1:3306/superset?charset=utf8mb4")).toMatchObject({
      dialect: "mysql",
      user: "root",
      port: 3306,
      database: "superset",
      charset: "utf8mb4",
    });
    expect(parseDatabaseUri("mysql+mysqldb://a:b@h/d").dialect).toBe("mysql");
    expect(parseDatabaseUri("mariadb+pymysql://a:b@h/d").dialect).toBe("mysql");
    expect(parseDatabaseUri("mysql://a:b@[::1]:3307/d")).toMatchObject({ host: "::1", port: 3307 });
    expect(parseDatabaseUri("mysql://a@/d?unix_socket=/run/mysqld/mysqld.sock")).toMatchObject({
      host: undefined,
      socketPath: "/run/mysqld/mysqld.sock",
    });
  });

  it("typed errors for other dialects, bad ports, unknown parameters and junk", () => {
    const code = (uri: string) => {
      try {
        parseDatabaseUri(uri);
        return "no error";
      } catch (e) {
        return (e as { code: string; path: string }).code;
      }
    };
    expect(code("sqlite:////tmp/superset.db")).toBe("METASTORE_DSN_UNSUPPORTED");
    expect(code("postgresql+odbc://h/d")).toBe("METASTORE_DSN_UNSUPPORTED");
    expect(code("postgresql://h:99999/d")).toBe("METASTORE_DSN_INVALID");
    expect(code("postgresql://h/d?options=-c%20x")).toBe("METASTORE_DSN_PARAM");
    expect(code("not a url")).toBe("METASTORE_DSN_INVALID");
    expect(code("postgresql://u:p@ss@h/d")).toBe("METASTORE_DSN_INVALID");
  });

  it("reads the password as SQLAlchemy does: opaque up to the first '@', '/', '?', ':' and bad escapes kept", () => {
    expect(parseDatabaseUri("postgresql://superset:a/b?c:d#e@db:5433/meta?sslmode=require")).toMatchObject({
      user: "superset",
      password: "a/b?c:d#e",
      host: "db",
      port: 5433,
      database: "meta",
      sslMode: "require",
    });
    expect(parseDatabaseUri("mysql://u:%zz%41%e2%82%ac@h/d").password).toBe("%zzA\u20ac");
    expect(parseDatabaseUri("mysql://u:@h/d").password).toBe("");
  });

  it("never puts the password into an error message", () => {
    const secret = "s3cr?t/pw";
    const message = (uri: string) => {
      try {
        parseDatabaseUri(uri);
        return "no error";
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (const uri of [
      `postgresql://u:${secret}@h/d?options=x`,
      `postgresql://u:${secret}@h:99999/d`,
      `postgresql://u:${secret}@h@x/d`,
      `postgresql://u:${secret}`,
      `sqlite://u:${secret}@h/d`,
      `postgresql://host:${secret}/d`,
    ]) {
      const m = message(uri);
      expect(m).not.toBe("no error");
      expect(m).not.toContain("s3cr");
      expect(m).not.toContain("t/pw");
    }
  });
});
