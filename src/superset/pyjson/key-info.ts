/**
 * What is known about a `str` dict key, cached across `dumps` calls because chart-query
 * keys repeat (`columns`, `extras`, …): its ASCII-quoted form and whether UTF-16 order
 * can differ from Python's code-point order for it.
 */
import { quoteAscii } from "./string-escape.js";

export interface KeyInfo {
  key: string;
  /** `quoteAscii(key)`. */
  quoted: string;
  /** The key has a code unit >= U+D800, so `<` on it may disagree with code-point order. */
  codePointOrder: boolean;
  /** `quoted + ": "`: a first member with simplejson's default separators. */
  first: string;
  /** `", " + quoted + ": "`: any later member with the default separators. */
  next: string;
}

/** Bound on the cache; it is emptied when full (hostile key streams stay bounded). */
const KEY_INFO_CACHE_LIMIT = 4096;
// Keys with a code unit >= U+D800 are the only ones whose UTF-16 order differs from Python's.
const NEEDS_CODE_POINT_ORDER = /[\ud800-\uffff]/;
const keyInfos = new Map<string, KeyInfo>();

/** The (cached) {@link KeyInfo} of `key`. */
export function keyInfo(key: string): KeyInfo {
  let info = keyInfos.get(key);
  if (info === undefined) {
    if (keyInfos.size >= KEY_INFO_CACHE_LIMIT) keyInfos.clear();
    const quoted = quoteAscii(key);
    info = {
      key,
      quoted,
      codePointOrder: NEEDS_CODE_POINT_ORDER.test(key),
      first: `${quoted}: `,
      next: `, ${quoted}: `,
    };
    keyInfos.set(key, info);
  }
  return info;
}
