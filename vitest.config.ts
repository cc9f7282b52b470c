import { defineConfig } from "vitest/config";
import SummaryLineReporter from "./test/reporters/summary-line.js";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", new SummaryLineReporter()],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Interop suites start their own redis-server / Python processes; 2 cores on CI.
    pool: "forks",
    maxWorkers: 2,
  },
});
