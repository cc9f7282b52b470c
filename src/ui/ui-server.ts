/**
 * `startUiServer`: the web inspector over node:http. Serves one page (HTML, JS, CSS shipped as
 * string modules, no build step) and the JSON API of ui-api.ts. Every request needs the token
 * (see access.ts); every response carries a strict Content-Security-Policy; JSON leaves the
 * server scrubbed of config secrets, session ids and JWTs (session keys are shown masked, see
 * session-keys.ts) with `<`, `>` and `&` escaped; writes answer 403 unless `allowWrites`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { collectSecrets, redactText } from "../core/redact.js";
import type { SupersetCacheConfig } from "../manager/superset-config.js";
import type { WarmTarget } from "../ops/warm/runner.js";
import { newToken, tokenCookie, tokenSource, WRITE_HEADER } from "./access.js";
import { APP_CSS } from "./assets/app-css.js";
import { APP_JS } from "./assets/app-js.js";
import { PAGE_HTML } from "./assets/page-html.js";
import { DEFAULT_VIEW_LIMITS, type ViewLimits } from "./entry-view.js";
import { InfoSampler, type SamplerOptions } from "./sampler.js";
import { SessionKeys } from "./session-keys.js";
import { type UiCacheTarget, uiTargets } from "./targets.js";
import * as api from "./ui-api.js";

export interface UiServerOptions {
  /** The Superset config (named cache dicts; other keys are ignored, secrets never sent). */
  supersetConfig: SupersetCacheConfig;
  /** Redis URL used instead of every Redis cache's own (the CLI's --url). */
  redisUrl?: string;
  /** Interface to bind (default {@link DEFAULT_UI_HOST}: loopback only). */
  host?: string;
  /** TCP port (default {@link DEFAULT_UI_PORT}; 0 = any free port). */
  port?: number;
  /** Access token (default: 24 random bytes, hex). */
  token?: string;
  /** Enable delete, invalidate and warm (default false: every write answers 403). */
  allowWrites?: boolean;
  /** Invalidation by datasource uid (the CLI wires Superset's cache_keys invalidation). */
  invalidate?: (datasourceUids: string[]) => Promise<unknown>;
  /** Target that warms one chart (the CLI wires Superset's REST API). */
  warmTarget?: WarmTarget;
  /** INFO sampling for the charts. */
  sampling?: SamplerOptions;
  /** Decode and paging limits (default {@link DEFAULT_VIEW_LIMITS}). */
  limits?: Partial<ViewLimits>;
  /** More strings never to send (passwords and tokens given outside the config). */
  secrets?: readonly (string | undefined)[];
}

export const DEFAULT_UI_HOST = "127.0.0.1";
export const DEFAULT_UI_PORT = 8089;
/** Request bodies above this many BYTES are refused. */
const MAX_BODY_BYTES = 64 * 1024;

export interface UiServer {
  /** `http://host:port/?token=…`: the address to open. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly targets: readonly UiCacheTarget[];
  close(): Promise<void>;
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function baseHeaders(res: ServerResponse): void {
  res.setHeader("Content-Security-Policy", CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
}

/** JSON that stays inert even if something treats it as HTML. */
export function safeJson(value: unknown, secrets: readonly string[] = []): string {
  return redactText(JSON.stringify(value), secrets).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function readBody(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => {
      try {
        const v = JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
        resolve(v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
      } catch {
        resolve(undefined);
      }
    });
    req.on("error", () => resolve(undefined));
  });
}

/**
 * Start the inspector. Resolves once it listens and the first INFO sample is taken.
 * @throws the listen error (port in use: `EADDRINUSE`)
 */
