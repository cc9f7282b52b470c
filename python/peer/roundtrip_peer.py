"""Round-trip differential peer: Python → (Redis | FileSystemCache | pickle) → Node → Python.

Reads one JSON request per line on stdin, writes one JSON response per line on stdout. Bytes
travel as hex (test transport only). The peer keeps the values of the last "gen" in memory.

  {"op": "gen", "seed": S, "count": N}
      -> {"items": [{"repr": str, "pickle": hex}]}   seeded random values, each pickled with a
         random protocol 0–5
  {"op": "write", "store": {...}, "prefix": P, "limit": N}
      -> {"keys": [key]}   sets the first N generated values (key "v" + index) through cachelib:
         store {"kind": "redis", "host", "port"} (RedisCache) or {"kind": "fs", "dir"}
  {"op": "check", "mode": "exact"|"default", "items": [{"i": index, "pickle": hex}]}
  {"op": "check", "mode": ..., "store": {...}, "keys": [[index, key]]}
      -> {"results": [{"i", "kinds": [str]}]}   loads each returned value (from the pickle, or
         from the store with cachelib) and compares it with generated value i (type, order,
         float bits and sign of zero). `kinds` is empty when equal; otherwise the documented
         default-mode changes that explain the difference (see docs/pickle.md), or one entry
         starting with "UNDOCUMENTED" naming the first difference nothing explains.
"""

import collections
import datetime
import decimal
import http
import json
import math
import pickle
import random
import struct
import sys
import uuid
import zoneinfo

import numpy as np
import pandas as pd
import pytz

# ------------------------------------------------------------------ generator

HOSTILE_KEYS = [
    "__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "$dict", "$float",
    "", " ", "a b", "0", "1", "10", "2", "-1", "01", "1.5", "4294967294", "4294967295",
    "9007199254740993", "\udfff", "\ud800\udfff", "😀", "é",
]
STR_POOLS = [
    "abcxyz ",
    "àéîõü߀",
    "日本語",
    "😀🎉𝄞𐍈",
    "\udfff\ud800\udbff\udc00",  # surrogates: lone, and adjacent pairs once joined
]
TZS = [
    datetime.timezone.utc,
    datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
    datetime.timezone(datetime.timedelta(hours=-8), "PST"),
    zoneinfo.ZoneInfo("Europe/Paris"),
    pytz.utc,
]


def rand_str(r):
    n = r.choice([0, 1, 2, 3, 6, 20])
    return "".join(r.choice(r.choice(STR_POOLS)) for _ in range(n))


def rand_key(r):
    k = r.random()
    if k < 0.35:
        return r.choice(HOSTILE_KEYS)
    if k < 0.6:
        return str(r.randint(0, 200))
    return rand_str(r)


def rand_int(r):
    return r.choice([
        r.randint(0, 255), r.randint(-70000, 70000), r.randint(-(2**31), 2**31 - 1),
        r.choice([2**31, 2**53 - 1, 2**53, 2**53 + 1, -(2**63), 2**64]), r.randint(-(2**100), 2**100),
    ])


def rand_float(r):
    return r.choice([
        r.uniform(-1e6, 1e6), float(r.randint(-1000, 1000)), math.nan, math.inf, -math.inf,
        -0.0, 0.0, 1e300, 5e-324, float(2**53), float(2**60), r.random(),
    ])


def rand_datetime(r):
    d = datetime.datetime(
        r.randint(1, 9999), r.randint(1, 12), r.randint(1, 28), r.randint(0, 23), r.randint(0, 59),
        r.randint(0, 59), r.choice([0, r.randint(0, 999999)]), fold=r.choice([0, 0, 1]),
    )
    k = r.randint(0, 3)
    if k == 0:
        return d
    if k == 1:
        return d.replace(tzinfo=r.choice(TZS))
    if k == 2:
        return pytz.timezone("America/New_York").localize(d.replace(year=r.randint(1990, 2030), fold=0))
    return d.replace(tzinfo=datetime.timezone(datetime.timedelta(minutes=r.randint(-1439, 1439))))


