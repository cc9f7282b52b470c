/**
 * Python ints as the payload of pickle's LONG1/LONG4 opcodes: signed little-endian two's
 * complement, in the fewest bytes (CPython `encode_long` / `decode_long`).
 */
import { pyIntValue } from "./numbers.js";

/** `decode_long(b)`: a JS number while exact (up to 6 bytes, or within ±(2^53-1)), else a bigint. */
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
  return pyIntValue(v);
}

/** `encode_long(v)`: the fewest little-endian two's-complement bytes holding `v` (none for 0). */
export function encodeLong(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  const abs = v < 0n ? -v : v;
  const nbits = abs.toString(2).length;
  let nbytes = (nbits >> 3) + 1;
  let x = v < 0n ? (1n << BigInt(nbytes * 8)) + v : v;
  const out = new Uint8Array(nbytes);
  for (let i = 0; i < nbytes; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (v < 0n && nbytes > 1 && out[nbytes - 1] === 0xff && ((out[nbytes - 2] as number) & 0x80) !== 0)
    nbytes--;
  return nbytes === out.length ? out : out.subarray(0, nbytes);
}
