"""Pickle peer for the TypeScript codec's interop tests and benchmarks.

Reads one JSON request per line on stdin, writes one JSON response per line on stdout.
Bytes travel as hex (test transport only). Operations:

  {"op": "gen", "seed": S, "count": N}
      -> {"items": [{"repr": str, "pickle": hex}]}   seeded random nested values, pickled
         with pickle.HIGHEST_PROTOCOL (what cachelib writes)
  {"op": "check", "items": [{"name", "orig": hex, "ours": hex}]}
      -> {"results": [{"name", "ok", "identical", "detail"}]}   loads both, compares with a
         strict equality (types, float bits, dict order, tz, Decimal text)
  {"op": "frame", "pickle": hex, "dtypes": {col: dtype}, "columns": [..], "values": {col: [tagged]}}
      -> {"ok", "detail", "dtypes", "repickled": hex}   loads a DataFrame we wrote, checks dtypes
         and cell values, and re-pickles it with pandas' own layout
  {"op": "bench", "file": path, "rounds": R, "min_time": seconds}
      -> {"loads": [s/op per round], "dumps": [...], "bytes": n}   C pickle timing of one pickle
  {"op": "make_bench", "dir": path} -> {"files": {name: path}}   writes the benchmark pickles
  {"op": "versions"} -> interpreter and library versions
"""

import collections
import datetime
import decimal
import json
import math
import pickle
import random
import struct
import sys
import time
import zoneinfo

import numpy as np
import pandas as pd
import pytz

sys.path.insert(0, __import__("os").path.dirname(__file__))
import tagged  # noqa: E402  (the fixtures' tagged JSON convention, shared with flask_peer)

MAX_DEPTH = 4

# ------------------------------------------------------------------ generator


def rand_str(r):
    pools = [
        "abcxyz ",
        "àéîõü߀",
        "日本語テキスト",
        "😀🎉𝄞𐍈",  # astral: surrogate pairs in JS
        "a\udfffb",  # lone (low) surrogates: "surrogatepass" in pickle. A lone high followed by a
        # lone low would read as one astral char in JS, so only low ones are generated.
    ]
    n = r.choice([0, 1, 1, 2, 5, 20, 300])
    return "".join(r.choice(r.choice(pools)) for _ in range(n))


def rand_int(r):
    return r.choice(
        [
            r.randint(0, 255),
            r.randint(256, 65535),
            r.randint(-(2**31), 2**31 - 1),
            r.choice([2**31, -(2**31) - 1, 2**53, 2**53 + 1, -(2**63), 2**64]),
            r.randint(-(2**200), 2**200),
        ]
    )


def rand_float(r):
    return r.choice(
        [
            r.uniform(-1e6, 1e6),
            float(r.randint(-1000, 1000)),
            math.nan,
            math.inf,
            -math.inf,
            -0.0,
            0.0,
            1e300,
            5e-324,
            r.random(),
        ]
    )


TZS = [
    datetime.timezone.utc,
    datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
    datetime.timezone(datetime.timedelta(hours=-8), "PST"),
    zoneinfo.ZoneInfo("Europe/Paris"),
    pytz.utc,
]


def rand_datetime(r):
    d = datetime.datetime(
        r.randint(1, 9999), r.randint(1, 12), r.randint(1, 28),
        r.randint(0, 23), r.randint(0, 59), r.randint(0, 59), r.choice([0, r.randint(0, 999999)]),
        fold=r.choice([0, 0, 1]),
    )
    k = r.randint(0, 4)
    if k == 0:
        return d
    if k == 1:
        return d.replace(tzinfo=r.choice(TZS))
    if k == 2:  # pytz zone with its _p state
        return pytz.timezone("America/New_York").localize(d.replace(year=r.randint(1990, 2030), fold=0))
    return d.replace(tzinfo=datetime.timezone(datetime.timedelta(minutes=r.randint(-1439, 1439))))


