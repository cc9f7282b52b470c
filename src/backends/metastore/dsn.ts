/**
 * Parses Superset's SQLALCHEMY_DATABASE_URI spellings into connection settings for the
 * metastore backend's SQL dialects. Only the parts a connection needs are interpreted.
 */
import { CacheConfigError } from "../../core/errors.js";

/** SQL families the metastore backend speaks. */
export type MetastoreDialectName = "postgresql" | "mysql";

/** Connection settings parsed from a SQLAlchemy URL. */
export interface MetastoreConnectionSettings {
  dialect: MetastoreDialectName;
  /** Host name or IP; for PostgreSQL a directory means a Unix socket. */
  host: string | undefined;
  port: number | undefined;
  user: string | undefined;
  password: string | undefined;
  database: string | undefined;
  /** PostgreSQL `sslmode` / MySQL `ssl_mode` when given (e.g. `require`). */
  sslMode: string | undefined;
  /** MySQL `charset` when given. */
  charset: string | undefined;
  /** MySQL `unix_socket` when given. */
  socketPath: string | undefined;
}

/** Default ports when the URL names none. */
export const DEFAULT_PORTS: Readonly<Record<MetastoreDialectName, number>> = {
  postgresql: 5432,
  mysql: 3306,
};

const DIALECTS: Readonly<Record<string, MetastoreDialectName>> = {
  postgresql: "postgresql",
  postgres: "postgresql",
  mysql: "mysql",
  mariadb: "mysql",
};

/** Driver suffixes (`dialect+driver://`) SQLAlchemy accepts for these dialects; the driver does not change the SQL. */
const DRIVERS: Readonly<Record<MetastoreDialectName, readonly string[]>> = {
  postgresql: ["psycopg2", "psycopg", "psycopg2cffi", "pg8000", "asyncpg"],
  mysql: ["mysqldb", "pymysql", "mysqlconnector", "mariadbconnector", "asyncmy", "aiomysql"],
};

/** Query parameters understood per dialect (others raise, so nothing is silently dropped). */
const KNOWN_PARAMS: Readonly<Record<MetastoreDialectName, readonly string[]>> = {
  postgresql: ["sslmode", "host", "port", "application_name", "connect_timeout"],
  mysql: ["charset", "ssl_mode", "unix_socket", "connect_timeout", "binary_prefix"],
};

const PATH = "SQLALCHEMY_DATABASE_URI";

/**
 * Parse `postgresql://`, `postgresql+psycopg2://`, `mysql://`, `mysql+mysqldb://` (and the
 * other driver spellings SQLAlchemy accepts for PostgreSQL and MySQL/MariaDB) URLs.
 * User and password are percent-decoded as SQLAlchemy does.
 * @throws CacheConfigError `METASTORE_DSN_INVALID` for a malformed URL,
 *   `METASTORE_DSN_UNSUPPORTED` for another dialect or driver (e.g. sqlite),
 *   `METASTORE_DSN_PARAM` for a query parameter this backend does not interpret.
 */
export function parseDatabaseUri(uri: string): MetastoreConnectionSettings {
  const match = /^([A-Za-z0-9_]+)(?:\+([A-Za-z0-9_]+))?:\/\/(.*)$/s.exec(uri);
  if (!match) {
    throw new CacheConfigError("METASTORE_DSN_INVALID", PATH, "not a SQLAlchemy URL (dialect[+driver]://…)");
  }
  const dialectWord = match[1]!.toLowerCase();
  const dialect = DIALECTS[dialectWord];
  if (!dialect) {
    throw new CacheConfigError(
      "METASTORE_DSN_UNSUPPORTED",
      PATH,
      `dialect ${JSON.stringify(dialectWord)} is not supported (postgresql or mysql)`,
    );
  }
  const driver = match[2]?.toLowerCase();
  if (driver !== undefined && !DRIVERS[dialect].includes(driver)) {
    throw new CacheConfigError(
      "METASTORE_DSN_UNSUPPORTED",
      PATH,
      `driver ${JSON.stringify(driver)} is not a known ${dialect} driver`,
    );
  }
  let rest = match[3]!;
  let query = "";
  const q = rest.indexOf("?");
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const slash = rest.indexOf("/");
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const databaseText = slash >= 0 ? rest.slice(slash + 1) : "";
  // The password may contain '@' only percent-encoded; SQLAlchemy splits at the last '@'.
  const at = authority.lastIndexOf("@");
  const userInfo = at >= 0 ? authority.slice(0, at) : undefined;
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  let user: string | undefined;
  let password: string | undefined;
  if (userInfo !== undefined) {
    const colon = userInfo.indexOf(":");
    user = decode(colon >= 0 ? userInfo.slice(0, colon) : userInfo);
    password = colon >= 0 ? decode(userInfo.slice(colon + 1)) : undefined;
  }
  const { host, port } = splitHostPort(hostPort);
  const settings: MetastoreConnectionSettings = {
    dialect,
    host,
    port,
    user: user || undefined,
    password,
    database: databaseText ? decode(databaseText) : undefined,
    sslMode: undefined,
    charset: undefined,
    socketPath: undefined,
  };
  applyQuery(settings, query);
  return settings;
}

function splitHostPort(text: string): { host: string | undefined; port: number | undefined } {
  if (!text) return { host: undefined, port: undefined };
  let host = text;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) throw new CacheConfigError("METASTORE_DSN_INVALID", PATH, "unclosed IPv6 bracket");
    host = text.slice(1, end);
    const after = text.slice(end + 1);
    if (after.startsWith(":")) portText = after.slice(1);
    else if (after) throw new CacheConfigError("METASTORE_DSN_INVALID", PATH, "junk after IPv6 host");
  } else {
    const colon = text.lastIndexOf(":");
    if (colon >= 0) {
      host = text.slice(0, colon);
      portText = text.slice(colon + 1);
    }
  }
  return { host: host ? decode(host) : undefined, port: portText ? parsePort(portText) : undefined };
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port > 0 && port < 65536)) {
    throw new CacheConfigError("METASTORE_DSN_INVALID", PATH, `invalid port ${JSON.stringify(text)}`);
  }
  return port;
}

function applyQuery(settings: MetastoreConnectionSettings, query: string): void {
  if (!query) return;
  for (const [name, value] of new URLSearchParams(query)) {
    if (!KNOWN_PARAMS[settings.dialect].includes(name)) {
      throw new CacheConfigError(
        "METASTORE_DSN_PARAM",
        PATH,
        `query parameter ${JSON.stringify(name)} is not interpreted by the ${settings.dialect} metastore dialect`,
      );
    }
    if (name === "sslmode" || name === "ssl_mode") settings.sslMode = value;
    else if (name === "charset") settings.charset = value;
    else if (name === "unix_socket") settings.socketPath = value;
    else if (name === "host") settings.host = value;
    else if (name === "port") settings.port = parsePort(value);
    // application_name, connect_timeout, binary_prefix: accepted, no effect on the SQL we send.
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (cause) {
    throw new CacheConfigError("METASTORE_DSN_INVALID", PATH, "bad percent-encoding", { cause });
  }
}
