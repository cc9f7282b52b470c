/**
 * Large typed arrays without zero-filling, only for buffers that are overwritten completely
 * before anything can read them (copies of numpy blocks, rebased offsets, the str-cell scan's
 * value buffer and offsets, whose unused tails the scan zeroes when it succeeds), so no stale
 * process memory is ever reachable from a decoded value. When the allocator reuses freed
 * memory, the zero fill would be a wasted pass over megabytes per DataFrame. On Node,
 * `Buffer.allocUnsafeSlow` gives an ArrayBuffer of its own (offset 0, so aligned for any element
 * size) without the fill.
 */

const unsafeAlloc: ((bytes: number) => Uint8Array) | null =
  typeof Buffer === "function" && typeof Buffer.allocUnsafeSlow === "function"
    ? (bytes) => Buffer.allocUnsafeSlow(bytes)
    : null;

/** A fresh ArrayBuffer of exactly `bytes` bytes whose contents are unspecified. */
export function uninitArrayBuffer(bytes: number): ArrayBuffer {
  if (unsafeAlloc !== null) {
    const b = unsafeAlloc(bytes);
    if (b.byteOffset === 0 && b.buffer.byteLength === bytes) return b.buffer as ArrayBuffer;
  }
  return new ArrayBuffer(bytes);
}

/** A copy of `src` in a fresh, exactly sized buffer (a memcpy, no zero fill first). */
export function copyBytes(src: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(uninitArrayBuffer(src.length));
  out.set(src);
  return out;
}

/** A fresh Int32Array of `n` elements whose contents are unspecified. */
export function uninitInt32(n: number): Int32Array<ArrayBuffer> {
  return new Int32Array(uninitArrayBuffer(4 * n));
}
