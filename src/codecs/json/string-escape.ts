/**
 * simplejson's string quoting. With `ensure_ascii` every code unit outside 0x20–0x7E
 * (so also 0x7F) becomes `\uXXXX` in lowercase hex; astral characters come out as their
 * UTF-16 surrogate pair, which is exactly the JS string's code units, and lone surrogates
 * are escaped as themselves, as Python does. Without `ensure_ascii` only `"`, `\` and
 * C0 controls are escaped.
 */

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  8: "\\b",
  9: "\\t",
  10: "\\n",
  12: "\\f",
  13: "\\r",
  34: '\\"',
  92: "\\\\",
};

const FIRST_NON_ASCII = 0x7f;
const FIRST_PRINTABLE = 0x20;
// Fast paths: strings needing no escape at all are by far the most common in keys.
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: C0 controls are exactly what must be escaped.
const PLAIN_UNICODE = /^[^\x00-\x1f"\\]*$/;

function unicodeEscape(unit: number): string {
  return `\\u${unit.toString(16).padStart(4, "0")}`;
}

/** `"…"` as simplejson's `encode_basestring_ascii` writes it (pure ASCII output). */
export function quoteAscii(s: string): string {
  if (PLAIN_ASCII.test(s)) return `"${s}"`;
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= FIRST_PRINTABLE && c < FIRST_NON_ASCII && c !== 0x22 && c !== 0x5c) continue;
    if (i > runStart) out += s.slice(runStart, i);
    out += SHORT_ESCAPES[c] ?? unicodeEscape(c);
    runStart = i + 1;
  }
  if (runStart < s.length) out += s.slice(runStart);
  return `${out}"`;
}

/** `"…"` as simplejson's `encode_basestring` writes it (`ensure_ascii=False`). */
export function quoteUnicode(s: string): string {
  if (PLAIN_UNICODE.test(s)) return `"${s}"`;
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= FIRST_PRINTABLE && c !== 0x22 && c !== 0x5c) continue;
    if (i > runStart) out += s.slice(runStart, i);
    out += SHORT_ESCAPES[c] ?? unicodeEscape(c);
    runStart = i + 1;
  }
  if (runStart < s.length) out += s.slice(runStart);
  return `${out}"`;
}
