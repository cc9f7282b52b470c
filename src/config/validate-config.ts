/**
 * Checks a config object against a key schema: unknown keys (with the closest known key as a
 * suggestion), wrong value types, out-of-range numbers. Every failure is a `CacheConfigError`
 * whose `path` names the key, e.g. `DATA_CACHE_CONFIG.CACHE_THRESHOLD`.
 */
import { CacheConfigError } from "../core/errors.js";
import { closestKey } from "./closest-key.js";
import type { KeyKind } from "./config-schema.js";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "number" ? `number ${value}` : typeof value;
}

/** Any object but an array: the check for a config dict (its own enumerable keys are validated). */
function isNonArrayObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * An ioredis `Redis` or `Cluster` instance, by shape: ioredis is an optional dependency, so
 * validation does not import it to run `instanceof`.
 */
function isRedisClientLike(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { getBuffer?: unknown; sendCommand?: unknown; status?: unknown };
  return (
    typeof v.getBuffer === "function" && typeof v.sendCommand === "function" && typeof v.status === "string"
  );
}

/** @throws CacheConfigError `CONFIG_INVALID_TYPE` or `CONFIG_INVALID_VALUE` */
export function checkValue(path: string, value: unknown, kind: KeyKind): void {
  if (value === undefined || value === null) return;
  const bad = (expected: string): never => {
    throw new CacheConfigError("CONFIG_INVALID_TYPE", path, `expected ${expected}, got ${describe(value)}`);
  };
  switch (kind.type) {
    case "string":
      if (typeof value !== "string") bad("a string");
      return;
    case "boolean":
      if (typeof value !== "boolean") bad("a boolean");
      return;
    case "object":
      if (!isNonArrayObject(value)) bad("an object");
      return;
    case "array":
      if (!Array.isArray(value)) bad("an array");
      return;
    case "string-or-client":
      if (typeof value !== "string" && !isRedisClientLike(value)) bad("a string or an ioredis client");
      return;
    case "enum":
      if (typeof value !== "string" || !kind.values.includes(value)) bad(`one of ${kind.values.join(", ")}`);
      return;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) bad("a finite number");
      if (kind.integer && !Number.isInteger(value)) {
        throw new CacheConfigError("CONFIG_INVALID_VALUE", path, `must be an integer, got ${value}`);
      }
      if (kind.min !== undefined && (value as number) < kind.min) {
        throw new CacheConfigError("CONFIG_INVALID_VALUE", path, `must be >= ${kind.min}, got ${value}`);
      }
      return;
  }
}

/**
 * Validate every key of `config` against `schema`.
 * @param path prefix for error paths (`""` at top level)
 * @throws CacheConfigError `CONFIG_NOT_AN_OBJECT`, `CONFIG_UNKNOWN_KEY` (message suggests the closest key), or a value error
 */
export function validateKeys(config: unknown, schema: Readonly<Record<string, KeyKind>>, path: string): void {
  if (!isNonArrayObject(config)) {
    throw new CacheConfigError(
      "CONFIG_NOT_AN_OBJECT",
      path || "(config)",
      `expected an object, got ${describe(config)}`,
    );
  }
  const known = Object.keys(schema);
  for (const [key, value] of Object.entries(config)) {
    const keyPath = path ? `${path}.${key}` : key;
    const kind = schema[key];
    if (!kind) {
      const hint = closestKey(key, known);
      throw new CacheConfigError(
        "CONFIG_UNKNOWN_KEY",
        keyPath,
        hint ? `unknown key; did you mean ${hint}?` : `unknown key; known keys: ${known.join(", ")}`,
      );
    }
    checkValue(keyPath, value, kind);
  }
}
