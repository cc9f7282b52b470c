import type { GlobalSpec } from "./registry.js";
export const PANDAS_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [];
