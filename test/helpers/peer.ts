/**
 * Typed client of python/peer/flask_peer.py: a long-running Python process driving real
 * flask_caching.Cache objects. One request at a time per peer, answered in order.
 *
 *   const peer = await FlaskPeer.start();
 *   await peer.open({ CACHE_TYPE: "SimpleCache" });
 *   await peer.call("set", { key: "a", value: toTagged(1) });
 *   await peer.close();           // in afterAll
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { debianPython } from "./python.js";
import type { Json } from "./tagged.js";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "python", "peer", "flask_peer.py");

type Reply = { ok: true; result: Json } | { ok: false; error: string; type: string };

/** A Python exception reported by the peer. `type` is the Python class name. */
export class PeerError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
  }
}

export interface PeerStartOptions {
  /** `ops_<area>` modules to load at start (python/peer/ops_<area>.py defining PEER_OPS). */
  ops?: string[];
  /** Extra environment (e.g. PYTHONPATH to test other library versions). */
  env?: Record<string, string>;
}

export class FlaskPeer {
  private readonly waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private stderr = "";
  private exited = false;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: child.stdout }).on("line", (line) => {
      this.waiting.shift()?.resolve(JSON.parse(line) as Reply);
    });
    child.on("exit", (code) => {
      this.exited = true;
      for (const w of this.waiting.splice(0))
        w.reject(new Error(`python peer exited (${code}): ${this.stderr}`));
    });
  }

  /** Spawn the peer with Debian's Python and check it answers. */
  static async start(options: PeerStartOptions = {}): Promise<FlaskPeer> {
    const args = [SCRIPT];
    if (options.ops?.length) args.push("--ops", options.ops.join(","));
    const child = spawn(debianPython(), args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    });
    const peer = new FlaskPeer(child);
    await peer.call("versions");
    return peer;
  }

  /**
   * Send one op; resolves with its `result`.
   * @throws PeerError when Python raised; Error when the process died
   */
  async call(op: string, args: Record<string, Json | undefined> = {}): Promise<Json> {
    if (this.exited) throw new Error(`python peer exited: ${this.stderr}`);
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ op, ...args })}\n`);
    });
    if (!reply.ok) throw new PeerError(reply.type, reply.error);
    return reply.result;
  }

  /** Build `flask_caching.Cache(app, config)` under handle `cache` (default `default`). Returns the backend class name. */
  async open(config: Record<string, Json>, cache = "default"): Promise<string> {
    return (await this.call("open", { config, cache })) as string;
  }

  /** Make `time.time()` inside cachelib return `seconds` (float Unix SECONDS); null = real time. */
  async setTime(seconds: number | null): Promise<void> {
    await this.call("set_time", { now: seconds });
  }

  /** End the process (stdin EOF) and wait for it. Idempotent. */
  async close(): Promise<void> {
    if (this.exited) return;
    const done = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await done;
  }
}
