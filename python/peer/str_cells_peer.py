"""Writes the pickles test/unit/pickle-str-cells.test.ts decodes (reads JSON on stdin).

Input: {"frames": [[[cell, ...] per column] per case], "protocols": [..]}
  cells are str or None (lone surrogates arrive as JSON \\udXXX escapes).
Output: {"frames": [{"protocol", "hex", "columns": {name: [cells]}}],
         "escapes": [{"name", "hex", "expect": [...]}],
         "bare": [{"name", "hex", "expect": [...], "fast": bool}]}
"escapes" are hand-assembled pickles that read the str list, its strs or its state tuple
back from the memo after the ndarray, checking the decoder never lets the list leak.
"""
import json
import pickle
import pickletools
import sys

import numpy as np
import pandas as pd


def unframed_body(data):
    """The opcodes of a protocol-4 pickle without PROTO, FRAME and STOP."""
    ops = list(pickletools.genops(data))
    assert ops[0][0].name == "PROTO"
    out = bytearray()
    for i, (op, _arg, pos) in enumerate(ops):
        if op.name in ("PROTO", "FRAME", "STOP"):
            continue
        end = ops[i + 1][2] if i + 1 < len(ops) else len(data)
        out += data[pos:end]
    return bytes(out), ops


def memo_index_of(ops, predicate):
    """Memo index given by the MEMOIZE right after the last opcode matching predicate."""
    count = 0
    found = None
    for i, (op, arg, _pos) in enumerate(ops):
        if op.name == "MEMOIZE":
            count += 1
            continue
        if predicate(op, arg) and ops[i + 1][0].name == "MEMOIZE":
            found = count
    assert found is not None, "no such memoized opcode"
    return found


def escapes():
    arr = np.array(["alpha", "beta", None, "alpha"], dtype=object)
    body, ops = unframed_body(pickle.dumps(arr, protocol=4))
    list_idx = memo_index_of(ops, lambda op, a: op.name == "EMPTY_LIST")
    str_idx = memo_index_of(ops, lambda op, a: op.name == "SHORT_BINUNICODE" and a == "beta")
    # The state tuple is the last TUPLE (the dtype's state tuple comes first).
    tuple_idx = memo_index_of(ops, lambda op, a: op.name == "TUPLE")
    get = lambda i: b"\x6a" + i.to_bytes(4, "little")  # LONG_BINGET
    cases = [
        ("list-after", b"\x80\x04(" + body + get(list_idx) + get(str_idx) + b"t."),
        ("state-after", b"\x80\x04(" + body + get(tuple_idx) + b"t."),
    ]
    # The state tuple wrapped twice (TUPLE1 TUPLE1) instead of reaching BUILD: a list that
    # escaped as references would show inside it.
    appends_end = body.rindex(b"e") + 1  # the last APPENDS closes the list body
    cases.append(("nested-tuple", b"\x80\x04(" + body[:appends_end] + b"t\x85\x85t."))
    # A PUT over a scanned str's memo slot, then reads of that slot and of the state tuple.
    put = b"\x72" + str_idx.to_bytes(4, "little")  # LONG_BINPUT
    cases.append(("put-over", b"\x80\x04(" + body + b"K\x07" + put + b"0" + get(str_idx) + get(tuple_idx) + b"t."))
    out = []
    for name, data in cases:
        value = pickle.loads(data)
        expect = [v.tolist() if isinstance(v, np.ndarray) else list(v) if isinstance(v, tuple) else v for v in value]
        # The state tuple holds a dtype and shape; keep only its data list.
        if name == "state-after":
            expect = [expect[0], list(value[1][4])]
        if name == "put-over":
            expect = [expect[0], value[1], list(value[2][4])]
        if name == "nested-tuple":
            expect = [list(value[1][0][0][4])]
        out.append({"name": name, "hex": data.hex(), "expect": expect})
    return out


def bare():
    """1-D object arrays; "fast" says whether the decoder may keep the cells as UTF-8 references."""
    cases = [
        ("ascii", ["a", "bb", None, "a", ""], 4, True),
        ("long-and-wide", ["x" * 300, "\u00e9t\u00e9", "\U0001f600", None], 5, True),
        ("lone-surrogate", ["a", "\ud800", "b"], 4, False),
        ("not-all-str", ["a", 1, None], 4, False),
        ("protocol-2", ["a", "b"], 2, False),
    ]
    out = []
    for name, cells, protocol, fast in cases:
        arr = np.array(cells, dtype=object)
        data = pickle.dumps(arr, protocol=protocol)
        out.append({"name": name, "hex": data.hex(), "expect": pickle.loads(data).tolist(), "fast": fast})
    return out


def main():
    req = json.loads(sys.stdin.read())
    frames = []
    for columns in req["frames"]:
        # Equal strs share one object, as in real frames, so the pickle memoizes them (BINGET).
        pool = {}
        columns = [[c if c is None else pool.setdefault(c, c) for c in col] for col in columns]
        df = pd.DataFrame({f"c{i}": pd.Series(cells, dtype=object) for i, cells in enumerate(columns)})
        for protocol in req["protocols"]:
            data = pickle.dumps(df, protocol=protocol)
            back = pickle.loads(data)
            frames.append(
                {
                    "protocol": protocol,
                    "hex": data.hex(),
                    "columns": {c: list(back[c]) for c in back.columns},
                }
            )
    json.dump({"frames": frames, "escapes": escapes(), "bare": bare()}, sys.stdout)


if __name__ == "__main__":
    main()
