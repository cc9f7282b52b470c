/**
 * The encoder's memo by object identity (object → memo index).
 *
 * One Map: most lookups are misses (each container is looked up once before it is memoized),
 * and a miss costs one hash probe. Splitting the memo into several small Maps (to keep each
 * table out of V8's large-object space) made every miss probe each of them, which measured 2–3×
 * slower than the one Map's growth at 30k–600k entries.
 */
export class IdentityMemo {
  private readonly map = new Map<object, number>();

  /** The memo index recorded for `obj` (the latest one if recorded twice), or undefined. */
  get(obj: object): number | undefined {
    return this.map.get(obj);
  }

  set(obj: object, index: number): void {
    this.map.set(obj, index);
  }
}