def rand_scalar(r):
    k = r.randint(0, 21)
    if k == 0:
        return None
    if k == 1:
        return r.choice([True, False])
    if k in (2, 3):
        return rand_int(r)
    if k in (4, 5):
        return rand_float(r)
    if k in (6, 7, 8):
        return rand_str(r)
    if k == 9:
        return bytes(r.getrandbits(8) for _ in range(r.choice([0, 3, 40])))
    if k == 10:
        return bytearray(r.getrandbits(8) for _ in range(r.choice([0, 3])))
    if k == 11:
        return decimal.Decimal(r.choice(["1.10", "-0.00", "NaN", "1E+10", "-Infinity", "123456789012345678901234567890.5", str(r.random())]))
    if k == 12:
        return rand_datetime(r)
    if k == 13:
        return datetime.date(r.randint(1, 9999), r.randint(1, 12), r.randint(1, 28))
    if k == 14:
        tz = r.choice([None, datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=-3))])
        return datetime.time(r.randint(0, 23), r.randint(0, 59), r.randint(0, 59), r.randint(0, 999999), tzinfo=tz, fold=r.choice([0, 1]))
    if k == 15:
        return datetime.timedelta(days=r.randint(-999999, 999999), seconds=r.randint(0, 86399), microseconds=r.randint(0, 999999))
    if k == 16:
        return complex(rand_float(r), rand_float(r))
    if k == 17:
        return uuid.UUID(int=r.getrandbits(128))
    if k == 18:
        return r.choice(list(http.HTTPStatus))
    if k == 19:
        return r.choice([np.int64(rand_int(r) % 2**63), np.float64(rand_float(r)), np.bool_(r.random() < 0.5), np.int32(r.randint(-5, 5)), np.float32(1.5)])
    if k == 20:
        return r.choice([pd.Timestamp(r.randint(-(2**62), 2**62), tz=r.choice([None, "UTC", "Europe/Paris"])), pd.NaT, np.datetime64(r.randint(-(2**40), 2**40), r.choice(["s", "ms", "us", "ns"])), pd.Timedelta(r.randint(-(2**50), 2**50))])
    return r.choice([float(r.randint(-50, 50)), -0.0, 2.0])


def rand_hashable(r):
    v = rand_scalar(r)
    if isinstance(v, bytearray):
        return bytes(v)
    if isinstance(v, float) and v != v:
        return 0.5
    if isinstance(v, decimal.Decimal) and v.is_nan():
        return decimal.Decimal("1")
    if isinstance(v, np.generic) or v is pd.NaT:
        return 7
    return v


