/**
 * Enum classes whose members are known, so an enum pickled as `getattr(Class, 'NAME')`
 * (Python ≥ 3.11) or as `Class(value)` (older Pythons) decodes with both name and value.
 * Other enum classes still decode, with only the name (or only the value) known.
 */
import type { PyValue } from "../../../../python/values.js";

/** `module.Class` → member name → value. */
export const KNOWN_ENUMS: ReadonlyMap<string, ReadonlyMap<string, PyValue>> = new Map([
  [
    "superset.utils.screenshots.StatusValues",
    new Map<string, PyValue>([
      ["PENDING", "Pending"],
      ["COMPUTING", "Computing"],
      ["UPDATED", "Updated"],
      ["ERROR", "Error"],
    ]),
  ],
]);
