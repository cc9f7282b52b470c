import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Interop suites start their own redis-server / Python processes; 2 cores on CI.
    pool: "forks",
    maxWorkers: 2,
  },
});