def rand_extra(r):
    """numpy/pandas/stdlib scalars beyond JSON: UUID, enum members, numpy scalars, Timestamps."""
    import http
    import uuid

    k = r.randint(0, 5)
    if k == 0:
        return uuid.UUID(int=r.getrandbits(128))
    if k == 1:
        return r.choice(list(http.HTTPStatus))
    if k == 2:
        return np.int64(r.randint(-(2**63), 2**63 - 1))
    if k == 3:
        return pd.Timestamp(r.randint(-(2**62), 2**62), tz=r.choice([None, "UTC", "Europe/Paris"]))
    if k == 4:
        return pd.NaT
    return np.datetime64(r.randint(-(2**40), 2**40), r.choice(["s", "ms", "us", "ns"]))


def rand_scalar(r):
    if r.random() < 0.04:
        return rand_extra(r)
    k = r.randint(0, 15)
    if k == 0:
        return None
    if k == 1:
        return r.choice([True, False])
    if k in (2, 3):
        return rand_int(r)
    if k in (4, 5):
        return rand_float(r)
    if k in (6, 7):
        return rand_str(r)
    if k == 8:
        return bytes(r.getrandbits(8) for _ in range(r.choice([0, 2, 10, 300])))
    if k == 9:
        return bytearray(r.getrandbits(8) for _ in range(r.choice([0, 3, 40])))
    if k == 10:
        return decimal.Decimal(r.choice(["1.10", "-0.00", "NaN", "1E+10", "123456789012345678901234567890.5", str(r.random())]))
    if k == 11:
        return rand_datetime(r)
    if k == 12:
        return datetime.date(r.randint(1, 9999), r.randint(1, 12), r.randint(1, 28))
    if k == 13:
        tz = r.choice([None, datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=-3))])
        return datetime.time(r.randint(0, 23), r.randint(0, 59), r.randint(0, 59), r.randint(0, 999999), tzinfo=tz, fold=r.choice([0, 1]))
    if k == 14:
        return datetime.timedelta(days=r.randint(-999999, 999999), seconds=r.randint(0, 86399), microseconds=r.randint(0, 999999))
    return complex(rand_float(r), rand_float(r))


def rand_hashable(r):
    v = rand_scalar(r)
    if isinstance(v, (bytearray, float)) and v != v:  # nan is hashable but never equal; keep sets comparable
        return 0
    if isinstance(v, bytearray):
        return bytes(v)
    if isinstance(v, decimal.Decimal) and v.is_nan():
        return decimal.Decimal("1")
    return v


def rand_value(r, depth=0):
    if depth >= MAX_DEPTH or r.random() < 0.45:
        return rand_scalar(r)
    n = r.choice([0, 1, 2, 3, 4, 7])
    k = r.randint(0, 7)
    if k in (0, 1):
        return [rand_value(r, depth + 1) for _ in range(n)]
    if k == 2:
        return tuple(rand_value(r, depth + 1) for _ in range(n))
    if k == 3:
        return {rand_str(r): rand_value(r, depth + 1) for _ in range(n)}
    if k == 4:
        return {r.randint(-(2**40), 2**40): rand_value(r, depth + 1) for _ in range(n)}
    if k == 5:
        return {rand_hashable(r) for _ in range(n)}
    if k == 6:
        return frozenset(rand_hashable(r) for _ in range(n))
    return collections.OrderedDict((rand_str(r), rand_value(r, depth + 1)) for _ in range(n))


# ----------------------------------------------------------------- comparison


