/**
 * Node's native `Buffer#utf8Slice` / `Buffer#latin1Slice`, called on any Uint8Array: they make a
 * string from a byte range without a view object or a TextDecoder call (fast for short strings).
 * `null` outside Node; callers then use TextDecoder.
 */
type Slice = (this: Uint8Array, start: number, end: number) => string;

function bufferMethod(name: "utf8Slice" | "latin1Slice"): Slice | null {
  if (typeof Buffer !== "function") return null;
  const method = (Buffer.prototype as unknown as Record<string, unknown>)[name];
  return typeof method === "function" ? (method as Slice) : null;
}

/** UTF-8 decode without validation: only for bytes already checked to be valid UTF-8. */
export const nodeUtf8Slice: Slice | null = bufferMethod("utf8Slice");
/** Latin-1 decode: exact for ASCII bytes. */
export const nodeAsciiSlice: Slice | null = bufferMethod("latin1Slice");
