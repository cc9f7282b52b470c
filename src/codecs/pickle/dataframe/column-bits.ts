/**
 * Bit-packed Arrow buffers (validity bitmaps, Bool data) from typed numpy columns, one loop per
 * source kind. Each loop is its own small monomorphic function: a shared loop taking a
 * per-column predicate closure deoptimizes on every new closure, and reading a BigInt64Array
 * element allocates a BigInt, so NaT is found by comparing the two int32 halves instead.
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

/** Bool data: bit i set when `bytes[i] !== 0` (numpy bool is one byte per value). */
export function bitsOfBytes(bytes: ArrayLike<number>, n: number): Uint8Array {
  const bits = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i] !== 0) bits[i >> 3] = (bits[i >> 3] as number) | (1 << (i & 7));
  return bits;
}

/** Validity of a masked (nullable) array: `mask[i] !== 0` means missing. */
export function validityOfMask(mask: ArrayLike<number>, n: number): Validity {
  let nulls = 0;
  for (let i = 0; i < n; i++) if (mask[i] !== 0) nulls++;
  if (nulls === 0) return { bitmap: undefined, nulls };
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (mask[i] === 0) bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
  return { bitmap, nulls };
}

/** Validity of datetime64/timedelta64 values: NaT (int64 minimum) is missing. */
export function validityOfDatetimes(values: BigInt64Array, n: number): Validity {
  const words = new Int32Array(values.buffer, values.byteOffset, 2 * n);
  const lo = LITTLE_ENDIAN ? 0 : 1;
  const hi = 1 - lo;
  let nulls = 0;
  for (let i = 0; i < n; i++) if (words[2 * i + hi] === NAT_HIGH && words[2 * i + lo] === 0) nulls++;
  if (nulls === 0) return { bitmap: undefined, nulls };
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (!(words[2 * i + hi] === NAT_HIGH && words[2 * i + lo] === 0))
      bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
  }
  return { bitmap, nulls };
}
