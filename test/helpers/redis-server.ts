/**
 * Real redis-server processes for tests: standalone, Sentinel (one primary, one replica,
 * three sentinels), Cluster (three masters) and TLS. Every process listens on a free
 * loopback port chosen here (never 6379), persists nothing (`save ""`, no AOF), lives in
 * its own temp dir, and is stopped by its pid. Processes still alive when the test
 * process exits are killed by an exit hook, so a failing test leaves nothing behind.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitUntil } from "./wait-until.js";

const LOOPBACK = "127.0.0.1";
/** The machine's shared Redis: never ours to start, stop or flush. */
const SHARED_REDIS_PORT = 6379;
const STOP_TIMEOUT_MS = 5_000;

const alive = new Set<ChildProcess>();
const tempDirs = new Set<string>();
function killAll(): void {
  for (const child of alive) child.kill("SIGKILL");
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
process.on("exit", killAll);
// A runner stopping this worker with a signal skips 'exit' handlers: clean up, then die as asked.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

/** A loopback TCP port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once("error", reject);
      srv.listen(0, LOOPBACK, () => {
        const address = srv.address();
        srv.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    // Cluster bus ports are port + 10000 in some setups; keep both in range and off 6379.
    if (port !== SHARED_REDIS_PORT && port > 0 && port < 55_000) return port;
  }
}

function makeTempDir(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `superset-cache-${label}-`));
  tempDirs.add(dir);
  return dir;
}

export interface TlsFiles {
  dir: string;
  caCert: string;
  cert: string;
  key: string;
}

/** A throwaway CA and a server/client certificate for 127.0.0.1 and localhost, made with openssl. */
export function makeTlsFiles(): TlsFiles {
  const dir = makeTempDir("tls");
  const f = (name: string) => join(dir, name);
  const run = (args: string[]) => {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  writeFileSync(f("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  run(
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test-ca"].concat([
      "-keyout",
      f("ca.key"),
      "-out",
      f("ca.crt"),
    ]),
  );
  run(
    ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", f("redis.key")].concat([
      "-out",
      f("redis.csr"),
    ]),
  );
  run(
    ["x509", "-req", "-in", f("redis.csr"), "-CA", f("ca.crt"), "-CAkey", f("ca.key")].concat([
      "-CAcreateserial",
      "-days",
      "2",
      "-extfile",
      f("ext.cnf"),
      "-out",
      f("redis.crt"),
    ]),
  );
  return { dir, caCert: f("ca.crt"), cert: f("redis.crt"), key: f("redis.key") };
}

export interface RedisServerOptions {
  /** Extra config lines (redis.conf syntax). */
  config?: string[];
  /** Serve TLS on the port (and no plain port). */
  tls?: TlsFiles;
  /** Start as a sentinel (`redis-server --sentinel`). */
  sentinel?: boolean;
  /** Port to use (default: a free one). Used by restarts. */
  port?: number;
  label?: string;
}

