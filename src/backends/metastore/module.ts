/**
 * The metastore family's registry module (`BACKENDS.metastore`): Superset's
 * SupersetMetastoreCache, with the value codec chosen by the cache dict's `CODEC`. Users pass
 * `backendOptions.metastore` (`MetastoreFamilyOptions`); the cache dict's `CACHE_OPTIONS` win.
 */
import type { BackendModule } from "../backend-module.js";
import { MetastoreBackend, type MetastoreFamilyOptions } from "./backend.js";
import { metastoreSerializerFromConfig } from "./codecs.js";

export const backendModule: BackendModule<MetastoreFamilyOptions> = {
  createBackend: (config, context) => MetastoreBackend.fromFlaskConfig(config, context),
  createSerializer: (config, context) => metastoreSerializerFromConfig(config, context),
};