def rand_frame(r):
    n = r.choice([0, 1, 3, 6])
    cols = {}
    pick = r.sample(range(22), r.randint(1, 6))
    texts = lambda: [r.choice([None, rand_str(r), "x"]) for _ in range(n)]  # noqa: E731
    for c in pick:
        name = f"c{c}" if r.random() < 0.8 else r.choice(["\udfff", "10", "a b"]) + str(c)
        if c == 0:
            cols[name] = pd.Series([r.randint(-100, 100) for _ in range(n)], dtype=r.choice(["int8", "int16", "int32", "int64"]))
        elif c == 1:
            cols[name] = pd.Series([r.randint(0, 200) for _ in range(n)], dtype=r.choice(["uint8", "uint16", "uint32", "uint64"]))
        elif c == 2:
            cols[name] = pd.Series([rand_float(r) for _ in range(n)], dtype="float64")
        elif c == 3:
            cols[name] = pd.Series([r.choice([1.5, -0.0, 2.0]) for _ in range(n)], dtype="float32")
        elif c == 4:
            cols[name] = pd.Series([r.random() < 0.5 for _ in range(n)], dtype="bool")
        elif c == 5:
            cols[name] = pd.Series([pd.Timestamp(r.randint(0, 2**60)) if r.random() < 0.8 else pd.NaT for _ in range(n)], dtype="datetime64[ns]")
        elif c == 6:
            cols[name] = pd.Series(pd.to_datetime([r.randint(0, 2**60) for _ in range(n)], utc=True)).dt.tz_convert(r.choice(["UTC", "Europe/Paris", "Asia/Kolkata"]))
        elif c == 7:
            cols[name] = pd.Series([pd.Timedelta(r.randint(-(2**40), 2**40)) for _ in range(n)], dtype="timedelta64[ns]")
        elif c == 8:
            cols[name] = pd.Series([r.choice([None, r.randint(-9, 9)]) for _ in range(n)], dtype="Int64")
        elif c == 9:
            cols[name] = pd.Series([r.choice([None, 1.5, -0.0]) for _ in range(n)], dtype="Float64")
        elif c == 10:
            cols[name] = pd.Series([r.choice([None, True, False]) for _ in range(n)], dtype="boolean")
        elif c == 11:
            cols[name] = pd.Series([r.choice(["a", "b", "c"]) for _ in range(n)], dtype="category")
        elif c == 12:
            cols[name] = pd.Series(texts(), dtype="string")
        elif c == 13:
            cols[name] = pd.Series(texts(), dtype="object")
        elif c == 14:
            cols[name] = pd.Series([r.choice([None, r.randint(-5, 5)]) for _ in range(n)], dtype="object")
        elif c == 15:
            cols[name] = pd.Series([r.choice([None, decimal.Decimal("1.10"), decimal.Decimal("-0")]) for _ in range(n)], dtype="object")
        elif c == 16:
            cols[name] = pd.Series([r.choice([None, datetime.date(2024, 1, r.randint(1, 28))]) for _ in range(n)], dtype="object")
        elif c == 17:
            cols[name] = pd.Series([r.choice([None, bytes([r.randint(0, 255)])]) for _ in range(n)], dtype="object")
        elif c == 18:
            cols[name] = pd.Series([rand_scalar(r) for _ in range(n)], dtype="object")
        elif c == 19:
            cols[name] = pd.Series([r.choice([None, 1.0, -0.0, 2.5]) for _ in range(n)], dtype="object")
        elif c == 20:
            cols[name] = pd.Series([r.choice([None, rand_datetime(r)]) for _ in range(n)], dtype="object")
        else:
            cols[name] = pd.Series([r.choice([True, False, None]) for _ in range(n)], dtype="object")
    df = pd.DataFrame(cols)
    k = r.randint(0, 3)
    if k == 1 and n:
        df.index = pd.Index([f"r{i}" for i in range(n)], name=r.choice([None, "row"]))
    elif k == 2 and n:
        df.index = pd.date_range("2024-01-01", periods=n, freq="D", name="day")
    elif k == 3 and n:
        df.index = pd.MultiIndex.from_arrays([[f"g{i % 2}" for i in range(n)], list(range(n))], names=["g", None])
    # A Series (not empty: pandas pickles an empty Series' block placement as slice(0, 0), which
    # the decoder refuses; a known gap).
    if r.random() < 0.15 and df.shape[1] and n:
        return df.iloc[:, 0].rename(r.choice(["s", None, "\udfff"]))
    return df


def rand_value(r, depth=0):
    if depth <= 1 and r.random() < 0.05:
        return rand_frame(r)
    if depth >= 4 or r.random() < 0.4:
        return rand_scalar(r)
    n = r.choice([0, 1, 2, 3, 5])
    k = r.randint(0, 9)
    if k in (0, 1):
        return [rand_value(r, depth + 1) for _ in range(n)]
    if k == 2:
        return tuple(rand_value(r, depth + 1) for _ in range(n))
    if k in (3, 4, 5):
        return {rand_key(r): rand_value(r, depth + 1) for _ in range(n)}
    if k == 6:
        return {r.choice([rand_int(r), rand_key(r), rand_float(r) if r.random() < 0.3 else 3]): rand_value(r, depth + 1) for _ in range(n)}
    if k == 7:
        return {rand_hashable(r) for _ in range(n)}
    if k == 8:
        return frozenset(rand_hashable(r) for _ in range(n))
    return collections.OrderedDict((rand_key(r), rand_value(r, depth + 1)) for _ in range(n))


