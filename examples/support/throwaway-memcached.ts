/**
 * A throwaway `memcached` for the Memcached example: a free loopback port, stopped by the
 * example when it ends. With MEMCACHED_SERVERS set (comma-separated `host:port`), those servers
 * are used instead and nothing is started.
 */
import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";

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

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Start memcached (or take MEMCACHED_SERVERS) and wait until it accepts connections. */
export async function throwawayMemcached(): Promise<{ servers: string[]; stop: () => void }> {
  if (process.env.MEMCACHED_SERVERS)
    return { servers: process.env.MEMCACHED_SERVERS.split(","), stop: () => {} };
  const port = await freePort();
  // memcached refuses to run as root unless told which user to become.
  const asRoot = process.getuid?.() === 0 ? ["-u", "nobody"] : [];
  const server = spawn("memcached", ["-l", "127.0.0.1", "-p", String(port), "-U", "0", ...asRoot], {
    stdio: "ignore",
  });
  for (let attempt = 0; attempt < 100 && !(await accepts(port)); attempt++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  return { servers: [`127.0.0.1:${port}`], stop: () => server.kill() };
}
