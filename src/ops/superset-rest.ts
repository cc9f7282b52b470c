/**
 * A small client for Superset's REST API, for operators who prefer to let Superset invalidate:
 * `POST /api/v1/security/login` (database/LDAP login → JWT) or a given token, an optional CSRF
 * token (`GET /api/v1/security/csrf_token/`, sent back with the session cookie), and
 * `POST /api/v1/cachekey/invalidate`, `PUT /api/v1/chart/warm_up_cache` and
 * `PUT /api/v1/dataset/warm_up_cache`. Uses the global `fetch` (Node ≥ 18).
 */
import type { SupersetRestErrorCode } from "../core/error-codes/index.js";
import { SupersetCacheError } from "../core/errors.js";

/** A failed Superset REST call: HTTP status and the response text. */
export class SupersetRestError extends SupersetCacheError {
  declare readonly code: SupersetRestErrorCode;
  constructor(
    code: SupersetRestErrorCode,
    readonly status: number,
    message: string,
  ) {
    super(code, message);
  }
}

export interface SupersetRestClientOptions {
  /** Superset's base URL, e.g. `https://superset.example.com`. */
  baseUrl: string;
  /** A ready access token (JWT); skips login. */
  accessToken?: string;
  /** Login credentials, used when no `accessToken` is given. */
  username?: string;
  password?: string;
  /** Login provider: `db` (default) or `ldap`. */
  provider?: "db" | "ldap";
  /** Fetch a CSRF token and send it (X-CSRFToken + session cookie) on POSTs. Default true. */
  csrf?: boolean;
  /** Per-request timeout, MILLISECONDS. Default 10000. */
  timeoutMs?: number;
}

/** Body of /api/v1/cachekey/invalidate (`CacheInvalidationRequestSchema`). */
export interface CacheInvalidationRequest {
  datasourceUids?: string[];
  datasources?: {
    datasourceName: string;
    databaseName: string;
    schema?: string;
    catalog?: string;
    datasourceType: "table" | "view" | "druid";
  }[];
}

/** One chart's line in a warm-up answer (`ChartCacheWarmUpResponseSingleSchema`). */
export interface WarmUpCacheResult {
  chart_id: number;
  /** The query's error, null or absent when it ran. */
  viz_error?: string | null;
  /** The query's status, e.g. `success`. */
  viz_status?: string | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;

export class SupersetRestClient {
  private token: string | undefined;
  private csrfToken: string | undefined;
  private cookie: string | undefined;
  private session: Promise<void> | undefined;
  private readonly base: string;

  constructor(private readonly options: SupersetRestClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.token = options.accessToken;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (method !== "GET" && this.csrfToken) headers["X-CSRFToken"] = this.csrfToken;
    if (this.cookie) headers.Cookie = this.cookie;
    return fetch(`${this.base}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
  }

  /** Log in (unless a token was given). @throws SupersetRestError `SUPERSET_LOGIN_FAILED` */
  async login(): Promise<void> {
    if (!this.token) {
      const res = await this.request("POST", "/api/v1/security/login", {
        username: this.options.username,
        password: this.options.password,
        provider: this.options.provider ?? "db",
        refresh: false,
      });
      if (!res.ok)
        throw new SupersetRestError(
          "SUPERSET_LOGIN_FAILED",
          res.status,
          `login failed: ${res.status} ${await res.text()}`,
        );
      this.token = ((await res.json()) as { access_token?: string }).access_token;
      if (!this.token)
        throw new SupersetRestError(
          "SUPERSET_LOGIN_FAILED",
          res.status,
          "login answered without access_token",
        );
    }
    if (this.options.csrf ?? true) {
      const res = await this.request("GET", "/api/v1/security/csrf_token/");
      if (!res.ok)
        throw new SupersetRestError(
          "SUPERSET_REQUEST_FAILED",
          res.status,
          `csrf_token failed: ${res.status} ${await res.text()}`,
        );
      this.csrfToken = ((await res.json()) as { result?: string }).result;
      const setCookie = res.headers.get("set-cookie");
      if (setCookie) this.cookie = setCookie.split(";")[0];
    }
  }

  /** Log in (or fetch the CSRF token for a given token) once per client. */
  private async ensureSession(): Promise<void> {
    this.session ??= this.login().catch((err: unknown) => {
      this.session = undefined;
      throw err;
    });
    await this.session;
  }

  /** PUT a warm-up body and read its `result` list. */
  private async warmUp(path: string, body: Record<string, unknown>): Promise<WarmUpCacheResult[]> {
    await this.ensureSession();
    const res = await this.request("PUT", path, body);
    if (res.status !== 200)
      throw new SupersetRestError(
        "SUPERSET_REQUEST_FAILED",
        res.status,
        `warm_up_cache failed: ${res.status} ${await res.text()}`,
      );
    const json = (await res.json()) as { result?: WarmUpCacheResult[] };
    return Array.isArray(json.result) ? json.result : [];
  }

  /**
   * `PUT /api/v1/chart/warm_up_cache`: Superset runs the chart's query with caching on (with
   * the dashboard's filters when `dashboardId` is given) and reports each query's status.
   * @throws SupersetRestError `SUPERSET_LOGIN_FAILED`, `SUPERSET_REQUEST_FAILED` (any status but 200)
   */
  warmUpChart(
    chartId: number,
    options: { dashboardId?: number | null; extraFilters?: string } = {},
  ): Promise<WarmUpCacheResult[]> {
    return this.warmUp("/api/v1/chart/warm_up_cache", {
      chart_id: chartId,
      ...(options.dashboardId != null ? { dashboard_id: options.dashboardId } : {}),
      ...(options.extraFilters !== undefined ? { extra_filters: options.extraFilters } : {}),
    });
  }

  /**
   * `PUT /api/v1/dataset/warm_up_cache`: warm every chart of a dataset, named by database and table.
   * @throws SupersetRestError `SUPERSET_LOGIN_FAILED`, `SUPERSET_REQUEST_FAILED` (any status but 200)
   */
  warmUpDataset(
    dbName: string,
    tableName: string,
    options: { dashboardId?: number | null; extraFilters?: string } = {},
  ): Promise<WarmUpCacheResult[]> {
    return this.warmUp("/api/v1/dataset/warm_up_cache", {
      db_name: dbName,
      table_name: tableName,
      ...(options.dashboardId != null ? { dashboard_id: options.dashboardId } : {}),
      ...(options.extraFilters !== undefined ? { extra_filters: options.extraFilters } : {}),
    });
  }

  /**
   * Ask Superset to invalidate cached data of datasources (201 on success).
   * @throws SupersetRestError `SUPERSET_REQUEST_FAILED` for any other status
   */
  async invalidateCache(request: CacheInvalidationRequest): Promise<void> {
    if (!this.token) await this.login();
    const body = {
      ...(request.datasourceUids ? { datasource_uids: request.datasourceUids } : {}),
      ...(request.datasources
        ? {
            datasources: request.datasources.map((d) => ({
              datasource_name: d.datasourceName,
              database_name: d.databaseName,
              datasource_type: d.datasourceType,
              ...(d.schema !== undefined ? { schema: d.schema } : {}),
              ...(d.catalog !== undefined ? { catalog: d.catalog } : {}),
            })),
          }
        : {}),
    };
    const res = await this.request("POST", "/api/v1/cachekey/invalidate", body);
    if (res.status !== 201)
      throw new SupersetRestError(
        "SUPERSET_REQUEST_FAILED",
        res.status,
        `invalidate failed: ${res.status} ${await res.text()}`,
      );
  }
}
