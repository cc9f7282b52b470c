/**
 * The decoder's opcodes for protocol-0 text arguments and Python 2 strs (INT, LONG, FLOAT,
 * UNICODE, STRING, BINSTRING, SHORT_BINSTRING): rare in the pickles we meet, so they live
 * outside the main dispatch.
 */

import { PyFloat, type PyValue } from "../../../python/values.js";
import type { PickleLimits } from "../limits.js";
import { Op } from "../opcodes.js";
import type { HandlerContext } from "./globals/registry.js";
import { type ByteReader, decodeLatin1 } from "./reader.js";
import { decodeRawUnicodeEscape, parseDecimalInt, parseFloatText, parseQuotedString } from "./text-args.js";

/** The value pushed by text opcode `op` (one of the seven above), its argument read from `r`. */
export function readTextOpcode(
  op: number,
  r: ByteReader,
  ctx: HandlerContext,
  limits: PickleLimits,
): PyValue {
  switch (op) {
    case Op.INT: {
      const text = r.lineText();
      if (text === "01") return true;
      if (text === "00") return false;
      return parseDecimalInt(text, limits.maxIntDigits, r);
    }
    case Op.LONG: {
      let text = r.lineText();
      if (text.endsWith("L")) text = text.slice(0, -1);
      return parseDecimalInt(text, limits.maxIntDigits, r);
    }
    case Op.FLOAT: {
      const v = parseFloatText(r.lineText(), r);
      return ctx.exactNumbers && Number.isInteger(v) ? new PyFloat(v) : v;
    }
    case Op.UNICODE: {
      const line = r.line();
      ctx.charge(line.length * 2);
      return decodeRawUnicodeEscape(line, r, ctx.exact);
    }
    case Op.SHORT_BINSTRING:
      return py2String(bytesRun(r.u8(), r, ctx, limits), ctx);
    case Op.BINSTRING: {
      const n = r.s32();
      if (n < 0) ctx.fail("PICKLE_BAD_LENGTH", "BINSTRING pickle has negative byte count");
      return py2String(bytesRun(n, r, ctx, limits), ctx);
    }
    case Op.STRING:
      return py2String(parseQuotedString(r.line(), r), ctx);
  }
  return ctx.fail("PICKLE_UNKNOWN_OPCODE", `not a text opcode: ${op}`); // unreachable from the decoder
}

/** The next `n` bytes, within `maxBytesLength` (the decoder's bytes payload check). */
function bytesRun(n: number, r: ByteReader, ctx: HandlerContext, limits: PickleLimits): Uint8Array {
  if (n < 0) ctx.fail("PICKLE_BAD_LENGTH", "negative bytes length");
  if (n > limits.maxBytesLength) ctx.fail("PICKLE_LIMIT_EXCEEDED", `bytes of ${n} bytes exceeds the limit`);
  if (n > r.remaining) ctx.fail("PICKLE_TRUNCATED", "pickle data was truncated");
  return r.bytes(n);
}

/** Py2 STRING payloads decode as ASCII (pickle's default `encoding`). */
function py2String(raw: Uint8Array, ctx: HandlerContext): string {
  for (let i = 0; i < raw.length; i++) {
    if ((raw[i] as number) >= 0x80)
      ctx.fail("PICKLE_BAD_TEXT", "non-ASCII byte in a protocol-2 str (encoding='ASCII')");
  }
  ctx.charge(raw.length * 2);
  return decodeLatin1(raw);
}
