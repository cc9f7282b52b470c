/**
 * The encoder's memo by object identity (object → memo index), as a few small Maps.
 *
 * Why not one Map: past ~4,000 entries a Map's table outgrows V8's regular object size and
 * every growth allocates it in the large-object space (fresh pages each time), which makes
 * inserts into one large Map many times dearer than into a small one. Shards of 4,096 entries
 * stay small; lookups check the newest
 * shard first (recent objects are the ones referenced again: self references, siblings).
 * Past MAX_SHARDS the rest goes into one Map, so a lookup never checks more than
 * MAX_SHARDS + 1 tables.
 */

const SHARD_ENTRIES = 4096;
const MAX_SHARDS = 16;

export class IdentityMemo {
  private readonly shards: Map<object, number>[];
  private current: Map<object, number>;
  private overflow: Map<object, number> | null = null;

  constructor() {
    this.current = new Map();
    this.shards = [this.current];
  }

  /** The memo index recorded for `obj` (the latest one if recorded twice), or undefined. */
  get(obj: object): number | undefined {
    if (this.overflow !== null) {
      const v = this.overflow.get(obj);
      if (v !== undefined) return v;
    }
    const shards = this.shards;
    for (let i = shards.length - 1; i >= 0; i--) {
      const v = (shards[i] as Map<object, number>).get(obj);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  set(obj: object, index: number): void {
    if (this.overflow !== null) {
      this.overflow.set(obj, index);
      return;
    }
    if (this.current.size >= SHARD_ENTRIES) {
      if (this.shards.length >= MAX_SHARDS) {
        this.overflow = new Map([[obj, index]]);
        return;
      }
      this.current = new Map();
      this.shards.push(this.current);
    }
    this.current.set(obj, index);
  }
}
