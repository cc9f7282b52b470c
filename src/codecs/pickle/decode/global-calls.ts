/**
 * The decoder's global and object-construction opcodes (GLOBAL/STACK_GLOBAL, REDUCE,
 * NEWOBJ(_EX), INST/OBJ, BUILD): globals resolve only through the frozen whitelist, and
 * nothing is ever imported or called — unknown globals become inert placeholders.
 */

import { PyObject, PyTuple, type PyValue } from "../../../python/values.js";
import { PickleSecurityError } from "../errors.js";
import { WHITELIST } from "./globals/index.js";
import {
  globalKey,
  type HandlerContext,
  PY2_MODULES,
  PY2_NAMES,
  PyGlobal,
  PyShell,
} from "./globals/registry.js";
import type { ContainerOps } from "./stack-containers.js";

/** Resolves `module.name` once per pickle (the same global is always the same value). */
export class GlobalResolver {
  private readonly cache = new Map<string, PyValue>();

  constructor(private readonly strict: boolean) {}

  /** `proto` < 3 maps Python 2 module/name spellings first, as `pickle` does (fix_imports). */
  resolve(module: string, name: string, proto: number, opStart: number): PyValue {
    if (proto < 3) {
      const moved = PY2_NAMES.get(globalKey(module, name));
      if (moved) [module, name] = moved;
      else module = PY2_MODULES.get(module) ?? module;
    }
    const key = globalKey(module, name);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const spec = WHITELIST.get(key);
    if (spec === undefined && this.strict) throw new PickleSecurityError(opStart, module, name);
    const value = spec?.value !== undefined ? spec.value : new PyGlobal(module, name, spec);
    this.cache.set(key, value);
    return value;
  }
}

/** REDUCE: `callee(*args)` through its whitelisted handler, or a recorded placeholder call. */
export function callGlobal(callee: PyValue, args: PyValue[], ctx: HandlerContext): PyValue {
  if (!(callee instanceof PyGlobal)) {
    if (callee instanceof PyObject && !(callee instanceof PyShell)) {
      // Calling an opaque object: record the call, never perform it.
      return new PyObject(callee.module, callee.name, args);
    }
    ctx.fail("PICKLE_BAD_TYPE", "REDUCE target is not callable");
  }
  const spec = callee.spec;
  if (spec?.call) return spec.call(args, ctx);
  if (spec === undefined) return new PyObject(callee.module, callee.name, args);
  if (spec.newObj) return spec.newObj(args, ctx);
  ctx.fail("PICKLE_BAD_TYPE", `${callee.module}.${callee.name} cannot be called`);
}

/** NEWOBJ / NEWOBJ_EX: `cls.__new__(cls, *args, **kwargs)`. */
export function newObject(cls: PyValue, args: PyValue[], ctx: HandlerContext, kwargs?: PyValue): PyValue {
  if (!(cls instanceof PyGlobal)) ctx.fail("PICKLE_BAD_TYPE", "NEWOBJ class argument is not a class");
  const spec = cls.spec;
  if (spec?.newObj && kwargs === undefined) return spec.newObj(args, ctx);
  const placeholder = new PyObject(cls.module, cls.name, args, undefined, kwargs);
  placeholder.call = "newobj";
  return placeholder;
}

/** INST/OBJ: `cls(*args)` when there are arguments, else `cls.__new__(cls)`. */
export function instantiate(cls: PyValue, args: PyValue[], ctx: HandlerContext): PyValue {
  return args.length > 0 ? callGlobal(cls, args, ctx) : newObject(cls, args, ctx);
}

/** BUILD: a shell builds its replacement value; a placeholder records (merges) the state. */
export function buildObject(obj: PyValue, state: PyValue, ctx: HandlerContext, c: ContainerOps): PyValue {
  if (obj instanceof PyShell) {
    const replacement = obj.build(state, ctx);
    if (replacement !== undefined) {
      obj.replacement = replacement;
      return replacement;
    }
    return obj;
  }
  if (obj instanceof PyObject && !(obj instanceof PyGlobal)) {
    obj.state = obj.state === undefined ? state : c.mergeState(obj.state, state);
    return obj;
  }
  ctx.fail("PICKLE_BAD_TYPE", "BUILD target does not accept state");
}

/** REDUCE/NEWOBJ arguments must be a tuple. */
export function tupleArgs(v: PyValue, what: string, ctx: HandlerContext): PyValue[] {
  if (!(v instanceof PyTuple)) ctx.fail("PICKLE_BAD_TYPE", `${what} arguments must be a tuple`);
  return v;
}
