/**
 * Whitelisted `builtins` / `copyreg` / `_codecs` / `collections` globals: the protocol < 3
 * spellings of bytes, bytearray, set, frozenset and complex, slices, object
 * reconstruction, OrderedDict, and the restricted `getattr` (enum members, ZoneInfo).
 */
import { isPyDict } from "../../../../python/dicts.js";
import {
  PyBytearray,
  PyComplex,
  PyEnum,
  PyFrozenSet,
  PyObject,
  PyOrderedDict,
  type PyValue,
} from "../../../../python/values.js";
import { arity, intArg, numArg, seqArg, strArg, tupleArg } from "./args.js";
import { KNOWN_ENUMS } from "./enums.js";
import { type GlobalSpec, type HandlerContext, PyGlobal } from "./registry.js";
import { zoneInfoUnpickle } from "./timezones.js";

/** `slice(start, stop, step)`: used by pandas block placements. */
export class PySlice extends PyObject {
  constructor(
    readonly start: number | null,
    readonly stop: number | null,
    readonly step: number | null,
  ) {
    super("builtins", "slice", [start, stop, step]);
  }
}

/** A callable produced by the restricted getattr (e.g. `ZoneInfo._unpickle`). */
const zoneInfoUnpickleToken = (): PyGlobal =>
  new PyGlobal("zoneinfo", "ZoneInfo._unpickle", { call: zoneInfoUnpickle });

function optInt(v: PyValue | undefined, ctx: HandlerContext): number | null {
  return v === null || v === undefined ? null : intArg(v, ctx, "slice bound");
}

function latin1Bytes(s: string, ctx: HandlerContext): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) ctx.fail("PICKLE_BAD_ARGUMENT", "_codecs.encode: character beyond latin-1");
    out[i] = c;
  }
  return out;
}

function hashableItems(v: PyValue | undefined, ctx: HandlerContext): PyValue[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (v instanceof Set) return [...v];
  return ctx.fail("PICKLE_BAD_ARGUMENT", "set() argument must be a list, tuple or set");
}

/** `copyreg._reconstructor(cls, base, state)`: `object.__new__(cls)` for plain classes. */
function reconstructor(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 3, 3, ctx, "copyreg._reconstructor");
  const [cls, base, state] = args;
  if (!(cls instanceof PyGlobal))
    return ctx.fail("PICKLE_BAD_ARGUMENT", "_reconstructor class must be a class");
  const plainBase = base instanceof PyGlobal && base.module === "builtins" && base.name === "object";
  if (plainBase && state === null && cls.spec?.newObj) return cls.spec.newObj([], ctx);
  const placeholder = new PyObject(cls.module, cls.name, plainBase ? [] : [base ?? null, state ?? null]);
  // object.__new__(cls): the same object NEWOBJ builds.
  if (plainBase) placeholder.call = "newobj";
  return placeholder;
}

function newObjVia(args: readonly PyValue[], ctx: HandlerContext, kwargs: PyValue | undefined): PyValue {
  const [cls, ...rest] = args;
  if (!(cls instanceof PyGlobal)) return ctx.fail("PICKLE_BAD_ARGUMENT", "__newobj__ class must be a class");
  if (cls.spec?.newObj && kwargs === undefined) return cls.spec.newObj(rest, ctx);
  const placeholder = new PyObject(cls.module, cls.name, rest, undefined, kwargs);
  placeholder.call = "newobj";
  return placeholder;
}

/**
 * `getattr(obj, name)` is only honoured for `(ZoneInfo, '_unpickle')` and for a class token
 * with a public attribute name (an enum member, as Python 3.11+ pickles enums). Anything
 * else stays an inert placeholder, so `getattr` can never reach behaviour.
 */
function restrictedGetattr(args: readonly PyValue[], ctx: HandlerContext): PyValue {
  arity(args, 2, 3, ctx, "getattr");
  const [target, name] = args;
  if (target instanceof PyGlobal && typeof name === "string") {
    if (target.module === "zoneinfo" && target.name === "ZoneInfo" && name === "_unpickle")
      return zoneInfoUnpickleToken();
    if (/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
      const members = KNOWN_ENUMS.get(`${target.module}.${target.name}`);
      return new PyEnum(target.module, target.name, name, members ? members.get(name) : undefined);
    }
  }
  return new PyObject("builtins", "getattr", args);
}

