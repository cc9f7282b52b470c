/**
 * `superset-cache/testing`: tools for tests of code that uses superset-cache.
 * `runBackendConformance` needs vitest (passed in; not imported here).
 */
export type {
  ConformanceAssertion,
  ConformanceContext,
  ConformanceOptions,
  ConformanceTest,
  ConformanceVitest,
} from "./conformance.js";
export { runBackendConformance } from "./conformance.js";
export { FAKE_CLOCK_START_MS, FakeClock } from "./fake-clock.js";
export { createInMemoryCacheManager, InMemoryCacheManager } from "./in-memory-manager.js";