# ----------------------------------------------------------------- comparison


def float_bits(x):
    return struct.pack(">d", x)


LOOSE = {"kinds": None}  # default mode: a set collecting "mixed-object-column" while comparing


def strict(a, b, path="$"):
    """'' when a and b are the same value (type, order, float bits), else the first difference.

    While LOOSE["kinds"] is a set, the cells of mixed object columns (tagged JSON in the default
    mode) may differ; such a difference is recorded there instead.
    """
    if type(a) is not type(b):
        return f"{path}: type {type(a).__name__} != {type(b).__name__} ({a!r:.80} / {b!r:.80})"
    if a is pd.NaT or a is pd.NA:
        return "" if a is b else f"{path}: {a!r} != {b!r}"
    if isinstance(a, float):
        return "" if float_bits(a) == float_bits(b) else f"{path}: {a!r} != {b!r}"
    if isinstance(a, complex):
        return strict(a.real, b.real, path + ".real") or strict(a.imag, b.imag, path + ".imag")
    if isinstance(a, np.generic):
        if a.dtype != b.dtype or a.tobytes() != b.tobytes():
            return f"{path}: {a!r} != {b!r}"
        return ""
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = strict(x, y, f"{path}[{i}]")
            if d:
                return d
        return ""
    if isinstance(a, dict):
        ka, kb = list(a), list(b)
        if len(ka) != len(kb):
            return f"{path}: {len(ka)} keys != {len(kb)}"
        for i, (x, y) in enumerate(zip(ka, kb)):
            d = strict(x, y, f"{path}.key{i}") or strict(a[x], b[y], f"{path}[{x!r}]")
            if d:
                return d
        return ""
    if isinstance(a, (set, frozenset)):
        if len(a) != len(b):
            return f"{path}: set size {len(a)} != {len(b)}"
        rest = list(b)
        for x in a:
            j = next((j for j, y in enumerate(rest) if not strict(x, y)), None)
            if j is None:
                return f"{path}: {x!r} not in {b!r:.200}"
            rest.pop(j)
        return ""
    if isinstance(a, decimal.Decimal):
        return "" if str(a) == str(b) else f"{path}: Decimal {a} != {b}"
    if isinstance(a, (datetime.datetime, datetime.time)):
        same_fields = a.replace(tzinfo=None) == b.replace(tzinfo=None) and a.fold == b.fold
        same_tz = type(a.tzinfo) is type(b.tzinfo) and repr(a.tzinfo) == repr(b.tzinfo)
        return "" if same_fields and same_tz else f"{path}: {a!r} != {b!r}"
    if isinstance(a, pd.Timestamp):
        return "" if repr(a) == repr(b) and a.value == b.value else f"{path}: {a!r} != {b!r}"
    if isinstance(a, pd.DataFrame):
        return strict_frame(a, b, path)
    if isinstance(a, pd.Series):
        return strict(a.name, b.name, path + ".name") or strict_frame(a.to_frame(), b.to_frame(), path)
    return "" if a == b else f"{path}: {a!r:.200} != {b!r:.200}"


