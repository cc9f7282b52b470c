import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";
import SummaryLineReporter from "./test/reporters/summary-line.js";

export default defineConfig({
  // `superset-cache` imported by name (self-reference) resolves to src/, as in tsconfig.
  ssr: { resolve: { conditions: ["superset-cache-source", ...defaultServerConditions] } },
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", new SummaryLineReporter()],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // A test that asserts nothing passes whatever the code does.
    expect: { requireAssertions: true },
    // Interop suites start their own redis-server / Python processes; 2 cores on CI.
    pool: "forks",
    maxWorkers: 2,
  },
});
