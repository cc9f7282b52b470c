/**
 * Output buffer of the flat encoder: one-line `ensure_ascii` JSON is ASCII, so it is
 * written byte by byte into a reused buffer (no string ropes to flatten), and handed out
 * either as a flat string or, for hashing, as the very bytes (ASCII = its UTF-8).
 * Text that may not be ASCII (a fallback's raw output, e.g. a `PyDecimal`'s text) is kept
 * aside as a string at its position, so nothing is ever re-encoded lossily.
 */
import { Buffer } from "node:buffer";

/** First buffer size, bytes; grows by doubling. */
const INITIAL_BYTES = 4096;
/** A buffer grown beyond this is dropped after use rather than kept for the next call. */
const KEEP_BYTES = 1 << 20;
/** Worst case bytes per UTF-16 code unit of a quoted string (`\uXXXX`). */
const MAX_ESCAPE_BYTES = 6;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const FIRST_PRINTABLE = 0x20;
const LAST_ASCII_PRINTABLE = 0x7e;
const FIRST_NON_ASCII = 0x80;
const HEX = "0123456789abcdef";
/** simplejson's two-character escapes, by code unit (others get `\uXXXX`). */
const SHORT_ESCAPE_LETTER: Readonly<Record<number, number>> = {
  8: 0x62, // \b
  9: 0x74, // \t
  10: 0x6e, // \n
  12: 0x66, // \f
  13: 0x72, // \r
  34: QUOTE,
  92: BACKSLASH,
};

/** 1 for the ASCII code units `encode_basestring_ascii` copies as they are. */
const PLAIN = new Uint8Array(FIRST_NON_ASCII);
for (let c = FIRST_PRINTABLE; c <= LAST_ASCII_PRINTABLE; c++)
  PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** A string written as is at byte offset `at` (it may hold non-ASCII characters). */
interface Aside {
  at: number;
  text: string;
}

/**
 * ASCII text packed as little-endian 32-bit words (the last one zero-padded), which
 * {@link AsciiWriter.words} copies four bytes at a time: member prefixes (`, "key": `)
 * make up most of a query key's bytes.
 */
export function asciiWords(s: string): Int32Array {
  const words = new Int32Array((s.length + 3) >> 2);
  for (let i = 0; i < s.length; i++)
    words[i >> 2] = (words[i >> 2] as number) | (s.charCodeAt(i) << ((i & 3) * 8));
  return words;
}

function viewOf(buf: Buffer): DataView {
  return new DataView(buf.buffer, buf.byteOffset, buf.length);
}

export class AsciiWriter {
  buf: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  /** `buf` for the 32-bit stores of {@link words}. */
  view: DataView = viewOf(this.buf);
  pos = 0;
  asides: Aside[] | null = null;

  reset(): void {
    if (this.buf.length > KEEP_BYTES) {
      this.buf = Buffer.allocUnsafe(INITIAL_BYTES);
      this.view = viewOf(this.buf);
    }
    this.pos = 0;
    this.asides = null;
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = viewOf(next);
  }

  byte(c: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = c;
  }

  /** `s` known to be ASCII (our own number texts, quoted keys, separators). */
  ascii(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /**
   * `length` ASCII bytes packed by {@link asciiWords}. Whole words are stored, so up to 3
   * padding bytes land past the end; the next write overwrites them.
   */
  words(words: Int32Array, length: number): void {
    const n = words.length;
    if (this.pos + n * 4 > this.buf.length) this.grow(n * 4);
    const view = this.view;
    const p = this.pos;
    for (let i = 0; i < n; i++) view.setInt32(p + i * 4, words[i] as number, true);
    this.pos = p + length;
  }

  /** Text of unknown content, written as is (set aside when not ASCII). */
  raw(s: string): void {
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) >= FIRST_NON_ASCII) {
        if (this.asides === null) this.asides = [];
        this.asides.push({ at: this.pos, text: s });
        return;
      }
    }
    this.ascii(s);
  }

  /** `"…"` exactly as simplejson's `encode_basestring_ascii` writes `s`. */
  quoted(s: string): void {
    const n = s.length;
    if (this.pos + n * MAX_ESCAPE_BYTES + 2 > this.buf.length) this.grow(n * MAX_ESCAPE_BYTES + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < FIRST_NON_ASCII && PLAIN[c] === 1) {
        buf[p++] = c;
        continue;
      }
      buf[p++] = BACKSLASH;
      const letter = SHORT_ESCAPE_LETTER[c];
      if (letter !== undefined) {
        buf[p++] = letter;
        continue;
      }
      buf[p++] = 0x75; // u
      buf[p++] = HEX.charCodeAt(c >> 12);
      buf[p++] = HEX.charCodeAt((c >> 8) & 0xf);
      buf[p++] = HEX.charCodeAt((c >> 4) & 0xf);
      buf[p++] = HEX.charCodeAt(c & 0xf);
    }
    buf[p++] = QUOTE;
    this.pos = p;
  }

  /** The output as a string. */
  text(): string {
    if (this.asides === null) return this.buf.toString("latin1", 0, this.pos);
    let out = "";
    let from = 0;
    for (const { at, text } of this.asides) {
      out += this.buf.toString("latin1", from, at) + text;
      from = at;
    }
    return out + this.buf.toString("latin1", from, this.pos);
  }

  /** The output's UTF-8 bytes (a view, valid until the next write), or its text when set-aside text is present. */
  utf8(): Uint8Array | string {
    return this.asides === null
      ? new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos)
      : this.text();
  }
}
