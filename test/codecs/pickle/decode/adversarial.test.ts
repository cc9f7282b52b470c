/**
 * Adversarial pickles, one named test each (numbered by category): hostile or
 * malformed pickles end in a PickleDecodeError with a stable code (or decode to the value
 * Python gives), quickly and without large allocations.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import type { NdArray } from "#src/codecs/pickle/decode/globals/numpy-array.js";
import { dumps } from "#src/codecs/pickle/encode/encoder.js";
import { PickleDecodeError, PickleSecurityError } from "#src/codecs/pickle/errors.js";
import { PyObject, PyTuple, type PyValue } from "#src/python/values.js";
import { PICKLE_FIXTURES_DIR } from "#test/helpers/paths.js";
import {
  b,
  ba,
  block,
  call,
  cat,
  dict,
  dtype,
  frame,
  g,
  i,
  i64,
  list,
  NONE,
  ndarray,
  pk,
  rangeIndex,
  s,
  slice,
  strIndex,
  tup,
} from "#test/helpers/pickle-ops.js";

const FIXTURES = PICKLE_FIXTURES_DIR;
const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const ff = (n: number): number[] => new Array(n).fill(0xff);

function codeOf(input: Uint8Array, options?: Parameters<typeof loads>[1]): string {
  try {
    loads(input, options);
  } catch (e) {
    expect(e).toBeInstanceOf(PickleDecodeError);
    return (e as PickleDecodeError).code;
  }
  throw new Error("expected a PickleDecodeError");
}

/** l0 = [1]*10; l_{k+1} = [l_k]*10 for 10 levels: 10^10 leaves when expanded. Leaves only the last list on the stack. */
function laughs(): Uint8Array {
  const parts: (Uint8Array | string | number[])[] = ["]", "(", ...new Array(10).fill(i(1)), "e", [0x94]];
  for (let k = 0; k < 10; k++) parts.push("0", "]", "(", ...new Array(10).fill(cat([0x68, k])), "e", [0x94]);
  return cat(...(parts as never[]));
}

describe("§11.1.1 truncation", () => {
  it("every fixture truncated at every byte offset fails with PickleDecodeError", () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith(".pkl"));
    let count = 0;
    for (const f of files) {
      const full = readFileSync(join(FIXTURES, f));
      for (let k = 0; k < full.length; k++) {
        codeOf(full.subarray(0, k));
        count++;
      }
    }
    expect(count).toBeGreaterThan(10_000);
  });
});

describe("§11.1.2 framing of the stream", () => {
  it("bytes after STOP are ignored", () => expect(loads(bytes("N.garbage"))).toBeNull());
  it("empty input", () => expect(codeOf(new Uint8Array())).toBe("PICKLE_EMPTY"));
  it("no STOP", () => expect(codeOf(bytes("K\x01"))).toBe("PICKLE_TRUNCATED"));
  it("STOP alone is a stack underflow", () => expect(codeOf(bytes("."))).toBe("PICKLE_STACK_UNDERFLOW"));
});

describe("§11.1.3 protocol and opcodes", () => {
  it("PROTO 6 is unsupported", () => expect(codeOf(bytes("\x80\x06N."))).toBe("PICKLE_UNSUPPORTED_PROTOCOL"));
  for (const op of [0x99, 0xff, 0x00]) {
    it(`undefined opcode 0x${op.toString(16)}`, () =>
      expect(codeOf(Uint8Array.of(op, 0x2e))).toBe("PICKLE_UNKNOWN_OPCODE"));
  }
});

