export * from "./errors.js";
export type { Clock } from "./clock.js";
export { systemClock } from "./clock.js";
export type { CacheBackend, BackendEntry } from "./backends/backend.js";
export type { Serializer } from "./cache/serializer.js";
export * from "./codecs/pickle/values.js";
