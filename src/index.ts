export type { BackendEntry, CacheBackend } from "./backends/backend.js";
export type { Serializer } from "./cache/serializer.js";
export type { Clock } from "./clock.js";
export { systemClock } from "./clock.js";
export * from "./codecs/pickle/values.js";
export * from "./errors.js";
