/**
 * SupersetRestClient request shapes against a stand-in HTTP server (no Superset is installed
 * here, so this checks what we send and how answers are handled, not Superset itself).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupersetRestClient, SupersetRestError } from "#src/ops/superset-rest.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}
const seen: Seen[] = [];
let status = 201;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => {
      text += d.toString();
    });
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      });
      res.setHeader("Content-Type", "application/json");
      if (req.url === "/api/v1/security/login") {
        const b = JSON.parse(text) as { password: string };
        if (b.password !== "admin") {
          res.statusCode = 401;
          res.end('{"message":"Not authorized"}');
          return;
        }
        res.end('{"access_token":"jwt-1"}');
      } else if (req.url === "/api/v1/security/csrf_token/") {
        res.setHeader("Set-Cookie", "session=abc; HttpOnly; Path=/");
        res.end('{"result":"csrf-1"}');
      } else {
        res.statusCode = status;
        res.end(status === 201 ? "{}" : '{"message":"bad"}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise((r) => server.close(r)));

describe("SupersetRestClient", () => {
  it("logs in, fetches the CSRF token, and posts the invalidation body Superset's schema expects", async () => {
    seen.length = 0;
    const c = new SupersetRestClient({ baseUrl: base, username: "admin", password: "admin" });
    await c.invalidateCache({
      datasourceUids: ["3__table"],
      datasources: [
        {
          datasourceName: "birth_names",
          databaseName: "examples",
          schema: "public",
          datasourceType: "table",
        },
      ],
    });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "POST /api/v1/security/login",
      "GET /api/v1/security/csrf_token/",
      "POST /api/v1/cachekey/invalidate",
    ]);
    expect(seen[0]!.body).toEqual({ username: "admin", password: "admin", provider: "db", refresh: false });
    const post = seen[2]!;
    expect(post.headers.authorization).toBe("Bearer jwt-1");
    expect(post.headers["x-csrftoken"]).toBe("csrf-1");
    expect(post.headers.cookie).toBe("session=abc");
    expect(post.body).toEqual({
      datasource_uids: ["3__table"],
      datasources: [
        {
          datasource_name: "birth_names",
          database_name: "examples",
          datasource_type: "table",
          schema: "public",
        },
      ],
    });
  });

  it("a given token skips login; csrf: false skips the token; non-201 and bad login are typed errors", async () => {
    seen.length = 0;
    const c = new SupersetRestClient({ baseUrl: base, accessToken: "given", csrf: false });
    await c.invalidateCache({ datasourceUids: ["1__table"] });
    expect(seen.map((s) => s.url)).toEqual(["/api/v1/cachekey/invalidate"]);
    expect(seen[0]!.headers.authorization).toBe("Bearer given");
    status = 400;
    await expect(c.invalidateCache({ datasourceUids: [] })).rejects.toMatchObject({
      code: "SUPERSET_REQUEST_FAILED",
      status: 400,
    });
    status = 201;
    const bad = new SupersetRestClient({ baseUrl: base, username: "admin", password: "nope" });
    const err = await bad.invalidateCache({ datasourceUids: ["1__table"] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SupersetRestError);
    expect(err).toMatchObject({ code: "SUPERSET_LOGIN_FAILED", status: 401 });
  });
});
