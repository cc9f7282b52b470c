/**
 * itsdangerous' `Signer` and `TimestampSigner` (signer.py, timed.py) with `key_derivation="hmac"`:
 * the signing key is HMAC(secret, salt), the signature HMAC(signing key, value), base64url
 * without padding after a `.`. Several secret keys are tried newest first (key rotation);
 * signatures are compared in constant time. Flask's cookie session and Flask-Session's signed
 * session ids both use it.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { AuthError } from "../errors.js";
import { base64Decode, base64Encode, bytesToInt, intToBytes } from "./itsdangerous-base64.js";

/** A secret as Flask holds it: text (UTF-8 encoded, as `want_bytes`) or bytes. */
export type SecretKey = string | Uint8Array;

/** Hash functions itsdangerous signers use here (`hashlib.sha1` is Flask's and Flask-Session's). */
export type SignerDigest = "sha1" | "sha256" | "sha512";

const SEP = 0x2e; // "."
const utf8 = new TextEncoder();

/** UTF-8 bytes of a text value, or the bytes themselves (itsdangerous' `want_bytes`). */
export function wantBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === "string" ? utf8.encode(value) : value;
}

/** Why a timestamped value was refused. */
export type UnsignFailure = "bad-signature" | "malformed-timestamp" | "expired" | "future";

/** A verified timestamped value. */
export interface TimestampUnsigned {
  value: Uint8Array;
  /** When it was signed, Unix SECONDS. */
  signedAt: number;
}

/** Options of {@link ItsdangerousSigner.unsignTimestamped}. */
export interface TimestampCheck {
  /** Current time, whole Unix SECONDS. */
  now: number;
  /** Oldest accepted signature, SECONDS (`max_age`); `null` = no age check. */
  maxAgeSeconds: number | null;
  /** Tolerance for a clock that differs from the signer's, SECONDS. Default 0 (itsdangerous' rule). */
  clockSkewSeconds?: number;
}

/** `itsdangerous.Signer(secret_keys, salt, key_derivation="hmac", digest_method=…)`. */
export class ItsdangerousSigner {
  /** Derived signing keys, newest first (the order `verify_signature` tries them). */
  private readonly keys: readonly Buffer[];

  /**
   * @param secretKeys oldest to newest, as itsdangerous takes them; the last one signs
   * @throws AuthError `AUTH_SECRET_MISSING` when no key, or an empty one, is given
   */
  constructor(
    secretKeys: readonly SecretKey[],
    salt: string,
    private readonly digest: SignerDigest = "sha1",
  ) {
    if (secretKeys.length === 0 || secretKeys.some((k) => k.length === 0)) {
      throw new AuthError("AUTH_SECRET_MISSING", "a non-empty secret key is required to sign or verify");
    }
    const saltBytes = wantBytes(salt);
    this.keys = [...secretKeys]
      .reverse()
      .map((k) => createHmac(digest, wantBytes(k)).update(saltBytes).digest());
  }

  /** `sign(value)`: `value + "." + signature` with the newest key. */
  sign(value: Uint8Array): Uint8Array {
    const sig = utf8.encode(base64Encode(this.mac(this.keys[0] as Buffer, value)));
    const out = new Uint8Array(value.length + 1 + sig.length);
    out.set(value, 0);
    out[value.length] = SEP;
    out.set(sig, value.length + 1);
    return out;
  }

  /**
   * `unsign(signed)`: split at the last `.`, check the signature against every key.
   * @returns the value, or `null` for a missing separator or a signature no key made
   */
  unsign(signed: Uint8Array): Uint8Array | null {
    const dot = signed.lastIndexOf(SEP);
    if (dot < 0) return null;
    const value = signed.subarray(0, dot);
    const given = base64Decode(signed.subarray(dot + 1));
    if (given === null) return null;
    let ok = false;
    // Every key is tried even after a match, so timing says nothing about which key signed.
    for (const key of this.keys) ok = constantTimeEqual(given, this.mac(key, value)) || ok;
    return ok ? value : null;
  }

  /** `TimestampSigner.sign(value)` at `now` (whole Unix SECONDS): `value.timestamp.signature`. */
  signTimestamped(value: Uint8Array, now: number): Uint8Array {
    const ts = utf8.encode(base64Encode(intToBytes(now)));
    const joined = new Uint8Array(value.length + 1 + ts.length);
    joined.set(value, 0);
    joined[value.length] = SEP;
    joined.set(ts, value.length + 1);
    return this.sign(joined);
  }

  /**
   * `TimestampSigner.unsign(signed, max_age)`: signature first, then the timestamp; an age
   * above `maxAgeSeconds` or below zero is refused, each widened by `clockSkewSeconds`.
   */
  unsignTimestamped(signed: Uint8Array, check: TimestampCheck): TimestampUnsigned | UnsignFailure {
    const result = this.unsign(signed);
    if (result === null) return "bad-signature";
    const dot = result.lastIndexOf(SEP);
    if (dot < 0) return "malformed-timestamp";
    const tsBytes = base64Decode(result.subarray(dot + 1));
    const ts = tsBytes === null ? null : bytesToInt(tsBytes);
    if (ts === null || ts > BigInt(Number.MAX_SAFE_INTEGER)) return "malformed-timestamp";
    const signedAt = Number(ts);
    if (check.maxAgeSeconds !== null) {
      const skew = check.clockSkewSeconds ?? 0;
      const age = check.now - signedAt;
      if (age > check.maxAgeSeconds + skew) return "expired";
      if (age < -skew) return "future";
    }
    return { value: result.subarray(0, dot), signedAt };
  }

  private mac(key: Buffer, value: Uint8Array): Buffer {
    return createHmac(this.digest, key).update(value).digest();
  }
}

/** `hmac.compare_digest`: false for different lengths, else a constant-time comparison. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
