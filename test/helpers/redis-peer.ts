/**
 * Drives python/peer/flask_peer.py (real flask_caching.Cache objects, Debian Flask-Caching
 * 2.0.2 / cachelib 0.9.0) over JSON lines, for the Redis interop tests.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { debianPython } from "./python.js";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "python", "peer", "flask_peer.py");

type Reply = { ok: true; result: unknown } | { ok: false; error: string; type: string };

/** A Python process holding Flask-Caching caches, one request at a time. */
export class FlaskPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((reply: Reply) => void)[] = [];
  private stderr = "";

  constructor() {
    this.child = spawn(debianPython(), [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      this.waiting.shift()?.(JSON.parse(line) as Reply);
    });
  }

  /** Run one op; resolves with its result, rejects with Python's exception type and message. */
  async call<T = unknown>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    const reply = await new Promise<Reply>((resolve, reject) => {
      if (this.child.exitCode !== null) {
        reject(new Error(`python peer exited (${this.child.exitCode}): ${this.stderr}`));
        return;
      }
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify({ op, ...args })}\n`);
    });
    if (!reply.ok) throw new Error(`python ${reply.type}: ${reply.error}`);
    return reply.result as T;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await exited;
  }
}

/** A golden case of test/fixtures/flask-caching/redis_fc2.0.2_cachelib0.9.0.json. */
export interface GoldenCase {
  name: string;
  operation: string;
  key: string;
  storage_key: string;
  value: unknown;
  raw_hex: string;
  ttl: { ttl: number };
}

/** The Redis golden cases (written by real Flask-Caching 2.0.2 / cachelib 0.9.0). */
export async function redisGoldenCases(): Promise<GoldenCase[]> {
  const { readFile } = await import("node:fs/promises");
  const file = join(
    dirname(fileURLToPath(import.meta.url)),
    "..",
    "fixtures",
    "flask-caching",
    "redis_fc2.0.2_cachelib0.9.0.json",
  );
  return (JSON.parse(await readFile(file, "utf8")) as { cases: GoldenCase[] }).cases;
}

/** Timeout (SECONDS) a golden case was written with. */
export function goldenTimeout(c: GoldenCase): number {
  return c.operation === "set timeout=60" ? 60 : 0;
}

/** Fails the test run on any unhandled promise rejection seen while `fn`'s suite runs. */
export function trackUnhandledRejections(): { count: () => number; stop: () => void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => {
    seen.push(reason);
  };
  process.on("unhandledRejection", listener);
  return { count: () => seen.length, stop: () => process.off("unhandledRejection", listener) };
}
