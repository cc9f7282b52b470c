/**
 * Pickling of the Python value classes (values.ts) in the exact REDUCE/NEWOBJ forms CPython
 * 3.11 writes for them, so the bytes match `pickle.dumps` where the value was built fresh:
 * datetime/date/time/timedelta/timezone, Decimal, UUID, complex, enum members, pytz and
 * zoneinfo zones, numpy datetime64/timedelta64 scalars, pandas Timestamp/NaT/NA, and the
 * decoder's inert placeholders (re-emitted as the call they recorded). Below protocol 4 the
 * same calls are written with the protocol's tuple and memo opcodes (atoms.ts); what differs
 * by protocol here: no fold bit below 4, UUID via `copyreg._reconstructor` at 0, and the
 * NEWOBJ/NEWOBJ_EX forms that older protocols lack are refused.
 */

import {
  PyComplex,
  PyDate,
  PyDatetime,
  PyDatetime64,
  PyDecimal,
  PyEnum,
  PyFloat,
  PyObject,
  PyOrderedDict,
  PySentinel,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "../../../python/values.js";
import { Op } from "../opcodes.js";
import type { EncoderContext } from "./encoder.js";
import { PickleEncodeError } from "./errors.js";
import { needsProtocol4, reconstructorCall } from "./legacy-forms.js";

/** numpy datetime units a datetime64 scalar may carry. */
const DATETIME_UNITS = new Set(["Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"]);
/** pandas `NPY_DATETIMEUNIT` codes used by `_unpickle_timestamp`'s `reso`. */
const TIMESTAMP_RESO: Readonly<Record<string, number>> = { s: 7, ms: 8, us: 9, ns: 10 };
const FOLD_BIT = 0x80;
/** CPython writes list/dict items in batches of this many (`BATCHSIZE`). */
const BATCH_SIZE = 1000;
const MICROS_PER_SECOND = 1_000_000;

/**
 * Saves `value` if it is one of the value classes and returns true; false otherwise.
 * The saved object is memoized under `value`'s identity.
 */
export function saveValueClass(ctx: EncoderContext, value: object, depth: number): boolean {
  // These three memoize (or not) on their own: NEWOBJ memoizes before BUILD; a bare global is
  // memoized by `ctx.global`.
  if (value instanceof PyUUID) saveUuid(ctx, value, depth);
  else if (value instanceof PyOrderedDict) saveOrderedDict(ctx, value, depth);
  else if (value instanceof PyObject) savePlaceholder(ctx, value, depth);
  else if (value === PySentinel.NA) ctx.global("pandas._libs.missing", "NA");
  else if (value instanceof PyEnum && value.name !== null) saveNamedEnum(ctx, value, value.name, depth);
  else return saveReduced(ctx, value, depth);
  return true;
}

function saveReduced(ctx: EncoderContext, value: object, depth: number): boolean {
  if (value instanceof PyDatetime) saveDatetime(ctx, value, depth);
  else if (value instanceof PyDate) reduce(ctx, "datetime", "date", [dateState(value)], depth);
  else if (value instanceof PyTime) saveTime(ctx, value, depth);
  else if (value instanceof PyTimedelta) {
    requireInts(value.days, value.seconds, value.microseconds);
    reduce(ctx, "datetime", "timedelta", [value.days, value.seconds, value.microseconds], depth);
  } else if (value instanceof PyTzInfo) saveTzInfo(ctx, value, depth);
  else if (value instanceof PyDecimal) reduce(ctx, "decimal", "Decimal", [value.text], depth);
  else if (value instanceof PyComplex) {
    reduce(ctx, "builtins", "complex", [new PyFloat(value.real), new PyFloat(value.imag)], depth);
  } else if (value instanceof PyEnum) saveEnum(ctx, value, depth);
  else if (value instanceof PyDatetime64) saveDatetime64(ctx, value, depth);
  else if (value === PySentinel.NaT)
    reduce(ctx, "pandas._libs.tslibs.nattype", "__nat_unpickle", [null], depth);
  else return false;
  ctx.memoize(value);
  return true;
}

/** `callable(*args)` via REDUCE; the caller memoizes the result. */
function reduce(
  ctx: EncoderContext,
  module: string,
  name: string,
  args: readonly PyValue[],
  depth: number,
): void {
  ctx.global(module, name);
  ctx.saveTuple(args, depth);
  ctx.w.byte(Op.REDUCE);
}

function saveDatetime(ctx: EncoderContext, d: PyDatetime, depth: number): void {
  requireInts(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond);
  checkRange("month", d.month, 1, 12);
  checkRange("day", d.day, 1, 31);
  checkClock(d.hour, d.minute, d.second, d.microsecond);
  const state = new Uint8Array(10);
  state[0] = d.year >> 8;
  state[1] = d.year & 0xff;
  // Protocol ≥ 4 marks fold=1 in the month byte; older protocols drop the fold.
  state[2] = d.month | (d.fold && ctx.protocol >= 4 ? FOLD_BIT : 0);
  state[3] = d.day;
  state[4] = d.hour;
  state[5] = d.minute;
  state[6] = d.second;
  writeMicros(state, 7, d.microsecond);
  reduce(ctx, "datetime", "datetime", d.tzinfo ? [state, d.tzinfo] : [state], depth);
}

function dateState(d: PyDate): Uint8Array {
  requireInts(d.year, d.month, d.day);
  checkRange("year", d.year, 1, 9999);
  checkRange("month", d.month, 1, 12);
  checkRange("day", d.day, 1, 31);
  return Uint8Array.of(d.year >> 8, d.year & 0xff, d.month, d.day);
}

function saveTime(ctx: EncoderContext, t: PyTime, depth: number): void {
  requireInts(t.hour, t.minute, t.second, t.microsecond);
  checkClock(t.hour, t.minute, t.second, t.microsecond);
  const state = new Uint8Array(6);
  state[0] = t.hour | (t.fold && ctx.protocol >= 4 ? FOLD_BIT : 0);
  state[1] = t.minute;
  state[2] = t.second;
  writeMicros(state, 3, t.microsecond);
  reduce(ctx, "datetime", "time", t.tzinfo ? [state, t.tzinfo] : [state], depth);
}

function writeMicros(state: Uint8Array, at: number, us: number): void {
  state[at] = us >> 16;
  state[at + 1] = (us >> 8) & 0xff;
  state[at + 2] = us & 0xff;
}

/**
 * The zone forms as CPython pickles each class (Lib/datetime.py, pytz/tzinfo.py,
 * Lib/zoneinfo/_zoneinfo.py, dateutil/tz/tz.py), chosen by the Python class recorded in
 * `tz.module` (as the decoder fills it), else by `tz.kind`: `datetime.timezone` (the default for
 * UTC and fixed offsets), pytz `_UTC`/`_p`/`FixedOffset`, `zoneinfo.ZoneInfo`, dateutil
 * `tzutc`/`tzoffset`.
 */
function saveTzInfo(ctx: EncoderContext, tz: PyTzInfo, depth: number): void {
  const placeholder = tz.extra.placeholder;
  switch (tz.module) {
    case "pytz._UTC":
      reduce(ctx, "pytz", "_UTC", [], depth);
      return;
    case "pytz.FixedOffset":
      reduce(ctx, "pytz", "FixedOffset", [Math.trunc((tz.offsetSeconds ?? 0) / 60)], depth);
      return;
    case "dateutil.tz.tz.tzutc":
      if (ctx.protocol < 4) throw needsProtocol4("a dateutil tzutc", ctx.protocol);
      ctx.global("dateutil.tz.tz", "tzutc");
      ctx.w.byte(Op.EMPTY_TUPLE);
      ctx.w.byte(Op.NEWOBJ);
      return;
    case "dateutil.tz.tz.tzoffset":
      reduce(ctx, "dateutil.tz.tz", "tzoffset", [tz.name, tz.offsetSeconds ?? 0], depth);
      return;
  }
  if (tz.kind === "pytz" && tz.name !== null) {
    const { dst, tzname } = tz.extra;
    const args: PyValue[] = [tz.name];
    if (tz.offsetSeconds !== null && dst !== undefined && tzname !== undefined) {
      args.push(tz.offsetSeconds, dst, tzname);
    }
    reduce(ctx, "pytz", "_p", args, depth);
  } else if (tz.kind === "zoneinfo" && tz.name !== null) {
    // CPython: REDUCE(getattr(ZoneInfo, "_unpickle"), (key, 1)).
    ctx.global("builtins", "getattr");
    ctx.tupleMark(2);
    ctx.w.opcodeBoundary();
    ctx.global("zoneinfo", "ZoneInfo");
    ctx.str("_unpickle");
    ctx.tupleEnd(2);
    ctx.memoize();
    ctx.w.byte(Op.REDUCE);
    ctx.memoize();
    ctx.saveTuple([tz.name, 1], depth);
    ctx.w.byte(Op.REDUCE);
  } else if (tz.kind === "utc" || (tz.kind === "fixed" && tz.offsetSeconds !== null)) {
    const micros = typeof tz.extra.microseconds === "number" ? tz.extra.microseconds : 0;
    const offset = timedeltaOf(tz.offsetSeconds ?? 0, micros);
    reduce(
      ctx,
      "datetime",
      "timezone",
      tz.name !== null && tz.kind === "fixed" ? [offset, tz.name] : [offset],
      depth,
    );
  } else if (placeholder instanceof PyObject) {
    // An unknown tzinfo class the decoder kept as a placeholder: re-emit what it recorded.
    savePlaceholderBody(ctx, placeholder, depth);
  } else {
    throw new PickleEncodeError(
      "PICKLE_ENCODE_UNSUPPORTED_TYPE",
      "$",
      `cannot pickle a ${tz.kind} time zone without its key (${tz.module ?? "?"})`,
    );
  }
}

/** A normalised timedelta (0 ≤ seconds < 86400) for an offset in seconds. */
function timedeltaOf(seconds: number, micros: number): PyTimedelta {
  const total = Math.round(seconds * MICROS_PER_SECOND) + micros;
  const days = Math.floor(total / (86400 * MICROS_PER_SECOND));
  const rest = total - days * 86400 * MICROS_PER_SECOND;
  return new PyTimedelta(days, Math.floor(rest / MICROS_PER_SECOND), rest % MICROS_PER_SECOND);
}

function saveUuid(ctx: EncoderContext, u: PyUUID, depth: number): void {
  if (!/^[0-9a-f]{32}$/.test(u.hex)) throw bad(`UUID hex must be 32 lowercase hex digits, got ${u.hex}`);
  if (ctx.protocol === 0) reconstructorCall(ctx, "uuid", "UUID");
  else {
    // uuid.UUID has __slots__ and __getstate__: NEWOBJ(UUID, ()) + BUILD {"int": n}.
    ctx.global("uuid", "UUID");
    ctx.w.byte(Op.EMPTY_TUPLE);
    ctx.w.byte(Op.NEWOBJ);
  }
  ctx.memoize(u);
  const state: Record<string, PyValue> = { int: BigInt(`0x${u.hex}`) };
  ctx.save(state, depth);
  ctx.w.byte(Op.BUILD);
}

/** A named member is one object in Python: every later reference to it is a BINGET. */
function saveNamedEnum(ctx: EncoderContext, e: PyEnum, name: string, depth: number): void {
  const key = `${e.module}\u0000${e.qualname}\u0000${name}`;
  if (ctx.getIfSingleton(key)) return;
  saveEnum(ctx, e, depth);
  ctx.memoizeSingleton(key, e);
}

function saveEnum(ctx: EncoderContext, e: PyEnum, depth: number): void {
  if (e.name !== null) {
    // Python 3.11+: getattr(EnumClass, "MEMBER").
    ctx.global("builtins", "getattr");
    ctx.tupleMark(2);
    ctx.w.opcodeBoundary();
    ctx.global(e.module, e.qualname);
    ctx.str(e.name);
    ctx.tupleEnd(2);
    ctx.memoize();
    ctx.w.byte(Op.REDUCE);
  } else if (e.value !== undefined) {
    reduce(ctx, e.module, e.qualname, [e.value], depth);
  } else {
    throw bad(`enum member of ${e.module}.${e.qualname} has neither a name nor a value`);
  }
}

function saveDatetime64(ctx: EncoderContext, v: PyDatetime64, depth: number): void {
  if (v.kind === "Timestamp") {
    const reso = TIMESTAMP_RESO[v.unit];
    if (reso === undefined) throw bad(`Timestamp unit ${v.unit} is not one of s, ms, us, ns`);
    reduce(ctx, "pandas._libs.tslibs.timestamps", "_unpickle_timestamp", [v.value, null, v.tz, reso], depth);
    return;
  }
  if (v.kind === "Timedelta") {
    // pandas ≥ 1.5: _timedelta_unpickle(value, reso).
    const reso = TIMESTAMP_RESO[v.unit];
    if (reso === undefined) throw bad(`Timedelta unit ${v.unit} is not one of s, ms, us, ns`);
    reduce(ctx, "pandas._libs.tslibs.timedeltas", "_timedelta_unpickle", [v.value, reso], depth);
    return;
  }
  if (!DATETIME_UNITS.has(v.unit)) throw bad(`unknown numpy time unit ${v.unit}`);
  const raw = new Uint8Array(8);
  new DataView(raw.buffer).setBigInt64(0, v.value, true);
  ctx.global("numpy.core.multiarray", "scalar");
  ctx.tupleMark(2);
  ctx.w.opcodeBoundary();
  saveNumpyDtype(ctx, v.kind === "datetime64" ? "M8" : "m8", v.unit, depth);
  ctx.bytesValue(raw);
  ctx.tupleEnd(2);
  ctx.memoize();
  ctx.w.byte(Op.REDUCE);
}

/**
 * `numpy.dtype(code, False, True)` + BUILD of its state tuple, as numpy 1.x pickles it:
 * version 3 for plain types, version 4 with `({}, (unit, 1, 1, 1))` metadata for M8/m8.
 */
export function saveNumpyDtype(ctx: EncoderContext, code: string, unit: string | null, depth: number): void {
  ctx.global("numpy", "dtype");
  ctx.saveTuple([code, false, true], depth);
  ctx.w.byte(Op.REDUCE);
  ctx.memoize();
  const byteorder = code === "O8" || code === "b1" || code.endsWith("1") ? "|" : "<";
  const flags = code === "O8" ? 63 : 0;
  const state: PyValue[] =
    unit === null
      ? [3, byteorder, null, null, null, -1, -1, flags]
      : [4, byteorder, null, null, null, -1, -1, flags, PyTuple.fromItems<PyValue>([{}, metadata(unit)])];
  ctx.saveTuple(state, depth);
  ctx.w.byte(Op.BUILD);
}

function metadata(unit: string): PyTuple {
  return PyTuple.fromItems<PyValue>([new TextEncoder().encode(unit), 1, 1, 1]);
}

/**
 * Re-emits an inert placeholder as the call it recorded: the bare global, or
 * REDUCE / NEWOBJ / NEWOBJ_EX of it, then the appended/set items and the BUILD state.
 */
function savePlaceholder(ctx: EncoderContext, o: PyObject, depth: number): void {
  if (savePlaceholderBody(ctx, o, depth)) ctx.memoize(o);
}

/** Writes the placeholder's call; returns true when a built object still awaits its MEMOIZE. */
function savePlaceholderBody(ctx: EncoderContext, o: PyObject, depth: number): boolean {
  ctx.global(o.module, o.name);
  const built = o.args !== null || o.state !== undefined || o.listItems.length > 0 || o.dictItems.length > 0;
  if (!built) return false;
  if (o.kwargs !== undefined && ctx.protocol < 4)
    throw needsProtocol4("a NEWOBJ_EX placeholder", ctx.protocol);
  if (o.call === "newobj" && ctx.protocol === 0) throw needsProtocol4("a NEWOBJ placeholder", ctx.protocol);
  ctx.saveTuple(o.args ?? [], depth);
  if (o.kwargs !== undefined) {
    ctx.save(o.kwargs, depth);
    ctx.w.byte(Op.NEWOBJ_EX);
  } else {
    ctx.w.byte(o.call === "newobj" ? Op.NEWOBJ : Op.REDUCE);
  }
  if (o.listItems.length === 0 && o.dictItems.length === 0 && o.state === undefined) return true;
  ctx.memoize(o);
  saveItems(ctx, o.listItems, depth);
  saveEntries(ctx, o.dictItems, depth);
  if (o.state !== undefined) {
    ctx.save(o.state, depth);
    ctx.w.byte(Op.BUILD);
  }
  return false;
}

/** `collections.OrderedDict`: REDUCE(OrderedDict, ()) then its items, as `__reduce__` gives them. */
function saveOrderedDict(ctx: EncoderContext, d: PyOrderedDict, depth: number): void {
  reduce(ctx, "collections", "OrderedDict", [], depth);
  ctx.memoize(d);
  saveEntries(ctx, [...d], depth);
}

/**
 * CPython's generic `batch_list`: batches of 1000 with MARK…APPENDS, a lone item with APPEND;
 * protocol 0 appends each item on its own.
 */
function saveItems(ctx: EncoderContext, items: readonly PyValue[], depth: number): void {
  const batch = ctx.protocol === 0 ? 1 : BATCH_SIZE;
  for (let start = 0; start < items.length; start += batch) {
    const end = Math.min(items.length, start + batch);
    if (end - start === 1) {
      ctx.save(items[start] as PyValue, depth);
      ctx.w.byte(Op.APPEND);
      continue;
    }
    ctx.w.byte(Op.MARK);
    for (let i = start; i < end; i++) ctx.save(items[i] as PyValue, depth);
    ctx.w.byte(Op.APPENDS);
  }
}

/**
 * CPython's generic `batch_dict`: batches of 1000 with MARK…SETITEMS, a lone pair with
 * SETITEM; protocol 0 sets each pair on its own.
 */
function saveEntries(
  ctx: EncoderContext,
  entries: readonly (readonly [PyValue, PyValue])[],
  depth: number,
): void {
  const batch = ctx.protocol === 0 ? 1 : BATCH_SIZE;
  for (let start = 0; start < entries.length; start += batch) {
    const end = Math.min(entries.length, start + batch);
    const lone = end - start === 1;
    if (!lone) ctx.w.byte(Op.MARK);
    for (let i = start; i < end; i++) {
      const [k, v] = entries[i] as readonly [PyValue, PyValue];
      ctx.save(k, depth);
      ctx.save(v, depth);
    }
    ctx.w.byte(lone ? Op.SETITEM : Op.SETITEMS);
  }
}

function requireInts(...values: number[]): void {
  for (const v of values) if (!Number.isInteger(v)) throw bad(`expected an integer field, got ${v}`);
}

function checkRange(field: string, v: number, lo: number, hi: number): void {
  if (v < lo || v > hi) throw bad(`${field} ${v} is outside ${lo}..${hi}`);
}

function checkClock(hour: number, minute: number, second: number, micro: number): void {
  checkRange("hour", hour, 0, 23);
  checkRange("minute", minute, 0, 59);
  checkRange("second", second, 0, 59);
  checkRange("microsecond", micro, 0, MICROS_PER_SECOND - 1);
}

function bad(message: string): PickleEncodeError {
  return new PickleEncodeError("PICKLE_ENCODE_BAD_VALUE", "$", message);
}