def same(a, b, path="$"):
    """Strict equality: '' when equal, else a description of the first difference.

    One documented lossy mapping is accepted: a numpy scalar (np.int64, np.float64, np.bool_)
    decodes to a plain number/bool in JS and comes back as the matching Python scalar.
    """
    if isinstance(a, np.generic) and not isinstance(a, (np.datetime64, np.timedelta64)):
        a = a.item()
    if a is pd.NaT or a is pd.NA:  # singletons that are never == themselves
        return "" if b is a else f"{path}: {a!r} != {b!r}"
    if type(a) is not type(b):
        return f"{path}: type {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, float):
        return "" if struct.pack(">d", a) == struct.pack(">d", b) or (a != a and b != b) else f"{path}: {a!r} != {b!r}"
    if isinstance(a, complex):
        return same(a.real, b.real, path + ".real") or same(a.imag, b.imag, path + ".imag")
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = same(x, y, f"{path}[{i}]")
            if d:
                return d
        return ""
    if isinstance(a, dict):
        ka, kb = list(a.keys()), list(b.keys())
        if len(ka) != len(kb):
            return f"{path}: {len(ka)} keys != {len(kb)}"
        for i, (x, y) in enumerate(zip(ka, kb)):
            d = same(x, y, f"{path}.key{i}") or same(a[x], b[y], f"{path}[{x!r}]")
            if d:
                return d
        return ""
    if isinstance(a, (set, frozenset)):
        ra, rb = sorted(map(repr, a)), sorted(map(repr, b))
        return "" if ra == rb else f"{path}: {ra} != {rb}"
    if isinstance(a, decimal.Decimal):
        return "" if str(a) == str(b) else f"{path}: Decimal {a} != {b}"
    if isinstance(a, (datetime.datetime, datetime.time)):
        fields_equal = a.replace(tzinfo=None) == b.replace(tzinfo=None) and a.fold == b.fold
        tz_equal = repr(a.tzinfo) == repr(b.tzinfo)
        return "" if fields_equal and tz_equal else f"{path}: {a!r} != {b!r}"
    if isinstance(a, pd.DataFrame):
        return same_frame(a, b, path)
    if isinstance(a, pd.Series):
        if a.name != b.name:
            return f"{path}: Series name {a.name!r} != {b.name!r}"
        return same_frame(a.to_frame(), b.to_frame(), path)
    return "" if a == b else f"{path}: {a!r} != {b!r}"


def same_frame(a, b, path):
    if list(map(str, a.dtypes)) != list(map(str, b.dtypes)):
        return f"{path}: dtypes {list(map(str, a.dtypes))} != {list(map(str, b.dtypes))}"
    if list(a.columns) != list(b.columns):
        return f"{path}: columns {list(a.columns)} != {list(b.columns)}"
    if not a.index.equals(b.index):
        return f"{path}: index differs"
    return "" if a.equals(b) else f"{path}: values differ"


# ------------------------------------------------------------------ handlers


def install_screenshot_stand_in():
    """superset.utils.screenshots as the fixtures were written with it (test/fixtures/pickle/gen.py):
    our own minimal stand-in, so pickles of ScreenshotCachePayload load without Superset."""
    import types

    for n in ("superset", "superset.utils", "superset.utils.screenshots"):
        sys.modules.setdefault(n, types.ModuleType(n))
    sys.modules["superset"].utils = sys.modules["superset.utils"]
    sys.modules["superset.utils"].screenshots = sys.modules["superset.utils.screenshots"]
    src = (
        "from enum import Enum\n"
        "class StatusValues(Enum):\n"
        "    PENDING = 'Pending'\n"
        "    COMPUTING = 'Computing'\n"
        "    UPDATED = 'Updated'\n"
        "    ERROR = 'Error'\n"
        "class ScreenshotCachePayload:\n"
        "    def __init__(self, image=None, status=StatusValues.PENDING, timestamp=''):\n"
        "        self._image = image\n"
        "        self._timestamp = timestamp\n"
        "        self.status = StatusValues.UPDATED if image else status\n"
        "    def __eq__(self, other):\n"
        "        return type(other) is type(self) and vars(self) == vars(other)\n"
    )
    mod = sys.modules["superset.utils.screenshots"]
    exec(compile(src, "superset/utils/screenshots.py", "exec"), mod.__dict__)


install_screenshot_stand_in()


def op_gen(req):
    r = random.Random(req["seed"])
    items = []
    for _ in range(req["count"]):
        v = rand_value(r)
        items.append({"repr": repr(v)[:300], "pickle": pickle.dumps(v, pickle.HIGHEST_PROTOCOL).hex()})
    return {"items": items}


