import type { GlobalSpec } from "./registry.js";
export const NUMPY_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [];
