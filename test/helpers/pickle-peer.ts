/**
 * Drives python/peer/pickle_peer.py (spawned with Debian's python3) over JSON lines. One
 * request at a time; `close()` ends the process by its pid.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { debianPython } from "./python.js";

const SCRIPT = fileURLToPath(new URL("../../python/peer/pickle_peer.py", import.meta.url));

export class PicklePeer {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = "";
  private waiting: ((line: string) => void) | null = null;
  private stderr = "";

  /** @param script the peer script (default python/peer/pickle_peer.py); same JSON-lines protocol */
  constructor(script: string = SCRIPT) {
    this.proc = spawn(debianPython(), [script], { stdio: ["pipe", "pipe", "pipe"] });
    this.proc.stdout.setEncoding("utf8");
    this.proc.stdout.on("data", (chunk: string) => {
      this.buffer += chunk;
      const nl = this.buffer.indexOf("\n");
      if (nl >= 0 && this.waiting) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const w = this.waiting;
        this.waiting = null;
        w(line);
      }
    });
    this.proc.stderr.on("data", (c: Buffer) => {
      this.stderr += c.toString();
    });
  }

  /** Sends one request and resolves with the parsed response (rejects on a peer-side error). */
  request<T>(req: Record<string, unknown>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`pickle peer exited ${code}: ${this.stderr}`));
      this.waiting = (line) => {
        this.proc.off("exit", onExit);
        const resp = JSON.parse(line) as T & { error?: string };
        if (resp.error) reject(new Error(`pickle peer: ${resp.error}\n${this.stderr}`));
        else resolve(resp);
      };
      this.proc.once("exit", onExit);
      this.proc.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  close(): void {
    if (this.proc.pid !== undefined && this.proc.exitCode === null) process.kill(this.proc.pid);
  }
}

export const toHex = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex");
export const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, "hex"));
