/**
 * Bit-packed Arrow buffers (validity bitmaps, Bool data) from typed numpy columns, one loop per
 * source kind, reading several values a step (two 32-bit words for eight bools, a native
 * search for NaT). Each loop is its own small monomorphic function: a shared loop taking a
 * per-column predicate closure deoptimizes on every new closure, and reading a BigInt64Array
 * element allocates a BigInt.
 */

/** True on little-endian platforms (typed arrays use the platform's byte order). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** High int32 word of numpy's NaT (int64 minimum); its low word is 0. */
const NAT_HIGH = -0x80000000;

export interface Validity {
  /** Arrow validity bitmap (bit set = present), or undefined when nothing is missing. */
  bitmap: Uint8Array | undefined;
  nulls: number;
}

/**
 * `Math.imul(w, PACK4) >>> 24` gathers bit 0 of each byte of a word whose bytes are 0 or 1
 * into bits 24..27 (byte k's bit lands on bit 24 + k; the other products fall below bit 24
 * on distinct bits, or above bit 31), so four bools become a nibble with one multiply.
 */
const PACK4 = 0x01020408;
/** Bits that are never set in a word of four 0/1 bytes. */
const NOT_BOOL = 0xfefefefe;

/** Bits of `bytes[from, from + 8)`, one per byte (bit k set when byte k is not 0). */
function byteOfBools(bytes: Uint8Array, from: number): number {
  let b = 0;
  for (let k = 0; k < 8; k++) if (bytes[from + k] !== 0) b |= 1 << k;
  return b;
}

/**
 * Bool data: bit i set when `bytes[i] !== 0` (numpy bool is one byte per value). Eight bools
 * at a time from two little-endian 32-bit reads (a DataView, so any byte offset); bytes other
 * than 0 and 1 (numpy never writes them, a pickle can hold them) take the byte-wise path.
 */
export function bitsOfBytes(bytes: Uint8Array, n: number): Uint8Array {
  const bits = new Uint8Array((n + 7) >> 3);
  const whole = n >> 3;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 0; o < whole; o++) {
    const lo = view.getUint32(8 * o, true);
    const hi = view.getUint32(8 * o + 4, true);
    bits[o] =
      ((lo | hi) & NOT_BOOL) === 0
        ? ((Math.imul(lo, PACK4) >>> 24) & 0xf) | (((Math.imul(hi, PACK4) >>> 24) & 0xf) << 4)
        : byteOfBools(bytes, 8 * o);
  }
  for (let i = whole * 8; i < n; i++)
    if (bytes[i] !== 0) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return bits;
}

/** True when some byte of `bytes[0, n)` is not 0 (eight bytes a step). */
function anyNonZero(bytes: Uint8Array, n: number): boolean {
  const whole = n >> 3;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 0; o < whole; o++)
    if ((view.getUint32(8 * o, true) | view.getUint32(8 * o + 4, true)) !== 0) return true;
  for (let i = whole * 8; i < n; i++) if (bytes[i] !== 0) return true;
  return false;
}

/** Set bits of each byte value. */
const POPCOUNT8 = Uint8Array.from({ length: 256 }, (_, b) => {
  let c = 0;
  for (let v = b; v !== 0; v >>= 1) c += v & 1;
  return c;
});

/** Validity of a masked (nullable) array: `mask[i] !== 0` means missing. */
export function validityOfMask(mask: Uint8Array, n: number): Validity {
  if (!anyNonZero(mask, n)) return { bitmap: undefined, nulls: 0 };
  // Bits of the mask (set = missing), inverted in place; the padding bits past n stay 0.
  const bitmap = bitsOfBytes(mask, n);
  let nulls = 0;
  for (let o = 0; o < bitmap.length; o++) {
    const m = bitmap[o] as number;
    nulls += POPCOUNT8[m] as number;
    bitmap[o] = ~m & 0xff;
  }
  if ((n & 7) !== 0) bitmap[n >> 3] = (bitmap[n >> 3] as number) & ((1 << (n & 7)) - 1);
  return { bitmap, nulls };
}

/** Zero values (epoch, zero durations) the native search steps over before a plain loop takes over. */
const MAX_ZERO_HITS = 64;

/** Index of the first NaT in `[from, n)`, or -1 (see `validityOfDatetimes`). */
function nextNaT(floats: Float64Array, words: Int32Array, hi: number, from: number): number {
  const n = floats.length;
  let i = floats.indexOf(0, from);
  for (let hits = 0; i !== -1 && hits < MAX_ZERO_HITS; hits++) {
    if (words[2 * i + hi] === NAT_HIGH) return i;
    i = floats.indexOf(0, i + 1);
  }
  if (i === -1) return -1;
  // Many zeros (a column of zero durations): one call per zero would cost more than a loop.
  const lo = 1 - hi;
  for (; i < n; i++) if (words[2 * i + hi] === NAT_HIGH && words[2 * i + lo] === 0) return i;
  return -1;
}

/**
 * Validity of datetime64/timedelta64 values: NaT (int64 minimum) is missing. NaT's bits read
 * as a float64 are -0, so the native `Float64Array.indexOf(0)` finds every NaT (and every
 * value 0, told apart by the high word): no per-value JS work when there is none.
 */
export function validityOfDatetimes(values: BigInt64Array, n: number): Validity {
  const floats = new Float64Array(values.buffer, values.byteOffset, n);
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  const hi = LITTLE_ENDIAN ? 1 : 0;
  let i = nextNaT(floats, words, hi, 0);
  if (i === -1) return { bitmap: undefined, nulls: 0 };
  const bitmap = new Uint8Array((n + 7) >> 3).fill(0xff);
  if ((n & 7) !== 0) bitmap[n >> 3] = (1 << (n & 7)) - 1;
  let nulls = 0;
  for (; i !== -1; i = nextNaT(floats, words, hi, i + 1)) {
    nulls++;
    bitmap[i >> 3] = (bitmap[i >> 3] as number) & ~(1 << (i & 7));
  }
  return { bitmap, nulls };
}
