"""Python peer for the FileSystemCache interop tests (a standalone script, not a flask_peer.py
``ops_<area>`` plug-in: it keeps its own process state and patches cachelib.file.time).

Drives a real Flask-Caching ``FileSystemCache`` (cachelib underneath) on a directory shared with
the TypeScript backend. Reads one JSON command per line on stdin, answers one JSON object per
line on stdout. Values travel as pickle hex, so any value (DataFrames included) crosses unchanged:
``set`` unpickles the given bytes and stores the object through Flask-Caching, ``get`` returns
``pickle.dumps(value, 5)`` of what Flask-Caching read.

Commands (``op`` plus arguments):
  open      dir, threshold?, default_timeout?, mode?, hash?("md5"|"sha256")  -> versions
  time      now (float seconds) or null to use the real clock                 -> {}
  set/add   key, pickle_hex, timeout? (seconds; omitted = default)            -> result
  get       key, expect_pickle_hex? -> found (value is not None), pickle_hex, same?, equal?
  repickle  pickle_hex -> pickle.dumps(pickle.loads(bytes), 5) in this process
  has/delete key -> result;  inc/dec key, delta -> result;  clear -> result
  count     -> the count file value as cachelib reads it (``_file_count``)
  filename  key -> cachelib's file name
"""

import hashlib
import json
import logging
import pickle
import sys
import warnings

import cachelib
import cachelib.file
import flask_caching
from flask import Flask
from flask_caching import Cache

warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)  # cachelib logs corrupt files; the tests look at results

_fixed_now = None
_real_time = cachelib.file.time


def _clock():
    return _real_time() if _fixed_now is None else _fixed_now


# cachelib.file does `from time import time`; replacing that name controls every expiry decision.
cachelib.file.time = _clock

state = {"cache": None}


def backend():
    return state["cache"].cache


def handle(cmd):
    global _fixed_now
    op = cmd["op"]
    if op == "open":
        options = {}
        if cmd.get("mode") is not None:
            options["mode"] = cmd["mode"]
        if cmd.get("hash"):
            options["hash_method"] = getattr(hashlib, cmd["hash"])
        config = {
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": cmd["dir"],
            "CACHE_THRESHOLD": cmd.get("threshold", 500),
            "CACHE_DEFAULT_TIMEOUT": cmd.get("default_timeout", 300),
            "CACHE_OPTIONS": options,
        }
        app = Flask("ops_fs")
        state["cache"] = Cache(app, config=config)
        return {"flask_caching": flask_caching.__version__, "cachelib": cachelib.__version__}
    if op == "time":
        _fixed_now = cmd["now"]
        return {}
    if op in ("set", "add"):
        value = pickle.loads(bytes.fromhex(cmd["pickle_hex"]))
        fn = getattr(backend(), op)
        if "timeout" in cmd:
            return {"result": bool(fn(cmd["key"], value, cmd["timeout"]))}
        return {"result": bool(fn(cmd["key"], value))}
    if op == "get":
        value = backend().get(cmd["key"])
        out = {"found": value is not None, "pickle_hex": pickle.dumps(value, 5).hex()}
        if "expect_pickle_hex" in cmd:
            # Both objects re-pickled by this process: equal bytes = equal values (NaN-safe,
            # DataFrame-safe), independent of how the original writer memoised.
            expected = pickle.loads(bytes.fromhex(cmd["expect_pickle_hex"]))
            out["same"] = pickle.dumps(expected, 5).hex() == out["pickle_hex"]
            try:
                out["equal"] = bool(value == expected)  # value equality, ignoring object sharing
            except Exception:  # e.g. DataFrame truth value; "same" still answers
                out["equal"] = False
        return out
    if op == "repickle":
        return {"result": pickle.dumps(pickle.loads(bytes.fromhex(cmd["pickle_hex"])), 5).hex()}
    if op in ("has", "delete"):
        return {"result": bool(getattr(backend(), op)(cmd["key"]))}
    if op in ("inc", "dec"):
        return {"result": getattr(backend(), op)(cmd["key"], cmd.get("delta", 1))}
    if op == "clear":
        return {"result": bool(backend().clear())}
    if op == "count":
        return {"result": backend()._file_count}
    if op == "filename":
        return {"result": backend()._get_filename(cmd["key"]).rsplit("/", 1)[-1]}
    raise ValueError(f"unknown op {op!r}")


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out = {"ok": True, **handle(json.loads(line))}
        except Exception as exc:  # reported to the test, which decides
            out = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
