/**
 * A tiny pickle assembler for hand-built (often deliberately broken) test pickles.
 * Each helper returns the bytes of one or more opcodes; `pk(...)` joins them after PROTO 4
 * and adds STOP.
 */
const enc = new TextEncoder();
type Part = Uint8Array | number[] | string;

function le(n: number, width: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i++) out.push(Math.floor(n / 256 ** i) % 256);
  return out;
}

/** Concatenate parts; strings are taken as latin-1 opcode text (e.g. "(", "t", "R"). */
export function cat(...parts: Part[]): Uint8Array {
  const arrays = parts.map((p) =>
    typeof p === "string" ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : Uint8Array.from(p),
  );
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** PROTO 4 + parts + STOP. */
export const pk = (...parts: Part[]): Uint8Array => cat([0x80, 4], ...parts, ".");
/** A str (SHORT_BINUNICODE or BINUNICODE). */
export function s(text: string): Uint8Array {
  const b = enc.encode(text);
  return b.length < 256 ? cat([0x8c, b.length], b) : cat([0x58, ...le(b.length, 4)], b);
}
/** An int (BININT1 / BININT / LONG1). */
export function i(n: number | bigint): Uint8Array {
  const v = BigInt(n);
  if (v >= 0n && v < 256n) return cat([0x4b, Number(v)]);
  if (v >= -(2n ** 31n) && v < 2n ** 31n) return cat([0x4a, ...le(Number(v < 0n ? v + 2n ** 32n : v), 4)]);
  const bytes: number[] = [];
  let x = v;
  for (;;) {
    bytes.push(Number(x & 0xffn));
    x >>= 8n;
    if (
      (x === 0n && (bytes[bytes.length - 1] as number) < 0x80) ||
      (x === -1n && (bytes[bytes.length - 1] as number) >= 0x80)
    )
      break;
  }
  return cat([0x8a, bytes.length], bytes);
}
/** bytes (SHORT_BINBYTES / BINBYTES). */
export function b(data: Uint8Array | number[]): Uint8Array {
  const d = Uint8Array.from(data);
  return d.length < 256 ? cat([0x43, d.length], d) : cat([0x42, ...le(d.length, 4)], d);
}
/** BYTEARRAY8 */
export const ba = (data: Uint8Array | number[]): Uint8Array =>
  cat([0x96, ...le(data.length, 8)], Uint8Array.from(data));
/** STACK_GLOBAL module.name */
export const g = (module: string, name: string): Uint8Array => cat(s(module), s(name), [0x93]);
/** A tuple of parts (MARK … TUPLE). */
export const tup = (...items: Part[]): Uint8Array => cat("(", ...items, "t");
/** A list of parts. */
export const list = (...items: Part[]): Uint8Array => cat("]", "(", ...items, "e");
/** A dict from [key, value] part pairs. */
export const dict = (...pairs: [Part, Part][]): Uint8Array => cat("}", "(", ...pairs.flat(), "u");
/** f(*args) */
export const call = (f: Part, ...args: Part[]): Uint8Array => cat(f, tup(...args), "R");
export const NONE = "N";
export const TRUE = cat([0x88]);
export const FALSE = cat([0x89]);

/** numpy dtype with its BUILD state. */
export function dtype(code: string, order = "<", unit?: string): Uint8Array {
  const state = unit
    ? tup(
        i(4),
        s(order),
        NONE,
        NONE,
        NONE,
        i(-1),
        i(-1),
        i(0),
        cat("}", tup(b(enc.encode(unit)), i(1), i(1), i(1)), [0x86]),
      )
    : tup(i(3), s(order), NONE, NONE, NONE, i(-1), i(-1), i(code.startsWith("O") ? 63 : 0));
  return cat(call(g("numpy", "dtype"), s(code), FALSE, TRUE), state, "b");
}

/** ndarray via `_reconstruct` + BUILD. */
export function ndarray(shape: number[], dt: Uint8Array, data: Part, fortran = false): Uint8Array {
  return cat(
    call(g("numpy.core.multiarray", "_reconstruct"), g("numpy", "ndarray"), tup(i(0)), b([0x62])),
    tup(i(1), tup(...shape.map((n) => i(n))), dt, fortran ? TRUE : FALSE, data),
    "b",
  );
}

/** Little-endian int64 bytes. */
export function i64(values: (number | bigint)[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const dv = new DataView(out.buffer);
  values.forEach((v, k) => {
    dv.setBigInt64(k * 8, BigInt(v), true);
  });
  return out;
}

/** An object Index of str labels. */
export const strIndex = (...labels: string[]): Uint8Array =>
  call(
    g("pandas.core.indexes.base", "_new_Index"),
    g("pandas.core.indexes.base", "Index"),
    dict([s("data"), ndarray([labels.length], dtype("O8", "|"), list(...labels.map(s)))], [s("name"), NONE]),
  );

/** RangeIndex(start, stop, step) */
export const rangeIndex = (start: number, stop: number, step = 1): Uint8Array =>
  call(
    g("pandas.core.indexes.base", "_new_Index"),
    g("pandas.core.indexes.range", "RangeIndex"),
    dict([s("name"), NONE], [s("start"), i(start)], [s("stop"), i(stop)], [s("step"), i(step)]),
  );

/** slice(a, b, c) */
export const slice = (a: number, stop: number, step = 1): Uint8Array =>
  call(g("builtins", "slice"), i(a), i(stop), i(step));

/** _unpickle_block(values, placement, 2) */
export const block = (values: Part, placement: Part): Uint8Array =>
  call(g("pandas._libs.internals", "_unpickle_block"), values, placement, i(2));

/** A DataFrame in pandas' own NEWOBJ + BUILD form. */
export function frame(
  blocks: Part[],
  columns: Part,
  index: Part,
  extraState: [Part, Part][] = [],
): Uint8Array {
  const mgr = call(g("pandas.core.internals.managers", "BlockManager"), tup(...blocks), list(columns, index));
  return cat(
    g("pandas.core.frame", "DataFrame"),
    ")",
    [0x81],
    dict([s("_mgr"), mgr], [s("_typ"), s("dataframe")], ...extraState),
    "b",
  );
}
