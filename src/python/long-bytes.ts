/** The payload of LONG1/LONG4: a signed little-endian two's-complement integer. */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A JS number while exact (up to 6 bytes, or a bigint within ±2^53-1), else a bigint. */
export function decodeLong(b: Uint8Array): number | bigint {
  const n = b.length;
  if (n === 0) return 0;
  if (n <= 6) {
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + (b[i] as number);
    const neg = ((b[n - 1] as number) & 0x80) !== 0;
    return neg ? v - 2 ** (8 * n) : v;
  }
  let hex = "";
  for (let i = n - 1; i >= 0; i--) hex += (b[i] as number).toString(16).padStart(2, "0");
  let v = BigInt(`0x${hex}`);
  if (((b[n - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * n);
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v;
}
