/**
 * Member order of plain objects, cached per key list ("shape"). Chart-query dicts come in a
 * handful of shapes that repeat on every call, so the sorted order (and each key's quoted
 * form) is worked out once per shape; a later object with the same keys in the same order
 * pays one map lookup and one identity check per key instead of a sort.
 */
import { type KeyInfo, keyInfo } from "./key-info.js";
import { compareCodePoints } from "./key-order.js";

/** The order to write an object's members in. */
export interface MemberOrder {
  /** Each member's key information, in writing order. */
  readonly members: readonly KeyInfo[];
  /** `index[i]`: position of the i-th written member in `Object.keys`/`Object.values` order. */
  readonly index: Int32Array;
}

interface Shape {
  /** The object's own keys in enumeration order (`Object.keys`). */
  readonly keys: readonly string[];
  readonly inOrder: MemberOrder;
  /** Members in Python's `sorted()` order of the keys; computed on first use. */
  sorted: MemberOrder | null;
}

/** Shapes kept per first key; a new one replaces the oldest. */
const SHAPES_PER_FIRST_KEY = 8;
/** Bound on all shapes; the cache is emptied when full (hostile key streams stay bounded). */
const SHAPE_LIMIT = 2048;
/** Up to this many keys an insertion sort beats the built-in sort (measured on query dicts). */
const INSERTION_SORT_MAX = 32;

const shapesByFirstKey = new Map<string, Shape[]>();
let shapeCount = 0;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  const n = a.length;
  if (b.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function identity(n: number): Int32Array {
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  return index;
}

function shapeOf(keys: readonly string[]): Shape {
  const first = keys[0] as string;
  let list = shapesByFirstKey.get(first);
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++) {
      const shape = list[i] as Shape;
      if (sameKeys(shape.keys, keys)) return shape;
    }
  }
  if (shapeCount >= SHAPE_LIMIT) {
    shapesByFirstKey.clear();
    shapeCount = 0;
    list = undefined;
  }
  const members = new Array<KeyInfo>(keys.length);
  for (let i = 0; i < keys.length; i++) members[i] = keyInfo(keys[i] as string);
  const shape: Shape = { keys, inOrder: { members, index: identity(keys.length) }, sorted: null };
  if (list === undefined) {
    shapesByFirstKey.set(first, [shape]);
  } else if (list.length < SHAPES_PER_FIRST_KEY) {
    list.push(shape);
  } else {
    list.shift();
    list.push(shape);
    shapeCount--;
  }
  shapeCount++;
  return shape;
}

/**
 * How to write an object whose `Object.keys` are `keys` (non-empty): in enumeration order
 * or, with `sorted`, in Python's code-point order of the keys.
 * `keys` is kept by the cache: the caller must not change it afterwards.
 */
export function memberOrder(keys: readonly string[], sorted: boolean): MemberOrder {
  const shape = shapeOf(keys);
  if (!sorted) return shape.inOrder;
  if (shape.sorted === null) shape.sorted = sortedOrder(shape.inOrder.members);
  return shape.sorted;
}

function byCodePoint(a: number, b: number, infos: readonly KeyInfo[]): number {
  return compareCodePoints((infos[a] as KeyInfo).key, (infos[b] as KeyInfo).key);
}

/** Enumeration positions sorted in Python's `sorted()` order of their keys. */
function sortedOrder(inOrder: readonly KeyInfo[]): MemberOrder {
  const n = inOrder.length;
  const positions = Array.from({ length: n }, (_, i) => i);
  if (n > INSERTION_SORT_MAX || inOrder.some((info) => info.codePointOrder)) {
    positions.sort((a, b) => byCodePoint(a, b, inOrder));
  } else {
    // No surrogates or U+E000+ in any key: UTF-16 order is code-point order.
    for (let i = 1; i < n; i++) {
      const x = positions[i] as number;
      const key = (inOrder[x] as KeyInfo).key;
      let j = i - 1;
      while (j >= 0 && (inOrder[positions[j] as number] as KeyInfo).key > key) {
        positions[j + 1] = positions[j] as number;
        j--;
      }
      positions[j + 1] = x;
    }
  }
  return {
    members: positions.map((p) => inOrder[p] as KeyInfo),
    index: Int32Array.from(positions),
  };
}