describe("§11.1.4 length bombs", () => {
  const cases: [string, number[], string][] = [
    ["BINBYTES 4 GiB", [0x42, ...ff(4)], "PICKLE_LIMIT_EXCEEDED"],
    ["BINBYTES8 2^64-1", [0x8e, ...ff(8)], "PICKLE_LIMIT_EXCEEDED"],
    ["BYTEARRAY8 2^64-1", [0x96, ...ff(8)], "PICKLE_LIMIT_EXCEEDED"],
    ["BINUNICODE8 2^64-1", [0x8d, ...ff(8)], "PICKLE_LIMIT_EXCEEDED"],
    ["BINUNICODE 4 GiB", [0x58, ...ff(4)], "PICKLE_LIMIT_EXCEEDED"],
    ["negative BINSTRING", [0x54, ...ff(4)], "PICKLE_BAD_LENGTH"],
    ["negative LONG4", [0x8b, ...ff(4)], "PICKLE_BAD_LENGTH"],
    ["FRAME 2^64-1", [0x95, ...ff(8)], "PICKLE_BAD_FRAME"],
  ];
  for (const [name, input, code] of cases) it(name, () => expect(codeOf(Uint8Array.from(input))).toBe(code));
  it("LONG4 of 16 MiB (giant int) is refused before conversion", () => {
    const input = new Uint8Array(5 + 16 * 1024 * 1024 + 1);
    input.set([0x8b, 0, 0, 0, 1]);
    input[input.length - 1] = 0x2e;
    expect(codeOf(input)).toBe("PICKLE_LIMIT_EXCEEDED");
  });
  it("ndarray shape (2**31, 2**31) over a 16-byte buffer", () => {
    expect(codeOf(pk(ndarray([2 ** 31, 2 ** 31], dtype("f8"), b(new Array(16).fill(0)))))).toBe(
      "PICKLE_LIMIT_EXCEEDED",
    );
  });
  it("maxInputBytes is enforced first", () => {
    expect(codeOf(bytes("N."), { limits: { maxInputBytes: 1 } })).toBe("PICKLE_LIMIT_EXCEEDED");
  });
});

describe("§11.1.5 memo", () => {
  it("missing index", () => expect(codeOf(bytes("h\x09."))).toBe("PICKLE_MEMO_MISSING"));
  it("LONG_BINPUT 0xffffffff does not allocate", () =>
    expect(loads(bytes("Nr\xff\xff\xff\xff."))).toBeNull());
  it("2 M MEMOIZE ops hit maxMemo", () => {
    const input = new Uint8Array(2_000_002);
    input[0] = 0x4e;
    input.fill(0x94, 1, 2_000_001);
    input[2_000_001] = 0x2e;
    expect(codeOf(input)).toBe("PICKLE_LIMIT_EXCEEDED");
  });
  it("maxMemo scales with the input: 1.5 M memoized strs in a 12 MB pickle decode", () => {
    const strs = Array.from({ length: 1_500_000 }, (_, i) => `s${i}`);
    const decoded = loads(dumps(strs)) as string[];
    expect(decoded.length).toBe(strs.length);
    expect(decoded[1_499_999]).toBe("s1499999");
  });
  it("a self-referencing list", () => {
    const v = loads(bytes("]\x94h\x00a.")) as unknown[];
    expect(v[0]).toBe(v);
  });
  it("a dict containing itself", () => {
    const v = loads(bytes("}\x94\x8c\x04selfh\x00s.")) as Record<string, unknown>;
    expect(v.self).toBe(v);
  });
  it("exponential memo fan-out stays a shared graph (billion laughs)", () => {
    const v = loads(pk(laughs())) as unknown[][];
    expect(v.length).toBe(10);
    expect(v[0]).toBe(v[9]);
  });
});

describe("§11.1.6 marks", () => {
  it("1 M MARKs hit the depth limit", () => {
    const input = new Uint8Array(1_000_001).fill(0x28);
    input[1_000_000] = 0x2e;
    expect(codeOf(input)).toBe("PICKLE_LIMIT_EXCEEDED");
  });
  it("TUPLE2 across a mark", () => expect(codeOf(bytes("K\x01(K\x02\x86."))).toBe("PICKLE_MARK_UNEXPECTED"));
  for (const op of ["e", "u", "t"])
    it(`${op} without a mark`, () => expect(codeOf(bytes(`]K\x01${op}.`))).toBe("PICKLE_MARK_MISSING"));
  it("POP_MARK without a mark", () => expect(codeOf(bytes("1."))).toBe("PICKLE_MARK_MISSING"));
  it("POP pops the mark", () => expect(loads(bytes("(0K\x07."))).toBe(7));
});

