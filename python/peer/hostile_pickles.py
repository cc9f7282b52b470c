"""Hostile pickles for the TypeScript decoder's hostile-input suite (test/codecs/hostile/).

Usage: hostile_pickles.py
Writes one JSON object {name: hex} to stdout. Every pickle is under 64 KB; each targets one
way a small input could make a decoder build gigabytes (shared references, zero-size numpy
items, placements over unmodelled block values, hex expansion of bytes cells, long numpy strs,
long ASCII integers). Hand-written opcodes where Python would refuse to build the object.
"""

import json
import pickle
import struct
import sys

import numpy as np
import pandas as pd


def s(text):
    b = text.encode()
    return b"\x8c" + bytes([len(b)]) + b if len(b) < 256 else b"X" + struct.pack("<I", len(b)) + b


def glob(module, name):
    return s(module) + s(name) + b"\x93"


def int_(v):
    if 0 <= v < 256:
        return b"K" + bytes([v])
    if -(2**31) <= v < 2**31:
        return b"J" + struct.pack("<i", v)
    raw = v.to_bytes((v.bit_length() + 8) // 8, "little", signed=True)
    return b"\x8a" + bytes([len(raw)]) + raw


def tup(*items):
    return b"(" + b"".join(items) + b"t"


def call(fn, *args):
    return fn + tup(*args) + b"R"


def frame(body):
    return b"\x80\x05" + body + b"."


NONE = b"N"


def dtype(code, state):
    return call(glob("numpy", "dtype"), s(code), b"\x89", b"\x88") + tup(*state) + b"b"


def ndarray(shape, dt, data):
    arr = call(
        glob("numpy.core.multiarray", "_reconstruct"),
        glob("numpy", "ndarray"),
        tup(int_(0)),
        b"C" + bytes([1]) + b"b",
    )
    return arr + tup(int_(1), tup(*[int_(d) for d in shape]), dt, b"\x89", data) + b"b"


def cases():
    out = {}
    # Block placement slice(0, 10**9) over block values the decoder does not model.
    unknown = call(glob("pandas.core.arrays.period", "PeriodArray"))
    placement = call(glob("builtins", "slice"), int_(0), int_(40_000_000), int_(1))
    out["frame-slice-placement"] = frame(
        call(glob("pandas._libs.internals", "_unpickle_block"), unknown, placement, int_(2))
    )
    # numpy dtypes of item size 0: shape × 0 == len(b"") for any shape.
    for code, kind in (("S0", "|"), ("U0", "<"), ("V0", "|")):
        dt = dtype(code, (int_(3), s(kind), NONE, NONE, NONE, int_(0), int_(1), int_(0)))
        out[f"numpy-itemsize0-{code}"] = frame(ndarray((50_000_000,), dt, b"C\x00"))
        out[f"numpy-itemsize0-{code}-2d"] = frame(ndarray((5_000, 5_000), dt, b"C\x00"))
        # The same array as a DataFrame column: every item becomes a cell.
        column = b"}(" + s("a") + ndarray((40_000_000,), dt, b"C\x00") + b"u"
        out[f"frame-itemsize0-{code}"] = frame(call(glob("pandas.core.frame", "DataFrame"), column, NONE, NONE))
    # A numpy str scalar of 125,000 characters (a real numpy output).
    out["numpy-long-str"] = pickle.dumps(np.str_("A" * 125_000), protocol=5)
    # Object columns: one bytes value referenced by every cell (hex-encoded per cell).
    blob = bytes(range(256)) * 128  # 32 KiB
    out["frame-bytes-cells"] = pickle.dumps(pd.DataFrame({"a": [blob] * 12_000}), protocol=5)
    # The same in a mixed object column, which goes through tagged JSON ({"$bytes": hex}).
    out["frame-bytes-cells-mixed"] = pickle.dumps(pd.DataFrame({"a": [blob] * 12_000 + [1]}), protocol=5)
    # Object columns: a DAG of shared lists (2^40 nodes when expanded) in one cell.
    dag = [0]
    for _ in range(40):
        dag = [dag, dag]
    out["frame-dag-cell"] = pickle.dumps(pd.DataFrame({"a": [dag, 1]}), protocol=5)
    # The same DAG in every cell of a 5,000-row object column (per-frame, not per-cell, budget).
    small = [0]
    for _ in range(14):
        small = [small, small]
    out["frame-dag-many-cells"] = pickle.dumps(pd.DataFrame({"a": [small] * 5_000}), protocol=5)
    # A long str joined many times (DataFrame index metadata / cells of one shared str).
    text = "x" * 30_000
    out["frame-shared-long-str"] = pickle.dumps(pd.DataFrame({"a": [(text,)] * 10_000}), protocol=5)
    # Text-protocol integer of 60,000 digits (checked before it is built).
    out["text-long-int"] = b"I" + b"9" * 60_000 + b"\n."
    out["text-long-long"] = b"L" + b"9" * 60_000 + b"L\n."
    return {k: v.hex() for k, v in out.items()}


if __name__ == "__main__":
    json.dump(cases(), sys.stdout)
