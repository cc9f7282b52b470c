"""Tagged JSON <-> Python values, the convention of test/fixtures/flask-caching/README.md.

Plain JSON carries None/bool/str/list/str-keyed dicts and ints below 2**53 and non-integral
finite floats. Everything else is a one-key object whose key starts with "$":
$int, $float (repr), $bytes/$bytearray (hex), $tuple, $set (sorted by repr), $dict (pairs),
$decimal, $datetime, $date, $time, $timedelta [d, s, us], $timestamp, $nat, $dataframe
({columns, index, dtypes, data: row-major}). Both directions, recursively.
"""

import datetime
import decimal
import math

try:  # pandas is optional for the peer; only DataFrame/Timestamp tags need it
    import pandas as pd
except ImportError:  # pragma: no cover
    pd = None

SAFE_INT = 2**53


def _float_tag(f):
    if math.isfinite(f) and not f.is_integer():
        return f
    return {"$float": repr(f)}


def encode(v):
    """Python value -> tagged JSON-able value."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if -SAFE_INT < v < SAFE_INT else {"$int": str(v)}
    if isinstance(v, float):
        return _float_tag(v)
    if isinstance(v, bytearray):
        return {"$bytearray": bytes(v).hex()}
    if isinstance(v, bytes):
        return {"$bytes": v.hex()}
    if pd is not None:
        if v is pd.NaT:
            return {"$nat": None}
        if isinstance(v, pd.Timestamp):
            return {"$timestamp": v.isoformat()}
        if isinstance(v, pd.DataFrame):
            return {"$dataframe": _encode_frame(v)}
    if hasattr(v, "item") and hasattr(v, "dtype"):  # numpy scalar
        return encode(v.item())
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, tuple):
        return {"$tuple": [encode(x) for x in v]}
    if isinstance(v, (set, frozenset)):
        return {"$set": [encode(x) for x in sorted(v, key=repr)]}
    if isinstance(v, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in v):
            return {k: encode(x) for k, x in v.items()}
        return {"$dict": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, decimal.Decimal):
        return {"$decimal": str(v)}
    if isinstance(v, datetime.datetime):
        return {"$datetime": v.isoformat()}
    if isinstance(v, datetime.date):
        return {"$date": v.isoformat()}
    if isinstance(v, datetime.time):
        return {"$time": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"$timedelta": [v.days, v.seconds, v.microseconds]}
    raise TypeError(f"no tagged form for {type(v).__module__}.{type(v).__qualname__}")


def _encode_frame(df):
    return {
        "columns": [encode(c) for c in df.columns],
        "index": [encode(i) for i in df.index],
        "dtypes": {str(c): str(t) for c, t in df.dtypes.items()},
        "data": [[encode(cell) for cell in row] for row in df.itertuples(index=False, name=None)],
    }


def _decode_frame(spec):
    columns = [decode(c) for c in spec["columns"]]
    rows = [[decode(cell) for cell in row] for row in spec["data"]]
    df = pd.DataFrame(rows, columns=columns, index=[decode(i) for i in spec["index"]])
    if not rows:
        df = pd.DataFrame({c: [] for c in columns}, index=[decode(i) for i in spec["index"]])
    dtypes = spec.get("dtypes") or {}
    for c in columns:
        t = dtypes.get(str(c))
        if t and str(df[c].dtype) != t:
            df[c] = df[c].astype(t)
    return df


_DECODERS = {
    "$int": lambda a: int(a),
    "$float": lambda a: float(a),
    "$bytes": lambda a: bytes.fromhex(a),
    "$bytearray": lambda a: bytearray.fromhex(a),
    "$tuple": lambda a: tuple(decode(x) for x in a),
    "$set": lambda a: {decode(x) for x in a},
    "$frozenset": lambda a: frozenset(decode(x) for x in a),
    "$dict": lambda a: {decode(k): decode(x) for k, x in a},
    "$decimal": lambda a: decimal.Decimal(a),
    "$datetime": lambda a: datetime.datetime.fromisoformat(a),
    "$date": lambda a: datetime.date.fromisoformat(a),
    "$time": lambda a: datetime.time.fromisoformat(a),
    "$timedelta": lambda a: datetime.timedelta(days=a[0], seconds=a[1], microseconds=a[2]),
    "$timestamp": lambda a: pd.Timestamp(a),
    "$nat": lambda a: pd.NaT,
    "$dataframe": _decode_frame,
}


def decode(v):
    """Tagged JSON value -> Python value."""
    if isinstance(v, list):
        return [decode(x) for x in v]
    if isinstance(v, dict):
        if len(v) == 1:
            (tag, arg), = v.items()
            fn = _DECODERS.get(tag)
            if fn is not None:
                return fn(arg)
            if tag.startswith("$"):
                raise ValueError(f"unknown tag {tag!r}")
        return {k: decode(x) for k, x in v.items()}
    return v
