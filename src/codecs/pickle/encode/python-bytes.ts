/** Byte forms of Python ints and strs, exactly as CPython's pickler writes them. */

/** Minimal little-endian two's-complement bytes, as CPython's `save_long` computes them. */
export function longBytes(v: bigint): Uint8Array {
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

/** UTF-8 with lone surrogates encoded as 3-byte sequences (Python's "surrogatepass"). */
export function utf8Surrogatepass(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

const stringProto = String.prototype as { isWellFormed?: (this: string) => boolean };
const LONE_SURROGATE = /\p{Surrogate}/u;

export function isWellFormed(s: string): boolean {
  return stringProto.isWellFormed ? stringProto.isWellFormed.call(s) : !LONE_SURROGATE.test(s);
}
