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
    expect(code("mysql://u:%zz@h/d")).toBe("METASTORE_DSN_INVALID");
  });
});
