/** Absolute paths the tests share, so a test file's depth in `test/` never matters. */
import { join } from "node:path";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");
export const FIXTURES_DIR = join(REPO_ROOT, "test", "fixtures");
export const PICKLE_FIXTURES_DIR = join(FIXTURES_DIR, "pickle");
export const FLASK_CACHING_FIXTURES_DIR = join(FIXTURES_DIR, "flask-caching");
export const HELPERS_DIR = join(REPO_ROOT, "test", "helpers");
export const PYTHON_DIR = join(REPO_ROOT, "python");
export const PYTHON_PEER_DIR = join(PYTHON_DIR, "peer");
export const TSX_BIN = join(REPO_ROOT, "node_modules", ".bin", "tsx");
export const CLI_BIN_SOURCE = join(REPO_ROOT, "src", "cli", "bin.ts");
