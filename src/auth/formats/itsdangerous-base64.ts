/**
 * itsdangerous' `base64_encode`/`base64_decode` (encoding.py) and its big-endian timestamp
 * integers. Decoding follows CPython exactly: non-ASCII characters are dropped
 * (`want_bytes(..., "ascii", "ignore")`), `=` padding is added, `-_` map to `+/`, and
 * `binascii.a2b_base64` in its non-strict mode skips characters outside the alphabet and stops
 * at a complete pad sequence. A value Python accepts is accepted here, and only such a value.
 */
import { AuthError } from "../errors.js";

/** base64url without padding, as `base64_encode`. */
export function base64Encode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

/** Sextet of each byte in the standard alphabet, 64 for anything else. */
const SEXTET = (() => {
  const table = new Uint8Array(256).fill(64);
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (let i = 0; i < alphabet.length; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
})();

/** The same after `urlsafe_b64decode`'s translation: `-` reads as `+`, `_` as `/` (both stay valid). */
const URLSAFE_SEXTET = (() => {
  const table = SEXTET.slice();
  table[0x2d] = 62;
  table[0x5f] = 63;
  return table;
})();

const PAD = 0x3d;

/**
 * `itsdangerous.encoding.base64_decode(text)`: non-ASCII dropped, padded, URL-safe alphabet.
 * @returns the bytes, or `null` where Python raises (`binascii.Error`: a length that is one
 *   more than a multiple of four data characters, or incomplete padding)
 */
export function base64Decode(text: string | Uint8Array): Uint8Array | null {
  return a2bBase64(asciiBytes(text), { urlsafe: true, pad: true });
}

/**
 * CPython's `binascii.a2b_base64(data, strict_mode=False)`, optionally after
 * `urlsafe_b64decode`'s `-_` → `+/` translation and itsdangerous' `=` padding.
 * @returns the bytes, or `null` where Python raises `binascii.Error`
 */
export function a2bBase64(ascii: Uint8Array, options: { urlsafe: boolean; pad: boolean }): Uint8Array | null {
  const table = options.urlsafe ? URLSAFE_SEXTET : SEXTET;
  const end = options.pad ? ascii.length + ((4 - (ascii.length % 4)) % 4) : ascii.length;
  const out = new Uint8Array(Math.floor((end + 3) / 4) * 3);
  let n = 0;
  let quadPos = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < end; i++) {
    const c = i < ascii.length ? (ascii[i] as number) : PAD;
    if (c === PAD) {
      // binascii: a pad counts only after two data characters of the quad; a full pad sequence ends the input.
      if (quadPos >= 2 && quadPos + ++pads >= 4) return out.subarray(0, n);
      continue;
    }
    const v = table[c] as number;
    if (v >= 64) continue;
    pads = 0;
    if (quadPos === 0) {
      left = v;
      quadPos = 1;
    } else if (quadPos === 1) {
      out[n++] = (left << 2) | (v >> 4);
      left = v & 0x0f;
      quadPos = 2;
    } else if (quadPos === 2) {
      out[n++] = ((left << 4) | (v >> 2)) & 0xff;
      left = v & 0x03;
      quadPos = 3;
    } else {
      out[n++] = ((left << 6) | v) & 0xff;
      quadPos = 0;
    }
  }
  return quadPos === 0 ? out.subarray(0, n) : null;
}

/** `want_bytes(text, encoding="ascii", errors="ignore")`: every non-ASCII character dropped. */
function asciiBytes(text: string | Uint8Array): Uint8Array {
  if (typeof text !== "string") return text;
  const out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) out[n++] = c;
  }
  return out.subarray(0, n);
}

/** `int_to_bytes`: the big-endian unsigned 64-bit form with leading zero bytes stripped. */
export function intToBytes(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AuthError("AUTH_INVALID_OPTION", "a signing time is a whole number of seconds >= 0");
  }
  const out: number[] = [];
  for (let v = BigInt(value); v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Uint8Array.from(out);
}

/**
 * `bytes_to_int`: big-endian unsigned, at most 8 bytes (Python's `struct.unpack(">Q", ...)`
 * raises for more). @returns the integer, or `null` for more than 8 bytes
 */
export function bytesToInt(bytes: Uint8Array): bigint | null {
  if (bytes.length > 8) return null;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}
