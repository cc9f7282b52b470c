/**
 * Runs a command to completion in a child process and collects what it wrote: for tests that
 * drive the CLI or a worker script from the outside. Streaming workers (ready lines, progress)
 * read the child themselves.
 */
import { type SpawnOptions, spawn } from "node:child_process";

export interface ChildRun {
  /** Exit code; null when the child was killed by a signal. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawn `command` with stdin closed (`/dev/null`); resolves once the child exits and its output is closed. */
export function runChild(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr!.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
