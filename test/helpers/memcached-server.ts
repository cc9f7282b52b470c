/**
 * Real memcached processes for tests, each on a free loopback port chosen here (never 11211),
 * optionally with SASL (`-S`, PLAIN over a sasldb made by saslpasswd2 in its own temp dir).
 * A server counts as started once it accepts a TCP connection; it is stopped by its pid, and
 * processes still alive when the test process exits are killed by an exit hook.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./redis-server.js";
import { waitUntil } from "./wait-until.js";

const LOOPBACK = "127.0.0.1";
/** The machine's shared memcached port: never ours. */
const SHARED_MEMCACHED_PORT = 11211;

const alive = new Set<ChildProcess>();
const tempDirs = new Set<string>();
function killAll(): void {
  for (const child of alive) child.kill("SIGKILL");
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.on("exit", killAll);

/** SASL credentials a server accepts. */
export interface SaslUser {
  username: string;
  password: string;
}

export interface MemcachedServerOptions {
  /** Require SASL PLAIN with this user. */
  sasl?: SaslUser;
  /** Port (default: a free one). Used by restarts. */
  port?: number;
  /** Largest item in bytes (`-I`, default memcached's 1 MB). */
  maxItemBytes?: number;
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** One memcached process we started. */
export class MemcachedServer {
  readonly host = LOOPBACK;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  readonly #dir: string;

  private constructor(
    readonly port: number,
    private readonly options: MemcachedServerOptions,
  ) {
    this.#dir = mkdtempSync(join(tmpdir(), "superset-cache-memcached-"));
    tempDirs.add(this.#dir);
    // memcached drops to `nobody` when started as root; it must still read the sasldb.
    chmodSync(this.#dir, 0o755);
  }

  /** Start a server on a free port and wait until it accepts connections. */
  static async start(options: MemcachedServerOptions = {}): Promise<MemcachedServer> {
    const port = options.port ?? (await freePort());
    if (port === SHARED_MEMCACHED_PORT) throw new Error("refusing to use port 11211");
    const server = new MemcachedServer(port, options);
    await server.spawn();
    return server;
  }

  /** `127.0.0.1:<port>`, as `CACHE_MEMCACHED_SERVERS` lists it. */
  get address(): string {
    return `${LOOPBACK}:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  #saslEnv(): NodeJS.ProcessEnv {
    const sasl = this.options.sasl;
    if (!sasl) return process.env;
    const db = join(this.#dir, "memcached.sasldb");
    const r = spawnSync("saslpasswd2", ["-a", "memcached", "-c", "-p", "-f", db, sasl.username], {
      input: sasl.password,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`saslpasswd2 failed: ${r.stderr}`);
    chmodSync(db, 0o644);
    writeFileSync(join(this.#dir, "memcached.conf"), `mech_list: plain\nsasldb_path: ${db}\n`);
    return { ...process.env, SASL_CONF_PATH: this.#dir };
  }

  private async spawn(): Promise<void> {
    const args = ["-l", LOOPBACK, "-p", String(this.port), "-U", "0", "-m", "256", "-c", "1024"];
    if (process.getuid?.() === 0) args.push("-u", "nobody");
    if (this.options.sasl) args.push("-S");
    if (this.options.maxItemBytes) args.push("-I", String(this.options.maxItemBytes));
    const child = spawn("memcached", args, { stdio: ["ignore", "ignore", "pipe"], env: this.#saslEnv() });
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    alive.add(child);
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      child.once("exit", () => {
        alive.delete(child);
        resolve();
      });
    });
    try {
      await waitUntil(`memcached on ${this.port} to accept connections`, async () => {
        if (!this.running) throw new Error(`memcached on ${this.port} exited early: ${stderr}`);
        return acceptsConnections(this.port);
      });
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Kill the process at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    if (this.running) this.#child?.kill("SIGKILL");
    await this.#exited;
  }

  /** Start again on the same port after `kill`/`stop`. */
  async restart(): Promise<void> {
    if (this.running) throw new Error("still running");
    await this.spawn();
  }

  /** Stop the process (SIGTERM, then SIGKILL) and remove its temp dir. */
  async stop(): Promise<void> {
    if (this.running) {
      this.#child?.kill("SIGTERM");
      const timer = setTimeout(() => this.#child?.kill("SIGKILL"), 5_000);
      await this.#exited;
      clearTimeout(timer);
    }
    rmSync(this.#dir, { recursive: true, force: true });
    tempDirs.delete(this.#dir);
  }
}
