/** Argument checks shared by the whitelist handlers (arity, types, ranges). */
import { PyFloat, PyTuple, type PyValue } from "../../../../python/values.js";
import type { HandlerContext } from "./registry.js";

/** Require between `min` and `max` positional arguments. */
export function arity(
  args: readonly PyValue[],
  min: number,
  max: number,
  ctx: HandlerContext,
  what: string,
): void {
  if (args.length < min || args.length > max) {
    ctx.fail(
      "PICKLE_BAD_ARGUMENT",
      `${what} takes ${min === max ? min : `${min}..${max}`} arguments, got ${args.length}`,
    );
  }
}

/** A Python int as a JS number (must be a safe integer). */
export function intArg(v: PyValue | undefined, ctx: HandlerContext, what: string): number {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  ctx.fail("PICKLE_BAD_ARGUMENT", `${what} must be an int`);
}

/** A Python int as a bigint (any size). */
export function bigIntArg(v: PyValue | undefined, ctx: HandlerContext, what: string): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  ctx.fail("PICKLE_BAD_ARGUMENT", `${what} must be an int`);
}

/** A Python int or float as a JS number. */
export function numArg(v: PyValue | undefined, ctx: HandlerContext, what: string): number {
  if (typeof v === "number") return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  ctx.fail("PICKLE_BAD_ARGUMENT", `${what} must be a number`);
}

export function strArg(v: PyValue | undefined, ctx: HandlerContext, what: string): string {
  if (typeof v === "string") return v;
  ctx.fail("PICKLE_BAD_ARGUMENT", `${what} must be a str`);
}

export function bytesArg(v: PyValue | undefined, ctx: HandlerContext, what: string): Uint8Array {
  if (v instanceof Uint8Array) return v;
  ctx.fail("PICKLE_BAD_ARGUMENT", `${what} must be bytes`);
}

export function tupleArg(v: PyValue | undefined, ctx: HandlerContext, what: string): PyTuple {
  if (v instanceof PyTuple) return v;
  ctx.fail("PICKLE_BAD_ARGUMENT", `${what} must be a tuple`);
}

/** A list or tuple. */
export function seqArg(v: PyValue | undefined, ctx: HandlerContext, what: string): PyValue[] {
  if (Array.isArray(v)) return v;
  ctx.fail("PICKLE_BAD_ARGUMENT", `${what} must be a list or tuple`);
}
