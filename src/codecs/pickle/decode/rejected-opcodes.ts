/**
 * Opcodes the decoder refuses, with Python's messages: persistent ids (no `persistent_load`),
 * extension codes (no copyreg registry) and bytes that are no opcode at all.
 */

import { Op } from "../opcodes.js";
import type { HandlerContext } from "./globals/registry.js";
import type { ByteReader } from "./reader.js";

/** Always throws; EXT1/2/4 first read their code, as Python does, for its message. */
export function rejectOpcode(op: number, r: ByteReader, ctx: HandlerContext): never {
  switch (op) {
    case Op.PERSID:
    case Op.BINPERSID:
      return ctx.fail(
        "PICKLE_PERSISTENT_ID",
        "A load persistent id instruction was encountered, but no persistent_load function was specified",
      );
    case Op.EXT1:
    case Op.EXT2:
    case Op.EXT4: {
      const code = op === Op.EXT1 ? r.u8() : op === Op.EXT2 ? r.u16() : r.s32();
      if (code <= 0) ctx.fail("PICKLE_EXTENSION_CODE", "EXT specifies code <= 0");
      return ctx.fail("PICKLE_EXTENSION_CODE", `unregistered extension code ${code}`);
    }
  }
  ctx.fail("PICKLE_UNKNOWN_OPCODE", `invalid load key, '\\x${op.toString(16).padStart(2, "0")}'`);
}