/** One redis-server (or sentinel) process we started. */
export class RedisServer {
  readonly host = LOOPBACK;
  readonly dir: string;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    private readonly options: RedisServerOptions,
  ) {
    this.dir = makeTempDir(options.label ?? (options.sentinel ? "sentinel" : "redis"));
  }

  /** Start a server on a free port and wait until it answers PING. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const port = options.port ?? (await freePort());
    if (port === SHARED_REDIS_PORT) throw new Error("refusing to use port 6379");
    const server = new RedisServer(port, options);
    await server.spawn();
    return server;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** `redis://127.0.0.1:<port>` (or `rediss://` for TLS). */
  get url(): string {
    return `${this.options.tls ? "rediss" : "redis"}://${LOOPBACK}:${this.port}`;
  }

  private configText(): string {
    const lines = [
      `bind ${LOOPBACK}`,
      `dir ${this.dir}`,
      'save ""',
      "appendonly no",
      "protected-mode no",
      "loglevel warning",
      `logfile ${join(this.dir, "redis.log")}`,
    ];
    if (this.options.tls) {
      const t = this.options.tls;
      lines.push("port 0", `tls-port ${this.port}`, `tls-cert-file ${t.cert}`, `tls-key-file ${t.key}`);
      lines.push(`tls-ca-cert-file ${t.caCert}`, "tls-auth-clients no");
    } else {
      lines.push(`port ${this.port}`);
    }
    if (this.options.sentinel) lines.splice(lines.indexOf('save ""'), 2);
    return `${[...lines, ...(this.options.config ?? [])].join("\n")}\n`;
  }

  private async spawn(): Promise<void> {
    const conf = join(this.dir, "redis.conf");
    writeFileSync(conf, this.configText());
    const args = this.options.sentinel ? [conf, "--sentinel"] : [conf];
    const child = spawn("redis-server", args, { stdio: ["ignore", "ignore", "pipe"] });
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
      await waitUntil(`redis-server on ${this.port} to answer PING`, () => {
        if (!this.running) throw new Error(`redis-server on ${this.port} exited early: ${stderr}`);
        return this.cli(["PING"]).ok;
      });
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Run redis-cli against this server; `out` is its trimmed stdout. */
  cli(args: string[]): { ok: boolean; out: string } {
    const tlsArgs = this.options.tls ? ["--tls", "--cacert", this.options.tls.caCert] : [];
    const r = spawnSync("redis-cli", ["-h", LOOPBACK, "-p", String(this.port), ...tlsArgs, ...args], {
      encoding: "utf8",
      timeout: 5_000,
    });
    const out = (r.stdout ?? "").trim();
    return { ok: r.status === 0 && !out.startsWith("ERR") && !out.includes("Could not connect"), out };
  }

  /** Kill the process at once (SIGKILL), as a crash would. */
  async kill(): Promise<void> {
    if (this.running) this.#child?.kill("SIGKILL");
    await this.#exited;
  }

  /** Start again on the same port, same config, after `kill`/`stop`. */
  async restart(): Promise<void> {
    if (this.running) throw new Error("still running");
    await this.spawn();
  }

  /** SIGTERM, then SIGKILL if it lingers; removes the temp dir. Idempotent. */
  async stop(): Promise<void> {
    if (this.running) {
      this.#child?.kill("SIGTERM");
      const timer = setTimeout(() => this.#child?.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await this.#exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
    tempDirs.delete(this.dir);
  }
}

/** One primary, one replica, three sentinels watching them under `masterName`. */
export interface SentinelSet {
  masterName: string;
  primary: RedisServer;
  replica: RedisServer;
  sentinels: RedisServer[];
  /** The master port each running sentinel reports now (0 where it reports none). */
  masterPorts(): number[];
  /**
   * Resolves once every running sentinel reports `port` as the master: after a failover the
   * sentinels learn the new master one by one, so asking a single one can be too early.
   */
  waitForMaster(port: number): Promise<void>;
  stop(): Promise<void>;
}

/** Start a Sentinel deployment; resolves when every sentinel sees the replica and its peers. */
export async function startSentinelSet(options: { masterName?: string } = {}): Promise<SentinelSet> {
  const masterName = options.masterName ?? "mymaster";
  const started: RedisServer[] = [];
  try {
    const primary = await RedisServer.start({ label: "primary" });
    started.push(primary);
    const replica = await RedisServer.start({
      label: "replica",
      config: [`replicaof ${LOOPBACK} ${primary.port}`],
    });
    started.push(replica);
    await waitUntil("replica link", () =>
      replica.cli(["INFO", "replication"]).out.includes("master_link_status:up"),
    );
    const sentinels: RedisServer[] = [];
    for (let i = 0; i < 3; i++) {
      const s = await RedisServer.start({
        sentinel: true,
        label: "sentinel",
        config: [
          `sentinel monitor ${masterName} ${LOOPBACK} ${primary.port} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
        ],
      });
      started.push(s);
      sentinels.push(s);
    }
    for (const s of sentinels) {
      await waitUntil("sentinel discovery", () => {
        const info = s.cli(["SENTINEL", "MASTER", masterName]).out.split("\n");
        const field = (name: string) => info[info.indexOf(name) + 1];
        return field("num-slaves") === "1" && field("num-other-sentinels") === "2";
      });
    }
    const masterPorts = () =>
      sentinels
        .filter((s) => s.running)
        .map((s) =>
          Number(s.cli(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName]).out.split("\n")[1] ?? 0),
        );
    const waitForMaster = (port: number) =>
      waitUntil(`every sentinel to report master port ${port}`, () => {
        const ports = masterPorts();
        return ports.length > 0 && ports.every((p) => p === port);
      });
    return {
      masterName,
      primary,
      replica,
      sentinels,
      masterPorts,
      waitForMaster,
      stop: () => stopAll(started),
    };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

/** A cluster of `masters` nodes (no replicas) covering all 16384 slots. */
export interface RedisClusterSet {
  nodes: RedisServer[];
  stop(): Promise<void>;
}

/** Start a Redis Cluster with `redis-cli --cluster create`; resolves when cluster_state is ok everywhere. */
export async function startCluster(masters = 3): Promise<RedisClusterSet> {
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < masters; i++) {
      const busPort = await freePort();
      nodes.push(
        await RedisServer.start({
          label: "cluster",
          config: [
            "cluster-enabled yes",
            "cluster-config-file nodes.conf",
            "cluster-node-timeout 2000",
            `cluster-port ${busPort}`,
          ],
        }),
      );
    }
    const create = spawnSync(
      "redis-cli",
      ["--cluster", "create", ...nodes.map((n) => `${LOOPBACK}:${n.port}`), "--cluster-replicas", "0"].concat(
        ["--cluster-yes"],
      ),
      { encoding: "utf8", timeout: 30_000 },
    );
    if (create.status !== 0) throw new Error(`cluster create failed: ${create.stdout}${create.stderr}`);
    for (const n of nodes) {
      await waitUntil("cluster_state:ok", () => n.cli(["CLUSTER", "INFO"]).out.includes("cluster_state:ok"));
    }
    return { nodes, stop: () => stopAll(nodes) };
  } catch (err) {
    await stopAll(nodes);
    throw err;
  }
}

async function stopAll(servers: readonly RedisServer[]): Promise<void> {
  await Promise.all(servers.map((s) => s.stop()));
}
