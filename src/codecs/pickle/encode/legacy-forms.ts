/**
 * The byte forms that only protocols 0 and 2 use, as CPython 3.11's C pickler writes them:
 * protocol 0's raw-unicode-escaped str and decimal ints, and the Python 2 module names that
 * GLOBAL carries below protocol 3 (`fix_imports`).
 */
import { Op } from "../opcodes.js";
import type { EncoderContext } from "./context.js";
import { PickleEncodeError } from "./errors.js";

/**
 * Python's `sys.int_info.default_max_str_digits`: CPython 3.11 refuses to write (and to read)
 * a protocol-0 LONG with more decimal digits than this.
 */
export const PYTHON_INT_MAX_STR_DIGITS = 4300;

const HEX = "0123456789abcdef";
const BACKSLASH = 0x5c;

/**
 * The body of protocol 0's UNICODE opcode for Python code points: below 256 one byte each,
 * except `\`, NUL, LF, CR and 0x1a, which (like every code point from 256 up) become `\uXXXX`;
 * past the BMP `\UXXXXXXXX` (lower-case hex). A surrogate is escaped on its own (`\udXXX`).
 */
export function rawUnicodeEscape(codePoints: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (const c of codePoints) {
    if (c >= 0x10000) pushEscape(out, 0x55, c, 8);
    else if (c >= 256 || c === BACKSLASH || c === 0 || c === 0x0a || c === 0x0d || c === 0x1a) {
      pushEscape(out, 0x75, c, 4);
    } else out.push(c);
  }
  return Uint8Array.from(out);
}

function pushEscape(out: number[], letter: number, c: number, digits: number): void {
  out.push(BACKSLASH, letter);
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) out.push(HEX.charCodeAt((c >> shift) & 0xf));
}

/** The text of protocol 0's LONG opcode (`repr(v)` + `L`). @throws PickleEncodeError past 4300 digits */
export function longText(v: bigint): string {
  const digits = v.toString();
  if (digits.length - (v < 0n ? 1 : 0) > PYTHON_INT_MAX_STR_DIGITS) {
    throw new PickleEncodeError(
      "PICKLE_ENCODE_BAD_VALUE",
      "$",
      `an int of more than ${PYTHON_INT_MAX_STR_DIGITS} digits cannot be pickled with protocol 0 (Python's int_max_str_digits)`,
    );
  }
  return `${digits}L`;
}

/**
 * Python 3 module names that CPython's pickler renames for Python 2 below protocol 3. Only
 * the modules this encoder writes itself are listed; a placeholder or enum from another
 * renamed module keeps its Python 3 name (Python 3 loads it the same, the bytes differ).
 */
const PRINTABLE_ASCII = /^[!-~]+$/;

const PYTHON2_MODULES: Readonly<Record<string, string>> = {
  builtins: "__builtin__",
  copyreg: "copy_reg",
};

/**
 * `module`/`name` as GLOBAL writes them below protocol 3.
 * @throws PickleEncodeError PICKLE_ENCODE_BAD_VALUE for non-ASCII names (CPython refuses them)
 */
export function python2Global(module: string, name: string): string {
  if (!PRINTABLE_ASCII.test(module) || !PRINTABLE_ASCII.test(name)) {
    throw new PickleEncodeError(
      "PICKLE_ENCODE_BAD_VALUE",
      "$",
      `global ${module}.${name} cannot be written below protocol 3 (names must be ASCII)`,
    );
  }
  return `${PYTHON2_MODULES[module] ?? module}\n${name}`;
}

/** The typed refusal for values only protocols 4 and 5 can carry here. */
export function needsProtocol4(what: string, protocol: number): PickleEncodeError {
  return new PickleEncodeError(
    "PICKLE_ENCODE_UNSUPPORTED_TYPE",
    "$",
    `cannot pickle ${what} with protocol ${protocol} (only protocols 4 and 5)`,
  );
}

/**
 * Protocol 0's form of an object without `__reduce__` of its own (copyreg._reduce_ex):
 * `copy_reg._reconstructor(cls, object, None)`; the caller memoizes it and BUILDs the state.
 */
export function reconstructorCall(ctx: EncoderContext, module: string, name: string): void {
  ctx.global("copyreg", "_reconstructor");
  ctx.tupleMark(3);
  ctx.global(module, name);
  ctx.global("builtins", "object");
  ctx.save(null, 0);
  ctx.tupleEnd(3);
  ctx.memoize();
  ctx.w.byte(Op.REDUCE);
}
