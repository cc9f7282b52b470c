/**
 * Drives python/peer/ops_fs.py (a real Flask-Caching FileSystemCache) over stdin/stdout JSON lines.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { debianPython } from "./python.js";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "python", "peer", "ops_fs.py");

export type PeerReply = { ok: true; [field: string]: unknown } | { ok: false; error: string };

export class FsPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((reply: PeerReply) => void)[] = [];
  private stderr = "";

  constructor() {
    this.child = spawn(debianPython(), [SCRIPT], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      this.waiting.shift()?.(JSON.parse(line) as PeerReply);
    });
  }

  /** Send one command; rejects when Python reports an exception or the process dies. */
  async call(command: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await new Promise<PeerReply>((resolve, reject) => {
      if (this.child.exitCode !== null) {
        reject(new Error(`python peer exited (${this.child.exitCode}): ${this.stderr}`));
        return;
      }
      this.waiting.push(resolve);
      this.child.stdin.write(`${JSON.stringify(command)}\n`);
    });
    if (!reply.ok) throw new Error(`python peer: ${reply.error}`);
    return reply;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.stdin.end();
    await exited;
  }
}
