#!/usr/bin/env node
// The `superset-cache` bin: a thin ESM entry; everything lives in main.ts.
import { run } from "./main.js";

process.exitCode = await run(process.argv.slice(2));
