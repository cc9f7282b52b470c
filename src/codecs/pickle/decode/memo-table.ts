/**
 * The dense part of the unpickler's memo: slots 0..length-1 in fixed-size chunks.
 *
 * Why chunks: one big array of ~100k slots lives in V8's large-object space, and every
 * append of a freshly decoded value into it is an old-to-new store that the write barrier
 * records and each scavenge walks again; growing it also copies the whole array. Chunks of
 * 4096 slots are ordinary heap objects that are written once, which keeps MEMOIZE cheap on
 * large pickles of dicts. The first chunk grows by push, so a small pickle
 * allocates no more than a plain array would.
 */
import type { PyValue } from "../../../python/values.js";

const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

export class MemoTable {
  /** chunks[0] grows by push up to CHUNK slots; later chunks are allocated whole. */
  private readonly chunks: (PyValue | undefined)[][];
  private readonly first: (PyValue | undefined)[] = [];
  /** Slots 0..length-1 exist (a slot never set reads as undefined). */
  length = 0;

  constructor() {
    this.chunks = [this.first];
  }

  /** The value in slot `i`, or undefined when the slot is empty or past the end. */
  get(i: number): PyValue | undefined {
    if (i >= this.length) return undefined;
    return (this.chunks[i >>> CHUNK_BITS] as (PyValue | undefined)[])[i & CHUNK_MASK];
  }

  /** Store into slot `length` (MEMOIZE and sequential PUTs). */
  push(v: PyValue): void {
    const i = this.length;
    if (i < CHUNK) this.first.push(v);
    else {
      const k = i & CHUNK_MASK;
      if (k === 0) this.chunks.push(new Array(CHUNK));
      (this.chunks[i >>> CHUNK_BITS] as (PyValue | undefined)[])[k] = v;
    }
    this.length = i + 1;
  }

  /** Store into slot `i`, extending the table with empty slots when `i >= length`. */
  set(i: number, v: PyValue): void {
    while (this.length < i) this.pushEmpty();
    if (i === this.length) {
      this.push(v);
      return;
    }
    (this.chunks[i >>> CHUNK_BITS] as (PyValue | undefined)[])[i & CHUNK_MASK] = v;
  }

  private pushEmpty(): void {
    const i = this.length;
    if (i < CHUNK) this.first.push(undefined);
    else if ((i & CHUNK_MASK) === 0) this.chunks.push(new Array(CHUNK));
    this.length = i + 1;
  }
}
