/**
 * Enum classes called by value (`Class(value)`, how Python < 3.11 pickles members).
 * Only classes in `KNOWN_ENUMS`; a call with an unknown value is refused.
 */
import { PyEnum, PyObject, type PyValue } from "../../../../python/values.js";
import { arity } from "./args.js";
import { KNOWN_ENUMS } from "./enums.js";
import type { GlobalSpec } from "./registry.js";

function splitQualified(q: string): [string, string] {
  const i = q.lastIndexOf(".");
  return [q.slice(0, i), q.slice(i + 1)];
}

export const ENUM_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [...KNOWN_ENUMS].map(
  ([qualified, members]) => {
    const [module, name] = splitQualified(qualified);
    const spec: GlobalSpec = {
      call(args, ctx) {
        arity(args, 1, 1, ctx, qualified);
        const value = args[0] as PyValue;
        for (const [member, v] of members) if (v === value) return new PyEnum(module, name, member, v);
        return ctx.fail("PICKLE_BAD_VALUE", `${String(value)} is not a valid ${name}`);
      },
    };
    return [module, name, spec] as const;
  },
);

/**
 * Superset classes whose pickles are plain attribute bags (NEWOBJ + BUILD of `__dict__`):
 * whitelisted so `unknownGlobals: "error"` still reads them; they decode to a `PyObject`
 * holding the state, exactly like a placeholder.
 */
export const SUPERSET_CLASS_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [
  [
    "superset.utils.screenshots",
    "ScreenshotCachePayload",
    {
      newObj(args) {
        const o = new PyObject("superset.utils.screenshots", "ScreenshotCachePayload", args);
        o.call = "newobj";
        return o;
      },
    },
  ],
];
