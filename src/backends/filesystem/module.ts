/**
 * The FileSystemCache family's registry module (`BACKENDS.filesystem`). Users pass
 * `backendOptions.filesystem` (`FileSystemFamilyOptions`); the cache dict's `CACHE_OPTIONS` win.
 */
import type { BackendModule } from "../backend-module.js";
import { FileSystemBackend } from "./backend.js";
import type { FileSystemFamilyOptions } from "./options.js";

export const backendModule: BackendModule<FileSystemFamilyOptions> = {
  createBackend: (config, context) => FileSystemBackend.fromFlaskConfig(config, context),
};
