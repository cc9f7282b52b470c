/**
 * `superset-cache/backends/filesystem`: cachelib's FileSystemCache (same file names, header
 * and count file), and the errors it reports for files it cannot read.
 */
export { FileSystemBackend } from "./backend.js";
export {
  type FileHashMethod,
  FileSystemCountError,
  FileSystemExpiryRangeError,
  FileSystemHeaderError,
  FileSystemKeyError,
} from "./format.js";
export type { FileSystemBackendOptions } from "./options.js";
