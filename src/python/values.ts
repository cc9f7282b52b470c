/**
 * JS representations of Python values that have no native JS equivalent.
 *
 * Mapping: None→null, bool→boolean, int→number (bigint beyond 2^53),
 * float→number (or `PyFloat` under `exactNumbers`), str→string (or `PyStr` under `exact`),
 * bytes→Uint8Array, bytearray→`PyBytearray`, list→array, tuple→`PyTuple` (an Array subclass), dict→object
 * with a null prototype when every key is a str (else a `Map`), set→Set,
 * frozenset→`PyFrozenSet`, DataFrame→Arrow `Table`, and the classes below.
 * These classes are plain data: constructing one never runs Python semantics beyond
 * field validation, and nothing here is ever called by the decoder on untrusted input.
 */
import type { Table } from "apache-arrow";
import { CacheArgumentError } from "../core/errors.js";

/** A Python float whose value is integral (e.g. `2.0`), kept distinct from int under `exactNumbers`. */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/**
 * A Python str that a JS string cannot hold exactly: one whose code points include surrogates
 * (U+D800–U+DFFF, which pickle writes "surrogatepass"). A JS string merges a high surrogate
 * followed by a low one into one astral character; Python keeps them as two code points.
 * `pickle.loads(…, { exact: true })` returns this for every str carrying an encoded surrogate,
 * and `pickle.dumps` writes the same bytes back. `toString()` gives the (lossy) JS string.
 */
export class PyStr {
  /** @param codePoints the str's code points, 0–0x10FFFF, surrogates included, in order */
  constructor(readonly codePoints: readonly number[]) {}
  /** The JS string of the code points; adjacent high + low surrogates read as one character. */
  toString(): string {
    let out = "";
    for (const cp of this.codePoints) out += String.fromCodePoint(cp);
    return out;
  }
}

/** A Python tuple. `Array.isArray` is true; `map`/`filter` return plain arrays. */
export class PyTuple<T = PyValue> extends Array<T> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  /** Build a tuple from items (do not use `new PyTuple(n)`). */
  static fromItems<T>(items: Iterable<T>): PyTuple<T> {
    // Pre-sized construction + index stores: push() on an Array subclass is far slower in V8.
    const arr = Array.isArray(items) ? (items as T[]) : [...items];
    const n = arr.length;
    const t = n === 0 ? new PyTuple<T>() : new PyTuple<T>(n);
    for (let i = 0; i < n; i++) t[i] = arr[i] as T;
    return t;
  }
}

/** A Python bytearray (mutable bytes); a Uint8Array so it can be used as bytes. */
export class PyBytearray extends Uint8Array {}

/** A Python frozenset. */
export class PyFrozenSet<T = PyValue> extends Set<T> {}

/** A Python tzinfo: fixed offset (`datetime.timezone`, pytz FixedOffset), UTC, or a named IANA zone. */
export class PyTzInfo {
  /**
   * @param kind which Python class it came from
   * @param offsetSeconds UTC offset in seconds when known from the pickle (fixed zones, pytz `_p` args), else null
   * @param name IANA key (`zoneinfo`, pytz) or the `timezone` name argument, else null
   * @param module the Python module/class that produced it, for faithful re-encoding (e.g. `pytz._UTC`)
   */
  constructor(
    readonly kind: "utc" | "fixed" | "zoneinfo" | "pytz" | "dateutil" | "other",
    readonly offsetSeconds: number | null,
    readonly name: string | null = null,
    readonly module: string | null = null,
    /** Extra fields (pytz `_p` dst seconds and tzname; timezone offset microseconds). */
    readonly extra: Readonly<Record<string, PyValue>> = {},
  ) {}
}

/** `datetime.date` */
export class PyDate {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}
  /** `YYYY-MM-DD`, as Python's `isoformat()`. */
  isoformat(): string {
    return `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }
  toString(): string {
    return this.isoformat();
  }
}

/** `datetime.time` */
export class PyTime {
  constructor(
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly microsecond: number,
    readonly tzinfo: PyTzInfo | null = null,
    readonly fold: 0 | 1 = 0,
  ) {}
  /** As Python's `isoformat()` for a naive time (the offset is appended when it is fixed and known). */
  isoformat(): string {
    let s = `${pad(this.hour, 2)}:${pad(this.minute, 2)}:${pad(this.second, 2)}`;
    if (this.microsecond) s += `.${pad(this.microsecond, 6)}`;
    return s + formatOffset(this.tzinfo);
  }
  toString(): string {
    return this.isoformat();
  }
}

/** `datetime.datetime`. Aware values keep local wall-clock fields, as Python does. */
export class PyDatetime {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour = 0,
    readonly minute = 0,
    readonly second = 0,
    readonly microsecond = 0,
    readonly tzinfo: PyTzInfo | null = null,
    readonly fold: 0 | 1 = 0,
  ) {}
  /** Python's `isoformat()` (`sep='T'`); the offset is appended when the zone's offset is known. */
  isoformat(sep = "T"): string {
    const d = `${pad(this.year, 4)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
    let t = `${pad(this.hour, 2)}:${pad(this.minute, 2)}:${pad(this.second, 2)}`;
    if (this.microsecond) t += `.${pad(this.microsecond, 6)}`;
    return d + sep + t + formatOffset(this.tzinfo);
  }
  /**
   * Milliseconds since the epoch. Naive values are read as UTC; aware values subtract the
   * known offset.
   * @throws CacheArgumentError `DATETIME_OFFSET_UNKNOWN` for a named zone whose offset is not in the pickle
   */
  toEpochMillis(): number {
    const wall = Date.UTC(this.year, this.month - 1, this.day, this.hour, this.minute, this.second);
    const base = this.year < 100 ? shiftSmallYear(wall, this.year) : wall;
    const off = this.tzinfo ? this.tzinfo.offsetSeconds : 0;
    if (off === null)
      throw new CacheArgumentError(
        "DATETIME_OFFSET_UNKNOWN",
        `offset of zone ${this.tzinfo?.name ?? "?"} is not known`,
      );
    return base - off * 1000 + Math.floor(this.microsecond / 1000);
  }
  toString(): string {
    return this.isoformat(" ");
  }
}

