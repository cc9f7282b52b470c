/**
 * A throwaway `redis-server` for the examples that need Redis: a free loopback port, no
 * persistence, stopped by the example when it ends. With REDIS_URL set, that Redis is used
 * instead and nothing is started.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/** A free loopback port (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** Start redis-server (or take REDIS_URL) and wait until it answers PING. */
export async function throwawayRedis(): Promise<{ url: string; stop: () => void }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => {} };
  const port = await freePort();
  const server = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 0 });
  probe.on("error", () => {}); // connection refused until the server listens
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await probe.ping().catch(() => "")) === "PONG") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  probe.disconnect();
  return { url, stop: () => server.kill() };
}
