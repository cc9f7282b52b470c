import { defineConfig } from "tsup";

export default defineConfig([
  {
    // One entry per package.json `exports` subpath (dist/<subpath>/index.*).
    entry: {
      index: "src/index.ts",
      "pickle/index": "src/codecs/pickle/index.ts",
      "codecs/index": "src/codecs/index.ts",
      "backends/index": "src/backends/index.ts",
      "backends/redis/index": "src/backends/redis/index.ts",
      "backends/filesystem/index": "src/backends/filesystem/index.ts",
      "backends/metastore/index": "src/backends/metastore/index.ts",
      "backends/memcached/index": "src/backends/memcached/index.ts",
      "superset/index": "src/superset/index.ts",
      "ops/index": "src/ops/index.ts",
      "keyv/index": "src/integrations/keyv/index.ts",
      "prometheus/index": "src/integrations/prometheus/index.ts",
      "testing/index": "src/testing/index.ts",
      "auth/index": "src/auth/index.ts",
      "celery/index": "src/celery/index.ts",
    },
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
