/**
 * python/peer/celery_peer.py from the tests: a Celery solo worker with stub tasks named like
 * Superset's (started once per file, waited for by its ready file, stopped by its pid), and the
 * same module as a one-shot client (`send_task`, celery's saferepr, kombu basic_get without ack).
 * Debian's python3-celery 5.2 / python3-kombu 5.2.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PYTHON_PEER_DIR } from "./paths.js";
import { debianPython } from "./python.js";

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface CeleryPeerEnv {
  brokerUrl: string;
  resultBackend?: string;
  /** broker_transport_options["global_keyprefix"]. */
  globalKeyPrefix?: string;
}

function envOf(e: CeleryPeerEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PEER_BROKER_URL: e.brokerUrl,
    PEER_RESULT_BACKEND: e.resultBackend ?? "",
    PEER_GLOBAL_KEYPREFIX: e.globalKeyPrefix ?? "",
  };
}

/** Run one client command of celery_peer.py; returns its JSON answer. */
export function celeryPeer<T>(command: string, request: unknown, env: CeleryPeerEnv): T {
  const r = spawnSync(debianPython(), [join(PYTHON_PEER_DIR, "celery_peer.py"), command], {
    input: JSON.stringify(request),
    encoding: "utf8",
    env: envOf(env),
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`celery_peer ${command} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

const alive = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of alive) child.kill("SIGKILL");
});

/** A running `celery worker -P solo` on the stub tasks. */
export class CeleryWorker {
  private log = "";
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.stderr?.on("data", (d: Buffer) => {
      this.log += d.toString();
    });
    child.stdout?.on("data", (d: Buffer) => {
      this.log += d.toString();
    });
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    this.exited.then(() => alive.delete(child));
  }

  /** Start a worker consuming `queues` and resolve once it reports ready (worker_ready signal). */
  static async start(env: CeleryPeerEnv, queues: string[] = ["celery"]): Promise<CeleryWorker> {
    const dir = mkdtempSync(join(tmpdir(), "superset-cache-celery-"));
    const ready = join(dir, "ready");
    const child = spawn(
      debianPython(),
      ["-m", "celery", "-A", "celery_peer", "worker", "-P", "solo", "-c", "1", "-Q", queues.join(",")].concat(
        [
          "--without-heartbeat",
          "--without-mingle",
          "--without-gossip",
          "-l",
          "WARNING",
          "-n",
          `peer${process.pid}@localhost`,
        ],
      ),
      {
        cwd: PYTHON_PEER_DIR,
        env: { ...envOf(env), PEER_READY_FILE: ready },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    alive.add(child);
    const worker = new CeleryWorker(child, dir);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!existsSync(ready)) {
      if (child.exitCode !== null) throw new Error(`celery worker exited early: ${worker.log}`);
      if (Date.now() > deadline) {
        await worker.stop();
        throw new Error(`celery worker not ready in time: ${worker.log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return worker;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** What the worker printed (for failure messages). */
  get output(): string {
    return this.log;
  }

  /** SIGTERM (warm shutdown), SIGKILL if it lingers; removes its temp dir. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