export const BUILTIN_GLOBALS: ReadonlyArray<readonly [string, string, GlobalSpec]> = [
  ["builtins", "object", {}],
  [
    "builtins",
    "slice",
    {
      call(args, ctx) {
        arity(args, 1, 3, ctx, "slice");
        if (args.length === 1) return new PySlice(null, optInt(args[0], ctx), null);
        return new PySlice(optInt(args[0], ctx), optInt(args[1], ctx), optInt(args[2], ctx));
      },
    },
  ],
  [
    "builtins",
    "bytes",
    {
      // Protocol < 3 writes b"" as `bytes()`; non-empty bytes go through _codecs.encode.
      call(args, ctx) {
        arity(args, 0, 2, ctx, "bytes");
        const src = args[0];
        if (src === undefined) return new Uint8Array(0);
        if (src instanceof Uint8Array) return Uint8Array.from(src);
        if (typeof src === "string") return latin1Bytes(src, ctx);
        return ctx.fail("PICKLE_BAD_ARGUMENT", "bytes() argument must be bytes or a latin-1 str");
      },
    },
  ],
  ["builtins", "set", { call: (args, ctx) => new Set(hashableItems(args[0], ctx)) }],
  ["builtins", "frozenset", { call: (args, ctx) => new PyFrozenSet(hashableItems(args[0], ctx)) }],
  [
    "builtins",
    "bytearray",
    {
      call(args, ctx) {
        arity(args, 0, 1, ctx, "bytearray");
        const src = args[0];
        if (src === undefined) return new PyBytearray(0);
        if (src instanceof Uint8Array) return PyBytearray.from(src) as PyBytearray;
        return ctx.fail("PICKLE_BAD_ARGUMENT", "bytearray() argument must be bytes");
      },
    },
  ],
  [
    "builtins",
    "complex",
    {
      call(args, ctx) {
        arity(args, 0, 2, ctx, "complex");
        return new PyComplex(
          args[0] === undefined ? 0 : numArg(args[0], ctx, "real"),
          args[1] === undefined ? 0 : numArg(args[1], ctx, "imag"),
        );
      },
    },
  ],
  ["builtins", "getattr", { call: restrictedGetattr }],
  [
    "_codecs",
    "encode",
    {
      call(args, ctx) {
        arity(args, 1, 2, ctx, "_codecs.encode");
        const enc = args[1] === undefined ? "utf-8" : strArg(args[1], ctx, "encoding");
        if (enc !== "latin1" && enc !== "latin-1")
          ctx.fail("PICKLE_BAD_ARGUMENT", `_codecs.encode: encoding ${enc} not supported`);
        return latin1Bytes(strArg(args[0], ctx, "_codecs.encode text"), ctx);
      },
    },
  ],
  ["copyreg", "_reconstructor", { call: reconstructor }],
  ["copyreg", "__newobj__", { call: (args, ctx) => newObjVia(args, ctx, undefined) }],
  [
    "copyreg",
    "__newobj_ex__",
    {
      call(args, ctx) {
        arity(args, 3, 3, ctx, "copyreg.__newobj_ex__");
        const kw = args[2];
        const hasKw = isPyDict(kw) && (kw instanceof Map ? kw.size > 0 : Object.keys(kw).length > 0);
        return newObjVia(
          [args[0] ?? null, ...tupleArg(args[1], ctx, "__newobj_ex__ args")],
          ctx,
          hasKw ? kw : undefined,
        );
      },
    },
  ],
  [
    "collections",
    "OrderedDict",
    {
      call(args, ctx) {
        arity(args, 0, 1, ctx, "OrderedDict");
        const m = new PyOrderedDict<PyValue, PyValue>();
        if (args[0] !== undefined) {
          for (const pair of seqArg(args[0], ctx, "OrderedDict items")) {
            const kv = seqArg(pair, ctx, "OrderedDict item");
            if (kv.length !== 2) ctx.fail("PICKLE_BAD_ARGUMENT", "OrderedDict item must be a pair");
            m.set(kv[0] as PyValue, kv[1] as PyValue);
          }
        }
        return m;
      },
    },
  ],
  // defaultdict(factory): the factory is dropped (recorded in the docs); items arrive by SETITEMS.
  ["collections", "defaultdict", { call: () => new Map<PyValue, PyValue>() }],
];