def strict_frame(a, b, path):
    if list(map(str, a.dtypes)) != list(map(str, b.dtypes)):
        return f"{path}: dtypes {list(map(str, a.dtypes))} != {list(map(str, b.dtypes))}"
    d = strict(list(a.columns), list(b.columns), f"{path}.columns")
    if d:
        return d
    if type(a.index) is not type(b.index) or str(a.index.dtype) != str(b.index.dtype) or not a.index.equals(b.index) or a.index.names != b.index.names:
        return f"{path}: index {a.index!r:.120} != {b.index!r:.120}"
    for i in range(a.shape[1]):
        sa, sb = a.iloc[:, i], b.iloc[:, i]
        where = f"{path}[{a.columns[i]!r}]"
        if isinstance(sa.dtype, np.dtype) and sa.dtype.kind in "biufcmM":
            if sa.values.tobytes() != sb.values.tobytes():
                return f"{where}: {list(sa)!r:.200} != {list(sb)!r:.200}"
        elif str(sa.dtype) == "category":
            d = strict(list(sa.cat.categories), list(sb.cat.categories), where + ".categories")
            if d or list(sa.cat.codes) != list(sb.cat.codes) or sa.cat.ordered != sb.cat.ordered:
                return d or f"{where}: category codes differ"
        elif str(sa.dtype).startswith("datetime64"):
            if not sa.equals(sb):
                return f"{where}: values differ"
        else:
            d = strict(list(sa), list(sb), where)
            if d and LOOSE["kinds"] is not None and str(sa.dtype) == "object" and is_mixed(list(sa)):
                LOOSE["kinds"].add("mixed-object-column")
            elif d:
                return d
    return ""


# ------------------------------------------------ default mode: the documented changes

MAX_SAFE = 2**53 - 1


def is_array_index(k):
    """A str key a JS object lists first (canonical array index)."""
    return k.isascii() and k.isdigit() and (k == "0" or not k.startswith("0")) and int(k) <= 4294967294


def join_pairs(s):
    """A str as a JS string holds it: an adjacent high + low surrogate become one character."""
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def is_negative_zero(v):
    return type(v) is float and float_bits(v) == float_bits(-0.0)


def predict_key(k, kinds):
    """A set member or dict key: a JS Set/Map stores -0 as +0, which pickles as int 0."""
    if is_negative_zero(k):
        kinds.add("negative-zero-key")
        return 0
    return predict(k, kinds)


def predict(v, kinds):
    """v as the default mode returns it, recording which documented change applied."""
    if isinstance(v, np.generic) and not isinstance(v, (np.datetime64, np.timedelta64)):
        kinds.add("numpy-scalar")
        return predict(v.item(), kinds)
    if type(v) is float:
        if math.isfinite(v) and v.is_integer() and abs(v) <= MAX_SAFE and float_bits(v) != float_bits(-0.0):
            kinds.add("float-int")
            return int(v)
        return v
    if type(v) is complex:
        return v
    if type(v) is str:
        j = join_pairs(v)
        if j != v:
            kinds.add("surrogate-pair")
        return j
    if type(v) is list:
        return [predict(x, kinds) for x in v]
    if type(v) is tuple:
        return tuple(predict(x, kinds) for x in v)
    if type(v) is set:
        return {predict_key(x, kinds) for x in v}
    if type(v) is frozenset:
        return frozenset(predict_key(x, kinds) for x in v)
    if type(v) is collections.OrderedDict:
        return collections.OrderedDict((predict_key(k, kinds), predict(x, kinds)) for k, x in v.items())
    if type(v) is dict:
        items = [(predict_key(k, kinds), predict(x, kinds)) for k, x in v.items()]
        # An object while every key so far is a str (JS key order), a Map from the first other key on.
        j = next((n for n, (k, _) in enumerate(items) if type(k) is not str), len(items))
        ordered = [it for it in items[:j] if is_array_index(it[0])]
        ordered.sort(key=lambda it: int(it[0]))
        ordered += [it for it in items[:j] if not is_array_index(it[0])] + items[j:]
        if [k for k, _ in ordered] != [k for k, _ in items]:
            kinds.add("dict-order")
        items = ordered
        return dict(items)
    if isinstance(v, pd.DataFrame):
        return predict_frame(v, kinds)
    if isinstance(v, pd.Series):
        return predict_frame(v.to_frame(), kinds).iloc[:, 0].rename(v.name)
    return v


SIMPLE_CELL_TYPES = (str, int, float, bool, bytes, decimal.Decimal, datetime.date)


