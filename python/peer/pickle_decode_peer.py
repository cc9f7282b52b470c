"""Differential peer for the TypeScript pickle *decoder*.

Usage: pickle_decode_peer.py SEED COUNT
Writes one JSON line per value: {"pickles": {protocol: hex, ...} for protocols 0..5,
"expect": tagged JSON}. Values come from pickle_peer.rand_value (seeded). The tagged form
follows test/fixtures/flask-caching/README.md with three additions the decoder needs:
frozenset -> {"$frozenset": [...]}, complex -> {"$complex": [repr(re), repr(im)]}, UUID ->
{"$uuid": str}, enum -> {"$enum", "name", "value": None}, numpy datetime64 -> {"$datetime64":
unit, "value"}, aware Timestamps in UTC, and an
aware datetime/time whose zone has no fixed offset in the pickle (zoneinfo) is written
without its offset (the pickle carries only the key; resolving it needs tz rules).
"""

import datetime
import decimal
import enum
import json
import math
import os
import pickle
import random
import sys
import uuid
import zoneinfo

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(__file__))
import pickle_peer  # noqa: E402  (seeded random value generator)

SAFE_INT = 2**53


def ftag(f):
    return f if math.isfinite(f) and not f.is_integer() else {"$float": repr(f)}


def iso_dt(v):
    if isinstance(v.tzinfo, zoneinfo.ZoneInfo):
        return v.replace(tzinfo=None).isoformat()
    return v.isoformat()


def enc(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if v is pd.NaT:
        return {"$nat": None}
    if isinstance(v, pd.Timestamp):
        # aware Timestamps are described in UTC (the pickle holds UTC nanoseconds)
        return {"$timestamp": (v.tz_convert("UTC") if v.tz is not None else v).isoformat()}
    if isinstance(v, np.datetime64):
        unit = np.datetime_data(v.dtype)[0]
        return {"$datetime64": unit, "value": str(int(v.astype("int64")))}
    if isinstance(v, np.generic):
        return enc(v.item())
    if isinstance(v, enum.Enum):
        # the decoder knows member values only for Superset's StatusValues
        return {"$enum": f"{type(v).__module__}.{type(v).__qualname__}", "name": v.name, "value": None}
    if isinstance(v, uuid.UUID):
        return {"$uuid": str(v)}
    if isinstance(v, int):
        return v if -SAFE_INT < v < SAFE_INT else {"$int": str(v)}
    if isinstance(v, float):
        return ftag(v)
    if isinstance(v, complex):
        return {"$complex": [repr(v.real), repr(v.imag)]}
    if isinstance(v, bytearray):
        return {"$bytearray": bytes(v).hex()}
    if isinstance(v, bytes):
        return {"$bytes": v.hex()}
    if isinstance(v, list):
        return [enc(x) for x in v]
    if isinstance(v, tuple):
        return {"$tuple": [enc(x) for x in v]}
    if isinstance(v, frozenset):
        return {"$frozenset": [enc(x) for x in v]}
    if isinstance(v, set):
        return {"$set": [enc(x) for x in v]}
    if isinstance(v, dict):
        if all(isinstance(k, str) and not k.startswith("$") for k in v):
            return {k: enc(x) for k, x in v.items()}
        return {"$dict": [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, decimal.Decimal):
        return {"$decimal": str(v)}
    if isinstance(v, datetime.datetime):
        return {"$datetime": iso_dt(v)}
    if isinstance(v, datetime.date):
        return {"$date": v.isoformat()}
    if isinstance(v, datetime.time):
        return {"$time": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"$timedelta": [v.days, v.seconds, v.microseconds]}
    raise TypeError(type(v).__name__)


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    r = random.Random(seed)
    out = sys.stdout
    for _ in range(count):
        v = pickle_peer.rand_value(r)
        try:
            expect = enc(v)
        except TypeError as e:  # a type this peer does not describe: report, the test counts it
            out.write(json.dumps({"skip": str(e)}) + "\n")
            continue
        pickles = {p: pickle.dumps(v, p).hex() for p in range(6)}
        out.write(json.dumps({"pickles": pickles, "expect": expect}) + "\n")


if __name__ == "__main__":
    main()
