/**
 * Superset's database metadata lists in `CACHE_CONFIG`: `Database.get_all_*_names*` are
 * wrapped in `memoized_func`, which stores each result under a key formatted from the call
 * (`db:{id}:catalog:{catalog}:schema:{schema}:table_list`, …) with the cache's default
 * timeout; values are pickled sets (of `(table, schema, catalog)` tuples for tables and views).
 * Catalogs entered the keys with Superset 5.0; 4.x keys have no catalog part. Also Flask-Caching
 * `memoize`'s per-function version keys (`<module>.<qualname>_memver`), whose deletion
 * invalidates every memoized result of the function. Everything goes through `Cache`.
 * Checked against apache/superset 6.1.0 (superset/models/core.py, superset/utils/cache.py) and
 * Flask-Caching 2.0.2 (`function_namespace`, `_memvname`).
 */
import type { Cache } from "../cache/cache.js";
import { CacheConfigError } from "../core/errors.js";
import { PyObject, type PyValue } from "../python/values.js";
import type { SupersetVersion } from "./versions.js";

/** The memoized metadata lists, by the last part of their key. */
export type MetadataListKind =
  | "table_list"
  | "view_list"
  | "materialized_view_list"
  | "schema_list"
  | "catalog_list";

/** One table or view name as Superset caches it. */
export interface MetadataTableName {
  table: string;
  schema: string | null;
  /** null on 4.x entries (and for databases without catalogs). */
  catalog: string | null;
}

export interface MetadataKeyOptions {
  /** Superset release; 4.0/4.1 keys have no catalog part. Default 6.1. */
  supersetVersion?: SupersetVersion;
}

/** A catalog as it appears in a key: Python's `str.format` writes None as `None`. */
type Catalog = string | null | undefined;
const fmt = (catalog: Catalog): string => (catalog === null || catalog === undefined ? "None" : catalog);
const hasCatalogs = (version: SupersetVersion | undefined): boolean => version !== "4.0" && version !== "4.1";

/** Key of a schema-level list (`table_list`, `view_list`, `materialized_view_list`). */
export function schemaListEntryKey(
  kind: "table_list" | "view_list" | "materialized_view_list",
  databaseId: number,
  schema: string,
  catalog: Catalog,
  options: MetadataKeyOptions = {},
): string {
  return hasCatalogs(options.supersetVersion)
    ? `db:${databaseId}:catalog:${fmt(catalog)}:schema:${schema}:${kind}`
    : `db:${databaseId}:schema:${schema}:${kind}`;
}

/** Key of a database's schema list (per catalog from 5.0). */
export function schemaListKey(
  databaseId: number,
  catalog: Catalog,
  options: MetadataKeyOptions = {},
): string {
  return hasCatalogs(options.supersetVersion)
    ? `db:${databaseId}:catalog:${fmt(catalog)}:schema_list`
    : `db:${databaseId}:schema_list`;
}

/**
 * Key of a database's catalog list.
 * @throws CacheConfigError `UNSUPPORTED_SUPERSET_VERSION` for 4.x, which caches no catalog list
 */
export function catalogListKey(databaseId: number, options: MetadataKeyOptions = {}): string {
  if (!hasCatalogs(options.supersetVersion))
    throw new CacheConfigError(
      "UNSUPPORTED_SUPERSET_VERSION",
      "supersetVersion",
      `Superset ${options.supersetVersion} caches no catalog list`,
    );
  return `db:${databaseId}:catalog_list`;
}

/**
 * Flask-Caching memoize's version key of a function: `function_namespace` joins module and
 * qualified name (`superset.views.base.cached_common_bootstrap_data`) and `_memvname` appends
 * `_memver`; with `instanceRepr` (the `repr()` of `self`) it is the per-instance key. Its
 * `translate` meant to drop characters outside `[A-Za-z0-9_.]`, but the table is keyed by str,
 * which `str.translate` ignores, so names are kept whole (`<locals>` included). The key is
 * unprefixed; `Cache` adds `CACHE_KEY_PREFIX`.
 */
export function memoizeVersionKey(qualifiedName: string, instanceRepr?: string): string {
  return `${instanceRepr === undefined ? qualifiedName : `${qualifiedName}.${instanceRepr}`}_memver`;
}

/** Functions Superset 6.1.0 memoizes with Flask-Caching, and the named cache each uses. */
export const SUPERSET_MEMOIZED_FUNCTIONS: readonly {
  name: string;
  cache: "CACHE_CONFIG" | "DATA_CACHE_CONFIG";
}[] = [
  { name: "superset.views.base.cached_common_bootstrap_data", cache: "CACHE_CONFIG" },
  {
    name: "superset.db_engine_specs.presto.PrestoBaseEngineSpec.get_function_names",
    cache: "DATA_CACHE_CONFIG",
  },
  {
    name: "superset.db_engine_specs.presto.PrestoBaseEngineSpec.latest_partition",
    cache: "DATA_CACHE_CONFIG",
  },
  { name: "superset.db_engine_specs.hive.HiveEngineSpec.get_function_names", cache: "CACHE_CONFIG" },
  {
    name: "superset.db_engine_specs.clickhouse.ClickHouseEngineSpec.get_function_names",
    cache: "CACHE_CONFIG",
  },
];

/**
 * Invalidate every memoized result of a function by deleting its version key (and the
 * per-instance one when `instanceRepr` is given): the next call finds no version, makes a new
 * one and misses. `cache` must be the named cache the function memoizes into.
 * @returns the version keys that existed and were deleted
 */
