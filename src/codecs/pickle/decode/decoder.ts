/**
 * The safe pickle decoder (`pickle.loads`): a stack machine for protocols 0–5 that resolves
 * globals only through a frozen whitelist of pure handlers. Nothing is imported, evaluated
 * or called; unknown globals become inert `PyObject` placeholders (or an error, by option).
 * This file is the opcode loop; the machine's state and primitives are in unpickler-state.ts.
 */

import { isPyDict } from "../../../python/dicts.js";
import { PyBytearray, PyTuple, type PyValue } from "../../../python/values.js";
import { typedEngineLimits } from "../../decode-budget.js";
import { HIGHEST_PROTOCOL, Op } from "../opcodes.js";
import { buildObject, callGlobal, instantiate, newObject, tupleArgs } from "./global-calls.js";
import type { LoadsOptions } from "./options.js";
import { rejectOpcode } from "./rejected-opcodes.js";
import { parseMemoIndex } from "./text-args.js";
import { readTextOpcode } from "./text-opcodes.js";
import { SLOT_BYTES, truncate, UnpicklerState } from "./unpickler-state.js";

export type { LoadsOptions } from "./options.js";

/** How often (in opcodes) the stack size, opcode count and allocation budget are checked. */
const BUDGET_CHECK_MASK = 1023;
/** Longest SHORT_BINUNICODE payload. */
const MAX_SHORT_STR = 255;

/**
 * Decode a pickle (protocols 0–5) into JS values (mapping in docs/pickle.md).
 * Bytes after STOP are ignored, as Python does.
 *
 * @throws DecodeLimitError (`DECODE_*_LIMIT`, with the `stage`) when the decode's shared budget
 *   (`maxTotalAllocation`, `maxTotalElements`, `maxTotalNodes`, `maxMillis`) runs out;
 *   PickleDecodeError (stable `code`, byte `offset`) on malformed input, a limit, a
 *   persistent id, an extension code or an out-of-band buffer without `buffers`;
 *   PickleSecurityError for a non-whitelisted global when `unknownGlobals: "error"`.
 */
export function loads(bytes: Uint8Array, options: LoadsOptions = {}): PyValue {
  return typedEngineLimits("pickle", () => new Unpickler(bytes, options).load());
}

/** The opcode loop: `load` runs the opcodes of JSON-like payloads inline, `step` all others. */
class Unpickler extends UnpicklerState {
  load(): PyValue {
    const r = this.r;
    if (!r.hasMore()) this.fail("PICKLE_EMPTY", "empty pickle");
    const stack = this.stack;
    const shortStrings = this.limits.maxStringBytes >= MAX_SHORT_STR;
    let ops = 0;
    for (;;) {
      r.opStart = r.pos;
      const op = r.u8();
      if ((++ops & BUDGET_CHECK_MASK) === 0) this.checkBudget(ops + this.scannedOps);
      if (this.liveCells !== null) this.guardCells(op);
      // The opcodes of JSON-like payloads, inline: no call into the big switch, no closures.
      switch (op) {
        case Op.BINGET: {
          const v = this.memoGet(r.u8());
          if (v === this.freshList) this.freshList = null;
          stack.push(v);
          continue;
        }
        case Op.MEMOIZE:
          this.memoize();
          continue;
        case Op.SHORT_BINUNICODE:
          if (!shortStrings) break;
          stack.push(this.shortStr(r.u8()));
          continue;
        case Op.MARK:
          if (this.marks.length >= this.maxDepth) break;
          this.marks.push(stack.length);
          this.fence = stack.length;
          continue;
        case Op.NONE:
          stack.push(null);
          continue;
        case Op.NEWTRUE:
          stack.push(true);
          continue;
        case Op.NEWFALSE:
          stack.push(false);
          continue;
        case Op.BININT1:
          stack.push(r.u8());
          continue;
        case Op.BININT2:
          stack.push(r.u16());
          continue;
        case Op.BININT:
          stack.push(r.s32());
          continue;
        case Op.BINFLOAT:
          stack.push(this.float(r.f64be()));
          continue;
        case Op.STOP:
          return this.pop();
      }
      this.step(op);
    }
  }

