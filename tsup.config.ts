import { defineConfig } from "tsup";

export default defineConfig([
  {
    entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "node20",
    splitting: true,
    treeshake: true,
  },
  {
    // The `superset-cache` bin: ESM only (top-level await), no types.
    entry: { cli: "src/cli/bin.ts" },
    format: ["esm"],
    sourcemap: true,
    clean: false,
    target: "node20",
    splitting: false,
    treeshake: true,
  },
]);