export async function invalidateMemoized(
  cache: Cache,
  qualifiedName: string,
  options: { instanceRepr?: string } = {},
): Promise<string[]> {
  const keys = [memoizeVersionKey(qualifiedName)];
  if (options.instanceRepr !== undefined) keys.push(memoizeVersionKey(qualifiedName, options.instanceRepr));
  return deleteEach(cache, keys);
}

/**
 * Delete each key on its own. `Cache.deleteMany`'s Flask-Caching loop stops at the first key
 * that did not exist, and most computed keys here usually do not.
 */
async function deleteEach(cache: Cache, keys: readonly string[]): Promise<string[]> {
  const deleted: string[] = [];
  for (const key of keys) if (await cache.delete(key)) deleted.push(key);
  return deleted;
}

const str = (v: PyValue | undefined): string | null => (typeof v === "string" ? v : null);

/** A cached table/view name: a tuple, a `DatasourceName` namedtuple or a `Table` object. */
function tableName(v: PyValue): MetadataTableName | undefined {
  let fields: readonly PyValue[] | undefined;
  if (Array.isArray(v)) fields = v;
  else if (v instanceof PyObject) {
    if (v.args && v.args.length > 0) fields = v.args;
    else if (v.state && typeof v.state === "object" && !Array.isArray(v.state)) {
      const s = v.state as Record<string, PyValue>;
      fields = [s.table ?? null, s.schema ?? null, s.catalog ?? null];
    }
  }
  const table = fields ? str(fields[0]) : null;
  if (!fields || table === null) return undefined;
  return { table, schema: str(fields[1]), catalog: str(fields[2]) };
}

function names(value: PyValue | undefined): MetadataTableName[] | undefined {
  if (!(value instanceof Set) && !Array.isArray(value)) return undefined;
  const out: MetadataTableName[] = [];
  for (const item of value) {
    const n = tableName(item);
    if (n) out.push(n);
  }
  return out.sort((a, b) => (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
}

function strings(value: PyValue | undefined): string[] | undefined {
  if (!(value instanceof Set) && !Array.isArray(value)) return undefined;
  return [...value].filter((x): x is string => typeof x === "string").sort();
}

/** Reads and invalidates Superset's cached metadata lists through the `CACHE_CONFIG` cache. */
export class SupersetMetadataCache {
  constructor(
    private readonly cache: Cache,
    private readonly options: MetadataKeyOptions = {},
  ) {}

  /** Cached tables of a schema, sorted by name; undefined when nothing is cached. */
  async tables(
    databaseId: number,
    schema: string,
    catalog: Catalog = null,
  ): Promise<MetadataTableName[] | undefined> {
    return names(
      await this.cache.get(schemaListEntryKey("table_list", databaseId, schema, catalog, this.options)),
    );
  }

  /** Cached views of a schema, sorted by name; undefined when nothing is cached. */
  async views(
    databaseId: number,
    schema: string,
    catalog: Catalog = null,
  ): Promise<MetadataTableName[] | undefined> {
    return names(
      await this.cache.get(schemaListEntryKey("view_list", databaseId, schema, catalog, this.options)),
    );
  }

  /** Cached materialized views of a schema (5.0+ keys); undefined when nothing is cached. */
  async materializedViews(
    databaseId: number,
    schema: string,
    catalog: Catalog = null,
  ): Promise<MetadataTableName[] | undefined> {
    return names(
      await this.cache.get(
        schemaListEntryKey("materialized_view_list", databaseId, schema, catalog, this.options),
      ),
    );
  }

  /** Cached schema names of a database (of one catalog from 5.0), sorted. */
  async schemas(databaseId: number, catalog: Catalog = null): Promise<string[] | undefined> {
    return strings(await this.cache.get(schemaListKey(databaseId, catalog, this.options)));
  }

  /** Cached catalog names (5.0+), sorted. @throws CacheConfigError on 4.x */
  async catalogs(databaseId: number): Promise<string[] | undefined> {
    return strings(await this.cache.get(catalogListKey(databaseId, this.options)));
  }

  /** Delete the table, view and materialized-view lists of one schema. @returns the keys deleted */
  invalidateSchema(databaseId: number, schema: string, catalog: Catalog = null): Promise<string[]> {
    const kinds = ["table_list", "view_list", "materialized_view_list"] as const;
    return deleteEach(
      this.cache,
      kinds.map((k) => schemaListEntryKey(k, databaseId, schema, catalog, this.options)),
    );
  }

  /**
   * Delete every cached list of a database: the schemas named in its cached schema lists (of
   * every cached catalog) plus `schemas`, the schema lists and the catalog list. Keys are
   * computed, never scanned, so this works on every backend.
   * @returns the keys deleted
   */
  async invalidateDatabase(
    databaseId: number,
    extra: { catalogs?: readonly (string | null)[]; schemas?: readonly string[] } = {},
  ): Promise<string[]> {
    const catalogs = new Set<string | null>([null, ...(extra.catalogs ?? [])]);
    if (hasCatalogs(this.options.supersetVersion))
      for (const c of (await this.catalogs(databaseId)) ?? []) catalogs.add(c);
    const keys: string[] = [];
    for (const catalog of catalogs) {
      const schemas = new Set([
        ...(extra.schemas ?? []),
        ...((await this.schemas(databaseId, catalog)) ?? []),
      ]);
      for (const schema of schemas)
        for (const kind of ["table_list", "view_list", "materialized_view_list"] as const)
          keys.push(schemaListEntryKey(kind, databaseId, schema, catalog, this.options));
      keys.push(schemaListKey(databaseId, catalog, this.options));
    }
    if (hasCatalogs(this.options.supersetVersion)) keys.push(catalogListKey(databaseId, this.options));
    return deleteEach(this.cache, [...new Set(keys)]);
  }
}
