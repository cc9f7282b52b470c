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
 * The URL after `dialect+driver://`, split as SQLAlchemy's `make_url` splits it: user name up to
 * `:` or `/`, then the password up to the FIRST `@` (opaque: it may hold `/`, `?`, `:`, `#`),
 * then `[ipv6]` or host, `:port`, `/database`, `?query`.
 */
const AFTER_SCHEME =
  /^(?:([^:/]*)(?::([^@]*))?@)?(?:(?:\[([^/?]+)\]|([^/:?]+))?(?::([^/?]*))?)?(?:\/([^?]*))?(?:\?(.*))?$/s;

/**
 * Parse `postgresql://`, `postgresql+psycopg2://`, `mysql://`, `mysql+mysqldb://` (and the
 * other driver spellings SQLAlchemy accepts for PostgreSQL and MySQL/MariaDB) URLs.
 * User and password are percent-decoded as SQLAlchemy does (`urllib.parse.unquote`: a malformed
 * escape stays as written), so any password SQLAlchemy accepts is accepted and never echoed.
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
  const parts = AFTER_SCHEME.exec(match[3]!);
  if (!parts)
    throw new CacheConfigError("METASTORE_DSN_INVALID", PATH, "malformed host, port or database part");
  const [, userText, passwordText, ipv6Host, hostText, portText, databaseText, query] = parts;
  // An '@' left in the host means a password with an unencoded '@': the host would hold part of it.
  if (hostText?.includes("@")) {
    throw new CacheConfigError(
      "METASTORE_DSN_INVALID",
      PATH,
      "'@' after the user info: percent-encode '@' in the password as %40",
    );
  }
  const user = userText === undefined ? undefined : pythonUnquote(userText);
  const password = passwordText === undefined ? undefined : pythonUnquote(passwordText);
  const host = ipv6Host ?? (hostText ? decode(hostText) : undefined);
  const port = portText ? parsePort(portText) : undefined;
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
  applyQuery(settings, query ?? "");
  return settings;
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port > 0 && port < 65536)) {
    // Not echoed: in a URL without '@' the "port" may be what was meant as a password.
    throw new CacheConfigError(
      "METASTORE_DSN_INVALID",
      PATH,
      "invalid port (a whole number from 1 to 65535)",
    );
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

/**
 * Python's `urllib.parse.unquote`: `%XX` escapes become bytes, the bytes are read as UTF-8 with
 * U+FFFD for invalid sequences, and a `%` not followed by two hex digits stays as it is.
 */
function pythonUnquote(text: string): string {
  if (!text.includes("%")) return text;
  const bytes: number[] = [];
  const utf8 = Buffer.from(text, "utf8");
  for (let i = 0; i < utf8.length; i++) {
    const hex = utf8[i] === 0x25 && i + 2 < utf8.length ? utf8.subarray(i + 1, i + 3).toString("latin1") : "";
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(utf8[i]!);
  }
  return Buffer.from(bytes).toString("utf8");
}