export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const token = options.token ?? newToken();
  const targets = uiTargets(options.supersetConfig, options.redisUrl);
  const clients = new Map<string, Redis>();
  const clientFor = (url: string, db: number): Redis => {
    const id = `${url}#${db}`;
    let c = clients.get(id);
    if (!c) {
      c = new Redis(url, { db, lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
      c.on("error", () => {}); // each request reports its own failure
      clients.set(id, c);
    }
    return c;
  };
  const servers = new Map<string, () => Redis>();
  for (const t of targets)
    if (t.redis) servers.set(t.redis.url, () => clientFor((t.redis as { url: string }).url, 0));
  const sampler = new InfoSampler(servers, options.sampling);
  const secrets = collectSecrets(options.supersetConfig, [
    ...(options.secrets ?? []),
    options.redisUrl,
    token,
  ]);
  const sessions = new SessionKeys(options.supersetConfig as Readonly<Record<string, unknown>>);
  const ctx: api.ApiContext = {
    targets,
    client: (t) => clientFor(t.redis?.url ?? "", t.redis?.db ?? 0),
    serverId: (t) => t.redis?.url ?? "",
    sampler,
    // Hex previews of values quoting a sid or JWT are masked as raw bytes are.
    limits: { ...DEFAULT_VIEW_LIMITS, ...options.limits, maskBytes: (b) => sessions.scrubBytes(b) },
    allowWrites: options.allowWrites === true,
    supersetConfig: options.supersetConfig as Readonly<Record<string, unknown>>,
    decoded: api.decodedEntries(),
    sessions,
    secrets,
    ...(options.invalidate ? { invalidate: options.invalidate } : {}),
    ...(options.warmTarget ? { warmTarget: options.warmTarget } : {}),
  };
  let port = options.port ?? DEFAULT_UI_PORT;

  const send = (res: ServerResponse, status: number, type: string, body: string | Uint8Array): void => {
    res.statusCode = status;
    res.setHeader("Content-Type", type);
    res.end(body);
  };
  const sendJson = (res: ServerResponse, reply: api.ApiReply): void => {
    if (reply.bytes) send(res, reply.status, reply.bytes.type, reply.bytes.body);
    else {
      // Sids, session cookies and JWTs that reach a reply past the key masking are masked here.
      const text = ctx.sessions.scrub(safeJson(reply.json ?? null, secrets));
      send(res, reply.status, "application/json; charset=utf-8", text);
    }
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const q = url.searchParams;
    if (req.method === "GET") {
      switch (url.pathname) {
        case "/":
          return send(res, 200, "text/html; charset=utf-8", PAGE_HTML);
        case "/app.js":
          return send(res, 200, "text/javascript; charset=utf-8", APP_JS);
        case "/app.css":
          return send(res, 200, "text/css; charset=utf-8", APP_CSS);
        case "/api/overview":
          return sendJson(res, api.overview(ctx));
        case "/api/keys":
          return sendJson(res, await api.keys(ctx, q));
        case "/api/entry":
          return sendJson(res, await api.entry(ctx, q));
        case "/api/rows":
          return sendJson(res, await api.rows(ctx, q));
        case "/api/image":
          return sendJson(res, await api.image(ctx, q));
        case "/api/raw":
          return sendJson(res, await api.raw(ctx, q));
        case "/api/doctor":
          return sendJson(res, await api.doctorApi(ctx));
      }
      return sendJson(res, { status: 404, json: { error: "not found" } });
    }
    if (req.method === "POST") {
      // Cross-site requests cannot set a custom header without a preflight, which is never granted.
      const origin = req.headers.origin;
      if (req.headers[WRITE_HEADER] !== "1" || (origin && origin !== `http://${req.headers.host}`))
        return sendJson(res, {
          status: 403,
          json: { error: `POST needs the ${WRITE_HEADER}: 1 header from this page` },
        });
      const body = await readBody(req);
      if (!body) return sendJson(res, { status: 400, json: { error: "body must be a JSON object" } });
      switch (url.pathname) {
        case "/api/delete":
          return sendJson(res, await api.deleteKey(ctx, body));
        case "/api/invalidate":
          return sendJson(res, await api.invalidateApi(ctx, body));
        case "/api/warm":
          return sendJson(res, await api.warmApi(ctx, body));
      }
      return sendJson(res, { status: 404, json: { error: "not found" } });
    }
    res.setHeader("Allow", "GET, POST");
    return sendJson(res, { status: 405, json: { error: "method not allowed" } });
  };

  const server: Server = createServer((req, res) => {
    baseHeaders(res);
    const url = new URL(req.url ?? "/", "http://inspector.invalid");
    const how = tokenSource(req, url, token, port);
    if (!how) {
      const wantsJson = url.pathname.startsWith("/api/");
      return wantsJson
        ? sendJson(res, { status: 401, json: { error: "token required" } })
        : send(
            res,
            401,
            "text/plain; charset=utf-8",
            "Token required: open the URL superset-cache ui printed at start.\n",
          );
    }
    if (how === "query") {
      // Trade the token in the address bar for a cookie, then drop it from the URL (and history).
      res.setHeader("Set-Cookie", tokenCookie(token, port));
      if (req.method === "GET" && url.pathname === "/") {
        res.statusCode = 303;
        res.setHeader("Location", "/");
        return res.end();
      }
    }
    route(req, res, url).catch((err: Error) => {
      if (!res.headersSent) sendJson(res, { status: 502, json: { error: `backend: ${err.message}` } });
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, options.host ?? DEFAULT_UI_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  await sampler.start();
  const host = options.host ?? DEFAULT_UI_HOST;
  const shown = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? DEFAULT_UI_HOST : host;
  return {
    url: `http://${shown}:${port}/?token=${token}`,
    port,
    token,
    targets,
    async close() {
      sampler.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of clients.values()) c.disconnect();
    },
  };
}
