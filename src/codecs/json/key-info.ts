/**
 * What is known about a `str` dict key, cached across `dumps` calls because chart-query
 * keys repeat (`columns`, `extras`, …): its ASCII-quoted form (also as a member prefix
 * ready to copy into the output) and whether UTF-16 order can differ from Python's
 * code-point order for it.
 */
import { asciiWords } from "./ascii-writer.js";
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
  /** {@link first} packed by `asciiWords` for the writer. */
  firstWords: Int32Array;
  /** {@link next} packed by `asciiWords` for the writer. */
  nextWords: Int32Array;
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
    const first = `${quoted}: `;
    const next = `, ${quoted}: `;
    info = {
      key,
      quoted,
      codePointOrder: NEEDS_CODE_POINT_ORDER.test(key),
      first,
      next,
      firstWords: asciiWords(first),
      nextWords: asciiWords(next),
    };
    keyInfos.set(key, info);
  }
  return info;
}
