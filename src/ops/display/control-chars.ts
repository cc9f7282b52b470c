/**
 * Control-character escaping for anything a cached key or value puts in front of a person: C0 and
 * C1 controls (terminal escape sequences), DEL, and the Unicode format characters that reorder or
 * hide text (bidi overrides, zero-width characters). The CLI escapes its output with it and the
 * web inspector its key names, so a stored key cannot move a cursor or disguise itself.
 */

/** C0 and C1 controls, DEL, and the Unicode format characters that reorder or hide text. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;
const CONTROL_EXCEPT_NEWLINE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped.
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with control and format characters shown as `\xNN` / `\uNNNN` (newlines too unless `keepNewlines`). */
export function escapeControl(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROL_EXCEPT_NEWLINE : CONTROL, escapeChar);
}