  /** Every opcode `load` does not handle inline (those never reach this switch). */
  private step(op: number): void {
    const r = this.r;
    const stack = this.stack;
    // Only APPEND(S) may use the fresh list; any other opcode here might take a reference.
    if (this.freshList !== null && op !== Op.APPENDS && op !== Op.APPEND && op !== Op.FRAME) {
      this.freshList = null;
    }
    switch (op) {
      case Op.MARK:
        if (this.marks.length >= this.limits.maxDepth)
          this.fail("PICKLE_LIMIT_EXCEEDED", "MARK nesting exceeds maxDepth");
        this.marks.push(stack.length);
        this.fence = stack.length;
        return;
      case Op.POP:
        if (stack.length > this.fence) stack.pop();
        else if (this.marks.length > 0) this.popMark();
        else this.underflow();
        return;
      case Op.POP_MARK:
        this.popMark();
        return;
      case Op.DUP:
        stack.push(this.top());
        return;
      case Op.LONG1:
        stack.push(this.long(r.u8()));
        return;
      case Op.LONG4: {
        const n = r.s32();
        if (n < 0) this.fail("PICKLE_BAD_LENGTH", "LONG pickle has negative byte count");
        stack.push(this.long(n));
        return;
      }
      case Op.SHORT_BINUNICODE:
        stack.push(this.str(r.u8()));
        return;
      case Op.BINUNICODE:
        stack.push(this.str(r.u32()));
        return;
      case Op.BINUNICODE8:
        stack.push(this.str(r.u64()));
        return;
      case Op.SHORT_BINBYTES:
        stack.push(this.bytesView(r.u8()));
        return;
      case Op.BINBYTES:
        stack.push(this.bytesView(r.u32(), 5));
        return;
      case Op.BINBYTES8:
        stack.push(this.bytesView(r.u64(), 9));
        return;
      case Op.BYTEARRAY8: {
        const view = this.bytesView(r.u64(), 9);
        // A view over the input, not a copy: numpy blocks stay zero-copy.
        stack.push(new PyBytearray(view.buffer as ArrayBuffer, view.byteOffset, view.byteLength));
        return;
      }
      case Op.INT:
      case Op.LONG:
      case Op.FLOAT:
      case Op.UNICODE:
      case Op.SHORT_BINSTRING:
      case Op.BINSTRING:
      case Op.STRING:
        stack.push(readTextOpcode(op, r, this, this.limits));
        return;
      case Op.EMPTY_LIST: {
        if (this.atObjectArrayData() && this.scanCells()) return;
        const list: PyValue[] = [];
        stack.push(list);
        this.freshList = list;
        this.freshPos = stack.length - 1;
        this.freshSlot = -1;
        return;
      }
      case Op.EMPTY_TUPLE:
        stack.push(new PyTuple());
        return;
      case Op.EMPTY_DICT:
        stack.push(this.c.newDict());
        return;
      case Op.EMPTY_SET:
        stack.push(new Set());
        return;
      case Op.TUPLE1: {
        const a = this.pop();
        stack.push(PyTuple.fromItems([a]));
        return;
      }
      case Op.TUPLE2: {
        const b = this.pop();
        const a = this.pop();
        stack.push(PyTuple.fromItems([a, b]));
        return;
      }
      case Op.TUPLE3: {
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        stack.push(PyTuple.fromItems([a, b, c]));
        return;
      }
      case Op.TUPLE: {
        const items = this.popMark();
        this.charge(items.length * SLOT_BYTES);
        stack.push(PyTuple.fromItems(items));
        return;
      }
      case Op.LIST: {
        const items = this.popMark();
        this.charge(items.length * SLOT_BYTES);
        stack.push(items);
        return;
      }
      case Op.DICT: {
        const items = this.popMark();
        if (items.length % 2 !== 0) this.fail("PICKLE_BAD_ARGUMENT", "odd number of items for DICT");
        const d = this.c.newDict();
        stack.push(this.c.setItems(d, items));
        return;
      }
      case Op.FROZENSET: {
        const items = this.popMark();
        stack.push(this.c.frozenSet(items));
        return;
      }
      case Op.APPEND: {
        const one = stack.length - 1;
        if (this.freshList !== null && one - 1 >= this.fence && this.fillFreshList(one)) return;
        const v = this.pop();
        this.c.append(this.top(), [v]);
        return;
      }
      case Op.APPENDS: {
        // Items are read in place and the stack truncated: no temporary array per batch.
        const m = this.takeMark();
        if (m - 1 < this.fence) this.underflow();
        this.charge((stack.length - m) * SLOT_BYTES);
        if (this.freshList !== null && this.fillFreshList(m)) return;
        this.c.append(stack[m - 1] as PyValue, stack, m, stack.length);
        truncate(stack, m);
        return;
      }
      case Op.SETITEM: {
        const v = this.pop();
        const k = this.pop();
        const i = stack.length - 1;
        if (i < this.fence) this.underflow();
        stack[i] = this.c.setItems(stack[i] as PyValue, [k, v]);
        return;
      }
      case Op.SETITEMS: {
        const m = this.takeMark();
        const count = stack.length - m;
        if (count % 2 !== 0) this.fail("PICKLE_BAD_ARGUMENT", "odd number of items for SETITEMS");
        if (m - 1 < this.fence) this.underflow();
        this.charge(count * SLOT_BYTES);
        const target = this.c.setItems(stack[m - 1] as PyValue, stack, m, stack.length);
        truncate(stack, m);
        stack[m - 1] = target;
        return;
      }
      case Op.ADDITEMS: {
        const items = this.popMark();
        this.charge(items.length * SLOT_BYTES);
        this.c.addItems(this.top(), items);
        return;
      }
      case Op.LONG_BINGET:
        stack.push(this.memoGet(r.u32()));
        return;
      case Op.GET:
        stack.push(this.memoGet(parseMemoIndex(r.lineText(), r)));
        return;
      case Op.BINPUT:
        this.memoPut(r.u8());
        return;
      case Op.LONG_BINPUT:
        this.memoPut(r.u32());
        return;
      case Op.PUT:
        this.memoPut(parseMemoIndex(r.lineText(), r));
        return;
      case Op.PROTO: {
        const p = r.u8();
        if (p > HIGHEST_PROTOCOL)
          this.fail("PICKLE_UNSUPPORTED_PROTOCOL", `unsupported pickle protocol: ${p}`);
        this.proto = p;
        return;
      }
      case Op.FRAME:
        r.startFrame(r.u64());
        return;
      case Op.GLOBAL: {
        const module = r.lineText();
        const name = r.lineText();
        stack.push(this.resolveGlobal(module, name));
        return;
      }
      case Op.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== "string" || typeof name !== "string") {
          this.fail("PICKLE_BAD_TYPE", "STACK_GLOBAL requires str");
        }
        stack.push(this.resolveGlobal(module, name));
        return;
      }
      case Op.REDUCE: {
        const args = tupleArgs(this.pop(), "REDUCE", this);
        const f = this.pop();
        stack.push(callGlobal(f, args, this));
        return;
      }
      case Op.NEWOBJ: {
        const args = tupleArgs(this.pop(), "NEWOBJ", this);
        const cls = this.pop();
        stack.push(newObject(cls, args, this));
        return;
      }
      case Op.NEWOBJ_EX: {
        const kwargs = this.pop();
        const args = tupleArgs(this.pop(), "NEWOBJ_EX", this);
        const cls = this.pop();
        if (!isPyDict(kwargs)) this.fail("PICKLE_BAD_TYPE", "NEWOBJ_EX kwargs must be a dict");
        const hasKw = kwargs instanceof Map ? kwargs.size > 0 : Object.keys(kwargs).length > 0;
        stack.push(newObject(cls, args, this, hasKw ? kwargs : undefined));
        return;
      }
      case Op.INST: {
        const module = r.lineText();
        const name = r.lineText();
        const args = this.popMark();
        stack.push(instantiate(this.resolveGlobal(module, name), args, this));
        return;
      }
      case Op.OBJ: {
        const items = this.popMark();
        if (items.length === 0) this.underflow();
        const cls = items.shift() as PyValue;
        stack.push(instantiate(cls, items, this));
        return;
      }
      case Op.BUILD: {
        const state = this.pop();
        const obj = this.pop();
        stack.push(buildObject(obj, state, this, this.c));
        this.liveCells = null;
        return;
      }
      case Op.NEXT_BUFFER: {
        const next = this.buffers?.next();
        if (!next || next.done) {
          this.fail(
            "PICKLE_OUT_OF_BAND_BUFFER",
            "pickle stream refers to out-of-band data but no (more) buffers were given",
          );
        }
        stack.push(next.value);
        return;
      }
      case Op.READONLY_BUFFER: {
        const v = this.top();
        if (!(v instanceof Uint8Array)) this.fail("PICKLE_BAD_TYPE", "READONLY_BUFFER on a non-buffer");
        if (v instanceof PyBytearray)
          stack[stack.length - 1] = new Uint8Array(v.buffer as ArrayBuffer, v.byteOffset, v.byteLength);
        return;
      }
      default:
        rejectOpcode(op, r, this);
    }
  }
}