/** `datetime.timedelta`, normalised as Python does: 0 ≤ seconds < 86400, 0 ≤ microseconds < 10^6. */
export class PyTimedelta {
  constructor(
    readonly days: number,
    readonly seconds: number,
    readonly microseconds: number,
  ) {}
  /** Total seconds as a float, as Python's `total_seconds()`. */
  totalSeconds(): number {
    return this.days * 86400 + this.seconds + this.microseconds / 1e6;
  }
}

/** `decimal.Decimal`, kept as its exact `str()` text (e.g. `"1.10"`, `"NaN"`, `"1E+999999"`). */
export class PyDecimal {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** `uuid.UUID`, as 32 lowercase hex digits. */
export class PyUUID {
  constructor(readonly hex: string) {}
  /** The canonical 8-4-4-4-12 form, as Python's `str(uuid)`. */
  toString(): string {
    const h = this.hex;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/** `complex` */
export class PyComplex {
  constructor(
    readonly real: number,
    readonly imag: number,
  ) {}
}

/** An enum member (`EnumClass.NAME`). `value` is known when the pickle carried it. */
export class PyEnum {
  constructor(
    readonly module: string,
    readonly qualname: string,
    readonly name: string | null,
    readonly value: PyValue | undefined,
  ) {}
}

/** numpy `datetime64` / `timedelta64` scalar, or a pandas `Timestamp` (unit `ns`, `tz` set when aware). */
export class PyDatetime64 {
  constructor(
    readonly kind: "datetime64" | "timedelta64" | "Timestamp" | "Timedelta",
    /** Count of `unit` since the epoch (UTC for aware Timestamps). */
    readonly value: bigint,
    readonly unit: string,
    readonly tz: PyTzInfo | null = null,
  ) {}
}

/** pandas `NaT` and `NA` sentinels. */
export class PySentinel {
  private constructor(readonly name: "NaT" | "NA") {}
  static readonly NaT = new PySentinel("NaT");
  static readonly NA = new PySentinel("NA");
}

/**
 * An inert placeholder for a global outside the whitelist (or an object built from one).
 * Records what Python would have called, never calls it.
 */
export class PyObject {
  constructor(
    readonly module: string,
    readonly name: string,
    /** Positional arguments of REDUCE/NEWOBJ, when the object was built. */
    readonly args: readonly PyValue[] | null = null,
    /** BUILD state, when present. */
    public state: PyValue | undefined = undefined,
    /** Keyword arguments of NEWOBJ_EX, when present. */
    readonly kwargs: PyValue | undefined = undefined,
    /** Items appended (APPEND/APPENDS) or set (SETITEM/SETITEMS) onto the object, in order. */
    readonly listItems: PyValue[] = [],
    readonly dictItems: [PyValue, PyValue][] = [],
  ) {}
  /**
   * How Python built it: `"reduce"` (`cls(*args)`, REDUCE) or `"newobj"` (`cls.__new__(cls,
   * *args)`, NEWOBJ/NEWOBJ_EX). `pickle.dumps` re-emits the same opcode. Default `"reduce"`.
   */
  call: "reduce" | "newobj" = "reduce";
  /** `module.name` */
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A `collections.OrderedDict` (a `Map`, so insertion order is kept; pickled as OrderedDict). */
export class PyOrderedDict<K = PyValue, V = PyValue> extends Map<K, V> {}

/** Any value the pickle codec produces or accepts. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyStr
  | Uint8Array
  | PyFloat
  | PyValue[]
  | { [key: string]: PyValue }
  | Map<PyValue, PyValue>
  | Set<PyValue>
  | PyDate
  | PyTime
  | PyDatetime
  | PyTimedelta
  | PyTzInfo
  | PyDecimal
  | PyUUID
  | PyComplex
  | PyEnum
  | PyDatetime64
  | PySentinel
  | PyObject
  | Table;

/**
 * What `Cache.set` (and `getOrSet`, `memoize`) accept for a value of type `T`: any `PyValue`,
 * a JS `Date` (stored as an aware UTC `datetime`), and objects and arrays built from those —
 * including ones typed by an `interface` (which, having no index signature, is not assignable
 * to `PyValue`'s dict member). `undefined` object members are dropped as `JSON.stringify` does.
 * Functions, symbols and class instances other than the value classes resolve to `never`.
 */
export type Storable<T> = T extends PyValue | Date | undefined
  ? T
  : T extends (...args: never[]) => unknown
    ? never
    : T extends object
      ? { [K in keyof T]: Storable<T[K]> }
      : never;

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function shiftSmallYear(ms: number, year: number): number {
  // Date.UTC maps years 0–99 to 1900–1999.
  const d = new Date(ms);
  d.setUTCFullYear(year);
  return d.getTime();
}

function formatOffset(tz: PyTzInfo | null): string {
  if (!tz || tz.offsetSeconds === null) return "";
  let off = tz.offsetSeconds;
  const sign = off < 0 ? "-" : "+";
  off = Math.abs(off);
  const h = Math.floor(off / 3600);
  const m = Math.floor((off % 3600) / 60);
  const s = off % 60;
  return `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ""}`;
}