describe("§11.1.7 type confusion", () => {
  it("APPEND on a dict", () => expect(codeOf(bytes("}K\x01a."))).toBe("PICKLE_BAD_TYPE"));
  it("SETITEM on a list", () => expect(codeOf(bytes("]K\x01K\x02s."))).toBe("PICKLE_BAD_TYPE"));
  it("odd SETITEMS", () => expect(codeOf(bytes("}(K\x01u."))).toBe("PICKLE_BAD_ARGUMENT"));
  it("unhashable key", () => expect(codeOf(bytes("}(]K\x01u."))).toBe("PICKLE_UNHASHABLE"));
  it("REDUCE with non-tuple args", () =>
    expect(codeOf(pk(g("datetime", "date"), "]", "R"))).toBe("PICKLE_BAD_TYPE"));
  it("STACK_GLOBAL with int operands", () =>
    expect(codeOf(bytes("K\x01K\x02\x93."))).toBe("PICKLE_BAD_TYPE"));
  it("BUILD on an int", () => expect(codeOf(bytes("K\x01}b."))).toBe("PICKLE_BAD_TYPE"));
  it("dtype BUILD with wrong arity", () => {
    expect(codeOf(pk(call(g("numpy", "dtype"), s("i8"), "\x89", "\x88"), tup(i(3), s("<")), "b"))).toBe(
      "PICKLE_BAD_NUMPY",
    );
  });
  it("dtype BUILD with a bad byte order char", () => {
    expect(codeOf(pk(dtype("i8", "!")))).toBe("PICKLE_BAD_NUMPY");
  });
  it("dtype BUILD with a negative elsize", () => {
    const st = tup(i(3), s("<"), NONE, NONE, NONE, i(-5), i(-1), i(0));
    expect(codeOf(pk(call(g("numpy", "dtype"), s("i8"), "\x89", "\x88"), st, "b"))).toBe("PICKLE_BAD_NUMPY");
  });
});

