/**
 * Superset's permalink keys (`superset/key_value/utils.py`): the `key_value` row id as a
 * Hashids string, `Hashids(salt, min_length=11)`. The `hashids` npm package produces the same
 * strings as Python's `hashids` 1.3 (checked on thousands of random salts and ids).
 */
import Hashids from "hashids";
import { AuthError } from "./errors.js";

/** `HASHIDS_MIN_LENGTH`. */
export const HASHIDS_MIN_LENGTH = 11;

let cached: { salt: string; hashids: Hashids } | undefined;

function hashidsFor(salt: string): Hashids {
  // One salt per permalink kind: keeping the last one built saves re-shuffling the alphabet.
  if (cached?.salt !== salt) cached = { salt, hashids: new Hashids(salt, HASHIDS_MIN_LENGTH) };
  return cached.hashids;
}

/**
 * `encode_permalink_key(key, salt)`.
 * @throws AuthError `AUTH_INVALID_OPTION` for an id that is not a non-negative integer
 */
export function encodePermalinkKey(id: number | bigint, salt: string): string {
  if (typeof id === "number" ? !Number.isSafeInteger(id) || id < 0 : id < 0n) {
    throw new AuthError("AUTH_INVALID_OPTION", "a permalink id is a non-negative integer");
  }
  return hashidsFor(salt).encode(id);
}

/**
 * `decode_permalink_id(key, salt)`.
 * @returns the row id, or `null` where Superset raises `KeyValueParseKeyError` (not exactly one
 *   id, characters outside the alphabet, or a key that does not re-encode to itself)
 */
export function decodePermalinkId(key: string, salt: string): number | bigint | null {
  let ids: (number | bigint)[];
  try {
    ids = hashidsFor(salt).decode(key);
  } catch {
    return null;
  }
  return ids.length === 1 ? (ids[0] as number | bigint) : null;
}