def op_large(_req):
    """Values whose pickles cross CPython's 64 KiB frame boundary in different ways."""
    values = {
        "ints_100k": list(range(100_000)),
        "str_70k": ["x" * 70_000],
        "bytes_70k_then_str": [b"\0" * 70_000, "after"],
        "dict_5000": {f"key{i}": i for i in range(5000)},
        "utf8_80k": "é" * 40_000,
        "strings_3000": [f"{i:050d}" for i in range(3000)],
        "nested_lists": [[i, [str(i) * 3, float(i)]] for i in range(20_000)],
        "bytearray_100k": bytearray(range(256)) * 400,
        "set_2500": set(range(2500)),
        "set_1000": set(range(1000)),
        "dict_1000_int_keys": {i: None for i in range(1000)},
        "list_1000": list(range(1000)),
        "tuples": [(i, -i, str(i), None) for i in range(10_000)],
        "frame_edge_65535": ["y" * 65_535, "z"],
        "frame_edge_65536": ["y" * 65_536, "z"],
    }
    return {"items": [{"name": k, "pickle": pickle.dumps(v, pickle.HIGHEST_PROTOCOL).hex()} for k, v in values.items()]}


def op_int_parse(req):
    """cachelib RedisSerializer.loads' fallback: int(value) if Python accepts it, else None."""
    out = []
    for h in req["items"]:
        try:
            out.append(str(int(bytes.fromhex(h))))
        except ValueError:
            out.append(None)
    return {"results": out}


def op_extras(_req):
    """numpy/pandas scalars, Series and DataFrame shapes beyond the fixtures, stdlib odds and ends."""
    import fractions
    import http
    import uuid

    vals = {
        "httpstatus": http.HTTPStatus.OK,
        "uuid": uuid.UUID(int=2**100),
        "fraction": fractions.Fraction(1, 3),
        "range": range(0, 10, 2),
        "slice": slice(1, None, 2),
        "np_int64": np.int64(-5),
        "np_float64": np.float64(2.5),
        "np_bool": np.bool_(True),
        "np_dt64": np.datetime64("2024-01-02T03:04:05", "us"),
        "np_td64": np.timedelta64(5, "s"),
        "ts_naive": pd.Timestamp("2024-01-02 03:04:05.123456789"),
        "ts_utc": pd.Timestamp("2024-01-02", tz="UTC"),
        "ts_ny": pd.Timestamp("2024-07-01 12:00", tz="America/New_York"),
        "nat": pd.NaT,
        "na": pd.NA,
        "timedelta": pd.Timedelta("1 day 2 hours"),
        "tuple_keys": {(1, "a"): [b"x", frozenset({1})]},
        "nested_empty": [[], {}, (), set(), frozenset(), "", b"", bytearray()],
        "dt_zoneinfo_fold": datetime.datetime(2024, 11, 3, 1, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"), fold=1),
        "series": pd.Series([1, 2, 3], name="s"),
        "df_multiindex": pd.DataFrame({"v": [1, 2]}, index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "n"])),
        "df_int_labels": pd.DataFrame({0: [1.5], 1: ["x"]}),
        "df_tz_index": pd.DataFrame({"v": [1, 2]}, index=pd.date_range("2024-01-01", periods=2, tz="Europe/Paris", name="t")),
        "df_obj_ints": pd.DataFrame({"n": pd.Series([1, None, 3], dtype=object)}),
        "df_cat_ordered": pd.DataFrame({"c": pd.Categorical(["lo", "hi", "lo"], categories=["lo", "mid", "hi"], ordered=True)}),
        "df_timedelta": pd.DataFrame({"d": pd.to_timedelta([1, 2], unit="s")}),
    }
    return {"items": [{"name": k, "pickle": pickle.dumps(v, pickle.HIGHEST_PROTOCOL).hex()} for k, v in vals.items()]}


def op_check(req):
    out = []
    for item in req["items"]:
        orig_bytes, ours_bytes = bytes.fromhex(item["orig"]), bytes.fromhex(item["ours"])
        try:
            orig = pickle.loads(orig_bytes)
            ours = pickle.loads(ours_bytes)
            detail = same(orig, ours)
        except Exception as e:  # report, never crash the peer
            detail = f"{type(e).__name__}: {e}"
        out.append({"name": item.get("name"), "ok": detail == "", "identical": orig_bytes == ours_bytes, "detail": detail})
    return {"results": out}