describe("§11.1.8 prototype pollution", () => {
  const keys = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"];
  it("dict keys stay plain data", () => {
    const v = loads(
      pk(dict(...keys.map((k) => [s(k), i(1)] as [Uint8Array, Uint8Array]), [s("polluted"), i(1)])),
    ) as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(expect.arrayContaining(keys));
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it("BUILD states on placeholders keep such keys as data", () => {
    const v = loads(
      pk(g("evil", "Cls"), ")", [0x81], dict([s("__proto__"), dict([s("polluted"), i(1)])]), "b"),
    ) as PyObject;
    expect(Object.keys(v.state as object)).toContain("__proto__");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("§11.1.9 globals are never callable", () => {
  it("os.system via GLOBAL + REDUCE → inert placeholder", () => {
    const v = loads(bytes("cos\nsystem\n(S'echo pwned'\ntR.")) as PyObject;
    expect(v).toBeInstanceOf(PyObject);
    expect([v.module, v.name, [...(v.args ?? [])]]).toEqual(["os", "system", ["echo pwned"]]);
  });
  it("os.system in strict mode → PickleSecurityError", () => {
    expect(() => loads(bytes("cos\nsystem\n(S'x'\ntR."), { unknownGlobals: "error" })).toThrow(
      PickleSecurityError,
    );
  });
  it("builtins.eval", () =>
    expect((loads(bytes("cbuiltins\neval\n(S'1'\ntR.")) as PyObject).qualifiedName).toBe("builtins.eval"));
  it("getattr with arbitrary args stays a placeholder", () => {
    const v = loads(pk(call(g("builtins", "getattr"), g("os", "path"), s("__class__")))) as PyObject;
    expect(v.qualifiedName).toBe("builtins.getattr");
  });
  it("posix.system via protocol-0 INST", () => {
    const v = loads(bytes("(S'id'\niposix\nsystem\n.")) as PyObject;
    expect(v.qualifiedName).toBe("posix.system");
  });
  it("posix.system via OBJ", () =>
    expect((loads(bytes("(cposix\nsystem\nS'id'\no.")) as PyObject).qualifiedName).toBe("posix.system"));
  it("NEWOBJ_EX on a token", () => {
    const v = loads(
      pk(g("subprocess", "Popen"), tup(s("ls")), dict([s("shell"), "\x88"]), [0x92]),
    ) as PyObject;
    expect(v.qualifiedName).toBe("subprocess.Popen");
    expect(v.kwargs).toBeDefined();
  });
  it("functools.partial chains", () => {
    const inner = call(g("functools", "partial"), g("os", "system"), s("id"));
    const v = loads(pk(call(g("functools", "partial"), inner))) as PyObject;
    expect(v.qualifiedName).toBe("functools.partial");
    expect((v.args as PyValue[])[0] as PyObject).toMatchObject({ module: "functools", name: "partial" });
  });
  it("_reconstruct with a non-ndarray class", () => {
    expect(
      codeOf(
        pk(
          call(
            g("numpy.core.multiarray", "_reconstruct"),
            g("numpy.ma.core", "MaskedArray"),
            tup(i(0)),
            b([0x62]),
          ),
        ),
      ),
    ).toBe("PICKLE_BAD_NUMPY");
  });
  it("_frombuffer with order 'X'", () => {
    expect(
      codeOf(pk(call(g("numpy.core.numeric", "_frombuffer"), ba(i64([1])), dtype("i8"), tup(i(1)), s("X")))),
    ).toBe("PICKLE_BAD_NUMPY");
  });
  it("_frombuffer with an axis_order that is not a permutation", () => {
    const input = pk(
      call(
        g("numpy._core.numeric", "_frombuffer"),
        ba(i64([1, 2])),
        dtype("i8"),
        tup(i(1), i(2)),
        s("K"),
        tup(i(0), i(0)),
      ),
    );
    expect(codeOf(input)).toBe("PICKLE_BAD_NUMPY");
  });
});

describe("§11.1.10 numbers", () => {
  it("LONG1 ff = -1", () => expect(loads(bytes("\x8a\x01\xff."))).toBe(-1));
  it("LONG1 -2^63", () =>
    expect(loads(Uint8Array.of(0x8a, 8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x2e))).toBe(-(2n ** 63n)));
  it("LONG1 2^64", () =>
    expect(loads(Uint8Array.of(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x2e))).toBe(2n ** 64n));
  it("LONG1 empty = 0", () => expect(loads(bytes("\x8a\x00."))).toBe(0));
  it("BININT ffffffff = -1", () => expect(loads(bytes("J\xff\xff\xff\xff."))).toBe(-1));
  for (const text of ["010", "0x10", " 1", "1_0"]) {
    it(`INT text ${JSON.stringify(text)} is rejected`, () =>
      expect(codeOf(bytes(`I${text}\n.`))).toBe("PICKLE_BAD_TEXT"));
  }
  it("a 5000-digit LONG text hits the digit limit", () =>
    expect(codeOf(bytes(`L${"9".repeat(5000)}L\n.`))).toBe("PICKLE_LIMIT_EXCEEDED"));
  it("FLOAT nan", () => expect(loads(bytes("Fnan\n."))).toBeNaN());
  it("FLOAT -inf", () => expect(loads(bytes("F-inf\n."))).toBe(Number.NEGATIVE_INFINITY));
  it("FLOAT 1e400 overflows to inf as in Python", () =>
    expect(loads(bytes("F1e400\n."))).toBe(Number.POSITIVE_INFINITY));
  it("FLOAT 1_0 is rejected", () => expect(codeOf(bytes("F1_0\n."))).toBe("PICKLE_BAD_TEXT"));
  it("BINFLOAT NaN with payload", () =>
    expect(loads(Uint8Array.of(0x47, 0x7f, 0xf8, 0, 0, 0, 0, 0, 1, 0x2e))).toBeNaN());
  it("BINFLOAT -0.0", () =>
    expect(Object.is(loads(Uint8Array.of(0x47, 0x80, 0, 0, 0, 0, 0, 0, 0, 0x2e)), -0)).toBe(true));
});

describe("§11.1.11 strings", () => {
  it("lone surrogate is accepted (surrogatepass)", () =>
    expect(loads(bytes("X\x03\x00\x00\x00\xed\xa0\x80."))).toBe("\ud800"));
  it("overlong UTF-8 is rejected", () =>
    expect(codeOf(bytes("X\x02\x00\x00\x00\xc0\x80."))).toBe("PICKLE_BAD_UTF8"));
  it("invalid continuation bytes are rejected", () =>
    expect(codeOf(bytes("X\x02\x00\x00\x00\xe2\x28."))).toBe("PICKLE_BAD_UTF8"));
  it("STRING without quotes", () => expect(codeOf(bytes("Sabc\n."))).toBe("PICKLE_BAD_TEXT"));
  it("STRING with a bad \\x escape", () => expect(codeOf(bytes("S'\\xZZ'\n."))).toBe("PICKLE_BAD_TEXT"));
  it("UNICODE with a truncated \\u escape", () => expect(codeOf(bytes("V\\u12\n."))).toBe("PICKLE_BAD_TEXT"));
});

describe("§11.1.12 frames", () => {
  it("FRAME longer than the input", () =>
    expect(codeOf(Uint8Array.of(0x95, 100, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e))).toBe("PICKLE_BAD_FRAME"));
  it("an opcode straddling the frame end", () => {
    expect(codeOf(Uint8Array.of(0x95, 2, 0, 0, 0, 0, 0, 0, 0, 0x4a, 1, 0, 0, 0, 0x2e))).toBe(
      "PICKLE_BAD_FRAME",
    );
  });
  it("a nested FRAME before the previous one is exhausted", () => {
    expect(
      codeOf(Uint8Array.of(0x95, 11, 0, 0, 0, 0, 0, 0, 0, 0x95, 1, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e)),
    ).toBe("PICKLE_BAD_FRAME");
  });
});

describe("§11.1.13 numpy", () => {
  it("raw length ≠ prod(shape)·itemsize", () =>
    expect(codeOf(pk(ndarray([3], dtype("f8"), b(new Array(16).fill(0)))))).toBe("PICKLE_BAD_NUMPY"));
  it("object list length ≠ prod(shape)", () =>
    expect(codeOf(pk(ndarray([3], dtype("O8", "|"), list(s("a")))))).toBe("PICKLE_BAD_NUMPY"));
  it("M8 with an unknown unit", () => expect(codeOf(pk(dtype("M8", "<", "zz")))).toBe("PICKLE_BAD_NUMPY"));
  it("big-endian i8 data decodes correctly", () => {
    const raw = Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe);
    const arr = loads(pk(ndarray([2], dtype("i8", ">"), b(raw)))) as NdArray;
    expect([...(arr.typed() as BigInt64Array)]).toEqual([256n, -2n]);
  });
  it("'F' order: a (2,3) block whose bytes are 0..5 holds columns [0,1] [2,3] [4,5]", () => {
    const values = call(
      g("numpy.core.numeric", "_frombuffer"),
      ba(i64([0, 1, 2, 3, 4, 5])),
      dtype("i8"),
      tup(i(2), i(3)),
      s("F"),
    );
    const t = loads(
      pk(frame([block(values, slice(0, 2))], strIndex("a", "b"), rangeIndex(0, 3))),
    ) as import("apache-arrow").Table;
    expect([...t.getChild("a")!.toArray()]).toEqual([0n, 2n, 4n]);
    expect([...t.getChild("b")!.toArray()]).toEqual([1n, 3n, 5n]);
  });
  it("'K' order with axis_order (1, 0) equals the transposed C data", () => {
    const values = call(
      g("numpy._core.numeric", "_frombuffer"),
      ba(i64([0, 1, 2, 3, 4, 5])),
      dtype("i8"),
      tup(i(3), i(2)),
      s("K"),
      tup(i(1), i(0)),
    );
    const t = loads(
      pk(frame([block(values, slice(0, 2))], strIndex("a", "b"), rangeIndex(0, 3))),
    ) as import("apache-arrow").Table;
    expect([...t.getChild("a")!.toArray()]).toEqual([0n, 2n, 4n]);
    expect([...t.getChild("b")!.toArray()]).toEqual([1n, 3n, 5n]);
  });
  it("a 0-d array", () => {
    const arr = loads(
      pk(ndarray([], dtype("f8"), b(new Uint8Array(new Float64Array([2.5]).buffer)))),
    ) as NdArray;
    expect(arr.shape).toEqual([]);
    expect([...(arr.typed() as Float64Array)]).toEqual([2.5]);
  });
  it("zero-length shape (0, 5)", () => {
    const arr = loads(pk(ndarray([0, 5], dtype("f8"), b([])))) as NdArray;
    expect(arr.size).toBe(0);
  });
});

const i64Block = (rows: number, n: number, placement: Uint8Array): Uint8Array =>
  block(
    call(
      g("numpy.core.numeric", "_frombuffer"),
      ba(i64(new Array(rows * n).fill(1))),
      dtype("i8"),
      tup(i(rows), i(n)),
      s("C"),
    ),
    placement,
  );

describe("§11.1.14 pandas", () => {
  it("overlapping placements", () => {
    expect(
      codeOf(
        pk(
          frame(
            [i64Block(1, 2, slice(0, 1)), i64Block(1, 2, slice(0, 1))],
            strIndex("a", "b"),
            rangeIndex(0, 2),
          ),
        ),
      ),
    ).toBe("PICKLE_BAD_PANDAS");
  });
  it("placement gaps", () =>
    expect(codeOf(pk(frame([i64Block(1, 2, slice(0, 1))], strIndex("a", "b"), rangeIndex(0, 2))))).toBe(
      "PICKLE_BAD_PANDAS",
    ));
  it("placement out of range", () =>
    expect(codeOf(pk(frame([i64Block(1, 2, slice(5, 6))], strIndex("a"), rangeIndex(0, 2))))).toBe(
      "PICKLE_BAD_PANDAS",
    ));
  it("block row count ≠ index length", () =>
    expect(codeOf(pk(frame([i64Block(1, 3, slice(0, 1))], strIndex("a"), rangeIndex(0, 2))))).toBe(
      "PICKLE_BAD_PANDAS",
    ));
  it("category code 127 with 2 categories", () => {
    const cdt = cat(
      g("pandas.core.dtypes.dtypes", "CategoricalDtype"),
      ")",
      [0x81],
      dict([s("categories"), strIndex("x", "y")], [s("ordered"), "\x89"]),
      "b",
    );
    const codes = ndarray([2], dtype("i1", "|"), b([0, 127]));
    const catArr = cat(
      call(
        g("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),
        g("pandas.core.arrays.categorical", "Categorical"),
        i(1),
        NONE,
      ),
      tup(cdt, codes, "}"),
      "b",
    );
    expect(codeOf(pk(frame([block(catArr, slice(0, 1))], strIndex("c"), rangeIndex(0, 2))))).toBe(
      "PICKLE_BAD_PANDAS",
    );
  });
  it("_mask shorter than _data", () => {
    const arr = cat(
      g("pandas.core.arrays.integer", "IntegerArray"),
      ")",
      [0x81],
      dict(
        [s("_data"), ndarray([2], dtype("i8"), b(i64([1, 2])))],
        [s("_mask"), ndarray([1], dtype("b1", "|"), b([0]))],
      ),
      "b",
    );
    expect(codeOf(pk(frame([block(arr, slice(0, 1))], strIndex("n"), rangeIndex(0, 2))))).toBe(
      "PICKLE_BAD_PANDAS",
    );
  });
  it("RangeIndex with step 0", () => expect(codeOf(pk(rangeIndex(0, 3, 0)))).toBe("PICKLE_BAD_PANDAS"));
  it("MultiIndex codes out of range", () => {
    const mi = call(
      g("pandas.core.indexes.base", "_new_Index"),
      g("pandas.core.indexes.multi", "MultiIndex"),
      dict(
        [s("levels"), list(strIndex("a"))],
        [s("codes"), list(ndarray([1], dtype("i1", "|"), b([5])))],
        [s("names"), list(NONE)],
      ),
    );
    expect(codeOf(pk(mi))).toBe("PICKLE_BAD_PANDAS");
  });
  it("DataFrame BUILD without _mgr", () => {
    expect(
      codeOf(pk(g("pandas.core.frame", "DataFrame"), ")", [0x81], dict([s("_typ"), s("dataframe")]), "b")),
    ).toBe("PICKLE_BAD_PANDAS");
  });
  it("the legacy 0.14.1 manager state decodes", () => {
    const values = ndarray([1, 2], dtype("i8"), b(i64([7, 8])));
    const legacy = dict(
      [s("axes"), list(strIndex("a"), rangeIndex(0, 2))],
      [s("blocks"), list(dict([s("values"), values], [s("mgr_locs"), slice(0, 1)]))],
    );
    const mgr = cat(
      g("pandas.core.internals.managers", "BlockManager"),
      ")",
      [0x81],
      tup(NONE, NONE, NONE, dict([s("0.14.1"), legacy])),
      "b",
    );
    const t = loads(
      pk(g("pandas.core.frame", "DataFrame"), ")", [0x81], dict([s("_mgr"), mgr]), "b"),
    ) as import("apache-arrow").Table;
    expect([...t.getChild("a")!.toArray()]).toEqual([7n, 8n]);
  });
  it("an attrs dict holding a huge shared structure is refused, not expanded", () => {
    const attrs = laughs();
    const input = pk(
      frame([i64Block(1, 2, slice(0, 1))], strIndex("a"), rangeIndex(0, 2), [
        [s("attrs"), dict([s("x"), attrs])],
      ]),
    );
    const started = Date.now();
    expect(codeOf(input)).toBe("PICKLE_LIMIT_EXCEEDED");
    expect(Date.now() - started).toBeLessThan(20_000);
  });
  it("tuple results are PyTuple", () => expect(loads(pk(tup(i(1))))).toBeInstanceOf(PyTuple));
});
