/**
 * The encoder's memo by object identity (object → memo index).
 *
 * CPython memoizes every container it pickles, so each one has to be looked up once (nearly
 * always a miss) and recorded once. A Map keyed by the objects made that half of the cost of
 * encoding a JSON-like payload: tens of thousands of entries grow the table into V8's large
 * object space, and every lookup is a cache miss. Instead the memo index rides on the object
 * itself, in a private field (`#index`, added through a base-class constructor that returns
 * the object: a private field can be attached to any object this way). Private fields are
 * invisible to everything outside this module — keys, JSON, spread, structuredClone, Proxy
 * traps — and stay on the object after the call, so each field is tagged with the memo it
 * belongs to (`#memo`, a number unique to each `IdentityMemo`): a tag of an earlier `dumps`
 * reads as a miss. One memo at a time uses the fields: a `dumps` started while another is
 * running (from a getter of a value being pickled) would overwrite the outer call's tags, so
 * it keeps its memo in a Map. An object that refuses the field (no engine we run on does; a
 * future one may refuse it on non-extensible objects) goes to a Map too.
 */

/** Serial number of the last `IdentityMemo` that used the private fields. */
let lastSerial = 0;
/** Whether an open `IdentityMemo` uses the private fields (see the module comment). */
let fieldsInUse = false;
/** `serial` of a memo that keeps everything in its Map. */
const MAP_ONLY = 0;

/** Returns `target` from `new`, so that a subclass's private fields are added to `target`. */
class FieldHost {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the point of this class (see module comment)
    return target;
  }
}

/** The private fields attached to memoized objects. */
class MemoFields extends FieldHost {
  #memo: number;
  #index: number;

  private constructor(target: object, memo: number, index: number) {
    super(target);
    this.#memo = memo;
    this.#index = index;
  }

  /** The index recorded on `obj` by memo `memo`, or undefined. */
  static read(obj: object, memo: number): number | undefined {
    if (!(#memo in obj)) return undefined;
    const fields = obj as MemoFields;
    return fields.#memo === memo ? fields.#index : undefined;
  }

  /** Records `index` on `obj` for memo `memo`; false if `obj` takes no new private field. */
  static write(obj: object, memo: number, index: number): boolean {
    if (#memo in obj) {
      const fields = obj as MemoFields;
      fields.#memo = memo;
      fields.#index = index;
      return true;
    }
    try {
      new MemoFields(obj, memo, index);
      return true;
    } catch {
      return false;
    }
  }
}

/** Call `close` when the pickle is written (or has failed), so the next `dumps` can use the fields. */
export class IdentityMemo {
  private readonly serial: number;
  /** Objects kept out of the private fields (see module comment); created on first need. */
  private map: Map<object, number> | undefined;

  constructor() {
    if (fieldsInUse) this.serial = MAP_ONLY;
    else {
      fieldsInUse = true;
      this.serial = ++lastSerial;
    }
  }

  /** The memo index recorded for `obj` (the latest one if recorded twice), or undefined. */
  get(obj: object): number | undefined {
    if (this.serial !== MAP_ONLY) {
      const index = MemoFields.read(obj, this.serial);
      if (index !== undefined || this.map === undefined) return index;
    }
    return this.map?.get(obj);
  }

  set(obj: object, index: number): void {
    if (this.serial !== MAP_ONLY && MemoFields.write(obj, this.serial, index)) return;
    this.map ??= new Map();
    this.map.set(obj, index);
  }

  /** Hands the private fields back (no-op for a Map-only memo, and when called again). */
  close(): void {
    if (this.serial === lastSerial && this.serial !== MAP_ONLY) fieldsInUse = false;
  }
}