def is_mixed(cells):
    """An object column the default mode writes as tagged JSON: not one simple cell type."""
    types = {type(x) for x in cells if x is not None}
    return len(types) > 1 or not types <= set(SIMPLE_CELL_TYPES) or any(
        type(x) is int and not -(2**63) <= x < 2**63 for x in cells
    )


def predict_frame(df, kinds):
    out = df.copy()
    for i in range(df.shape[1]):
        s = df.iloc[:, i]
        if str(s.dtype) not in ("object", "string"):
            continue
        cells = list(s)
        if str(s.dtype) == "object" and is_mixed(cells):
            continue  # compared loosely (see `loose_columns`)
        new = [predict(x, kinds) if isinstance(x, str) else x for x in cells]
        present = [x for x in cells if x is not None]
        if str(s.dtype) == "object" and present and all(type(x) is float for x in present):
            # An all-float object column reads as int when every float is integral.
            if all(math.isfinite(x) and x.is_integer() for x in present):
                kinds.add("float-int")
                new = [None if x is None else int(x) for x in cells]
        out.isetitem(i, pd.Series(new, index=df.index, dtype=s.dtype))
    return out


def classify(orig, back, mode):
    d = strict(orig, back)
    if not d:
        return []
    if mode == "exact":
        return [f"UNDOCUMENTED {d}"]
    kinds = set()
    p = predict(orig, kinds)
    LOOSE["kinds"] = kinds
    try:
        d2 = strict(p, back)
    finally:
        LOOSE["kinds"] = None
    if d2:
        return [f"UNDOCUMENTED {d2}"]
    return sorted(kinds)


# ------------------------------------------------------------------ handlers

STATE = {"values": []}


def op_gen(req):
    r = random.Random(req["seed"])
    values = [rand_value(r) for _ in range(req["count"])]
    items = []
    codec, stored = [], []
    for v in values:
        data = pickle.dumps(v, r.choice([0, 1, 2, 3, 4, 5]))
        items.append({"repr": ascii(v)[:200], "pickle": data.hex()})
        # The reference is what Python itself reads back (protocols below 4 drop `fold`).
        codec.append(pickle.loads(data))
        stored.append(pickle.loads(pickle.dumps(v, pickle.HIGHEST_PROTOCOL)))
    STATE.update(values=values, codec=codec, stored=stored)
    return {"items": items}


def open_store(store, prefix):
    import cachelib

    if store["kind"] == "redis":
        return cachelib.RedisCache(host=store["host"], port=store["port"], key_prefix=prefix, default_timeout=0)
    return cachelib.FileSystemCache(store["dir"], threshold=0, default_timeout=0)


def op_write(req):
    cache = open_store(req["store"], req.get("prefix", ""))
    keys = []
    for i, v in enumerate(STATE["values"][: req.get("limit")]):
        key = f"v{i}"
        assert cache.set(key, v), key
        keys.append(key)
    return {"keys": keys}


def op_check(req):
    mode = req["mode"]
    results = []
    if "store" in req:
        cache = open_store(req["store"], req.get("prefix", ""))
        pairs = [(i, cache.get(key)) for i, key in req["keys"]]
        refs = STATE["stored"]
    else:
        pairs = [(it["i"], pickle.loads(bytes.fromhex(it["pickle"]))) for it in req["items"]]
        refs = STATE["codec"]
    for i, back in pairs:
        try:
            kinds = classify(refs[i], back, mode)
        except Exception as e:  # noqa: BLE001  (a comparison crash is a finding, not a peer failure)
            kinds = [f"UNDOCUMENTED comparison failed: {e!r}"]
        results.append({"i": i, "kinds": kinds})
    return {"results": results}


OPS = {"gen": op_gen, "write": op_write, "check": op_check}


def main():
    for line in sys.stdin:
        req = json.loads(line)
        try:
            resp = OPS[req["op"]](req)
        except Exception as e:  # noqa: BLE001
            import traceback

            resp = {"error": f"{e!r}\n{traceback.format_exc()}"}
        sys.stdout.write(json.dumps(resp) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
