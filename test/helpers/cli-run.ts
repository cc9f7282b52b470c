/**
 * Runs the `superset-cache` CLI in-process (`run()` from src/cli/main.ts) with stdout/stderr
 * captured and the environment replaced for the call. One call at a time: the spies are global.
 */
import { vi } from "vitest";
import { run } from "#src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `env` is merged over the process environment without SUPERSET_CACHE_REDIS_URL/CONFIG. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  delete process.env.SUPERSET_CACHE_REDIS_URL;
  delete process.env.SUPERSET_CACHE_CONFIG;
  Object.assign(process.env, env);
  const o = vi.spyOn(process.stdout, "write").mockImplementation((c) => out.push(String(c)) > 0);
  const e = vi.spyOn(process.stderr, "write").mockImplementation((c) => err.push(String(c)) > 0);
  try {
    const code = await run(args);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.env = saved;
  }
}
