/**
 * A Node HTTP endpoint that admits only a logged-in Superset user with a given role, without
 * calling Superset: it verifies Superset's `session` cookie with SECRET_KEY and looks the user
 * up. Run: npx tsx --conditions=superset-cache-source examples/auth-middleware.ts
 *
 * Self-contained: the users live in memory (a real gateway passes `metadataUserLookup(await
 * openMetadataDatabase(SQLALCHEMY_DATABASE_URI))`), and the cookies are made here exactly as
 * Superset's Flask would (`writeCookieSession`). With `SESSION_SERVER_SIDE = True` in Superset,
 * give the reader `sessionRedis: <SESSION_REDIS URL>` instead. The server listens on a free
 * loopback port, answers a few requests, and stops.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  cookieFromHeader,
  DEFAULT_SESSION_COOKIE_NAME,
  inMemoryUserLookup,
  loadSessionUser,
  SupersetSessionReader,
  type SupersetUser,
  type UserLookup,
  writeCookieSession,
} from "superset-cache/auth";

const SECRET_KEY = "example-superset-secret-key"; // Superset's SECRET_KEY
const say = (line: string) => console.log(line);

/**
 * A request handler that runs `next` only for an active Superset user holding `role`:
 * 401 without a valid session, 403 for a user without the role.
 */
function requireSupersetRole(
  role: string,
  reader: SupersetSessionReader,
  users: UserLookup,
  next: (req: IncomingMessage, res: ServerResponse, user: SupersetUser) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const cookie = cookieFromHeader(req.headers.cookie, DEFAULT_SESSION_COOKIE_NAME);
    reader
      .read(cookie)
      .then((session) => loadSessionUser(session, users))
      .then((user) => {
        if (user === null) {
          res.writeHead(401).end("log in to Superset first\n");
        } else if (!user.roles.includes(role)) {
          res.writeHead(403).end(`${user.username} lacks the ${role} role\n`);
        } else {
          next(req, res, user);
        }
      })
      .catch(() => res.writeHead(503).end("session store unavailable\n"));
  };
}

async function main(): Promise<void> {
  const users = inMemoryUserLookup([
    {
      id: 1,
      username: "admin",
      firstName: "Ada",
      lastName: "Admin",
      email: null,
      active: true,
      roles: ["Admin"],
    },
    {
      id: 2,
      username: "gus",
      firstName: "Gus",
      lastName: "Gamma",
      email: null,
      active: true,
      roles: ["Gamma"],
    },
  ]);
  const reader = new SupersetSessionReader({ secretKey: SECRET_KEY });
  const server = createServer(
    requireSupersetRole("Admin", reader, users, (_req, res, user) => {
      res
        .writeHead(200, { "content-type": "text/plain" })
        .end(`hello ${user.firstName}, here are the admin reports\n`);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/reports`;

  // What Flask-Login puts in Superset's session after a login.
  const loginCookie = (userId: number) =>
    writeCookieSession(
      { _user_id: String(userId), _fresh: true, csrf_token: "x" },
      { secretKey: SECRET_KEY },
    );
  const requests: [string, string | undefined][] = [
    ["no cookie", undefined],
    ["forged cookie", `${loginCookie(1).slice(0, -4)}AAAA`],
    ["cookie signed with another key", writeCookieSession({ _user_id: "1" }, { secretKey: "not-superset" })],
    ["gus (Gamma)", loginCookie(2)],
    ["admin (Admin)", loginCookie(1)],
  ];
  try {
    for (const [label, cookie] of requests) {
      const res = await fetch(url, { headers: cookie ? { cookie: `session=${cookie}` } : {} });
      say(`${label.padEnd(32)} -> ${res.status} ${(await res.text()).trim()}`);
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await reader.close();
  }
}

await main();