def op_frame(req):
    df = pickle.loads(bytes.fromhex(req["pickle"]))
    problems = []
    if not isinstance(df, pd.DataFrame):
        return {"ok": False, "detail": f"not a DataFrame: {type(df).__name__}"}
    if list(df.columns) != req["columns"]:
        problems.append(f"columns {list(df.columns)} != {req['columns']}")
    dtypes = {str(c): str(t) for c, t in df.dtypes.items()}
    for col, want in req["dtypes"].items():
        if dtypes.get(col) != want:
            problems.append(f"{col}: dtype {dtypes.get(col)} != {want}")
    for col, want in req.get("values", {}).items():
        got = [tagged.encode(_cell(v)) for v in df[col].tolist()]
        if json.dumps(got, sort_keys=True) != json.dumps(want, sort_keys=True):
            problems.append(f"{col}: values {json.dumps(got)[:300]} != {json.dumps(want)[:300]}")
    if "expect_pickle" in req:  # {column: [cells]} pickled by the caller
        for col, want in pickle.loads(bytes.fromhex(req["expect_pickle"])).items():
            got = [_cell(v) for v in df[col].tolist()]
            d = same(got, want, f"$[{col!r}]")
            if d:
                problems.append(d)
    return {
        "ok": not problems,
        "detail": "; ".join(problems),
        "dtypes": dtypes,
        "repickled": pickle.dumps(df, pickle.HIGHEST_PROTOCOL).hex(),
    }


def _cell(v):
    """pandas cell → plain Python: missing → None, Timestamp → int ns (UTC), numpy → Python."""
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, pd.Timestamp):
        return int(v.value)
    if isinstance(v, np.generic):
        return v.item()
    return v


def op_bench(req):
    data = open(req["file"], "rb").read()
    obj = pickle.loads(data)
    rounds, min_time = req.get("rounds", 5), req.get("min_time", 0.3)

    def timeit(fn):
        per_round = []
        for _ in range(rounds):
            n, start = 0, time.perf_counter()
            while True:
                fn()
                n += 1
                elapsed = time.perf_counter() - start
                if elapsed >= min_time:
                    break
            per_round.append(elapsed / n)
        return per_round

    return {
        "bytes": len(data),
        "loads": timeit(lambda: pickle.loads(data)),
        "dumps": timeit(lambda: pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)),
    }


def op_make_bench(req):
    import os

    rng = np.random.default_rng(42)
    d = req["dir"]
    os.makedirs(d, exist_ok=True)
    n = 100_000
    mixed = pd.DataFrame(
        {
            "id": np.arange(n, dtype="int64"),
            "value": rng.standard_normal(n),
            "flag": rng.integers(0, 2, n).astype(bool),
            "ts": pd.to_datetime(1_700_000_000_000_000_000 + rng.integers(0, 10**15, n)),
            "country": rng.choice(["France", "Japan", "Brazil", "Kenya", "Canada"], n).astype(object),
            "name": np.array([f"user_{i}" for i in range(n)], dtype=object),
            "label": rng.choice(["a", "bb", "ccc", "dddd"], n).astype(object),
            "maybe": np.where(rng.random(n) < 0.2, np.nan, rng.standard_normal(n)),
        }
    )
    m = 1_000_000
    numeric = pd.DataFrame({"a": np.arange(m, dtype="int64"), "b": rng.standard_normal(m)})
    r = random.Random(7)
    nested = [
        {
            "id": i,
            "name": f"row {i}",
            "score": r.random(),
            "tags": [f"t{r.randint(0, 50)}" for _ in range(4)],
            "meta": {"ok": True, "n": r.randint(0, 10**6), "ratio": r.random(), "note": None},
        }
        for i in range(11000)
    ]
    files = {}
    for name, obj in (("mixed_100k", mixed), ("numeric_1m", numeric), ("nested_1mb", nested)):
        path = os.path.join(d, name + ".pkl")
        with open(path, "wb") as f:
            f.write(pickle.dumps(obj, pickle.HIGHEST_PROTOCOL))
        files[name] = path
    return {"files": files}


def op_versions(_req):
    return {"python": sys.version.split()[0], "pandas": pd.__version__, "numpy": np.__version__, "protocol": pickle.HIGHEST_PROTOCOL}


OPS = {"extras": op_extras, "int_parse": op_int_parse, "large": op_large, "gen": op_gen, "check": op_check, "frame": op_frame, "bench": op_bench, "make_bench": op_make_bench, "versions": op_versions}


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            resp = OPS[req["op"]](req)
        except Exception as e:  # the caller sees the failure as data
            resp = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(resp) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
