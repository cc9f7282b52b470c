/**
 * The CLI and the web inspector mask the secrets `collectSecrets` finds: secret-named config keys,
 * and URL passwords as both SQLAlchemy and WHATWG/urllib read them, so a database password holding
 * `/`, `?` or `@` is masked whole.
 */
import { describe, expect, it } from "vitest";
import { collectSecrets, MIN_SECRET_LENGTH, redactText, uriPasswords } from "#src/core/redact.js";

describe("collectSecrets", () => {
  it("finds secret-named values and URL passwords at any depth, SQLAlchemy's reading included", () => {
    const config = {
      SECRET_KEY: "flask-secret-1",
      SQLALCHEMY_DATABASE_URI: "postgresql://superset:pa/ss?w#d@db:5432/superset",
      DATA_CACHE_CONFIG: { CACHE_REDIS_URL: "redis://:redis-pw@host:6379/0", CACHE_KEY_PREFIX: "x_" },
    };
    const secrets = collectSecrets(config);
    expect(secrets).toEqual(expect.arrayContaining(["flask-secret-1", "pa/ss?w#d", "redis-pw"]));
    expect(secrets).not.toContain("x_");
    expect(redactText("dsn postgresql://superset:pa/ss?w#d@db/superset", secrets)).not.toContain("ss?w");
  });

  it("reads passwords exactly as the CLI does", () => {
    const uri = "mysql://u:p%40ss@h/db";
    expect(collectSecrets({ SQLALCHEMY_DATABASE_URI: uri })).toEqual(
      expect.arrayContaining(uriPasswords(uri).filter((p) => p.length >= MIN_SECRET_LENGTH)),
    );
    expect(uriPasswords(uri)).toEqual(expect.arrayContaining(["p%40ss", "p@ss"]));
  });
});
