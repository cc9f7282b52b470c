"""Python side of bench/suites/filesystem.ts: times cachelib's FileSystemCache (through
Flask-Caching 2.0.2, as Superset builds it) on its own loop.

Reads one JSON command per line on stdin, answers one JSON line:
  {"op": "setup", "dir": D, "size": N, "keys": K}   fills K keys with N-byte `bytes` values
  {"op": "round", "case": "get"|"set"|"miss", "ms": M}  runs the loop for M ms
      -> {"ops_per_sec": x, "faults_per_op": minor page faults of the process per call}
("miss" gets keys that were never set.)
The test harness alternates Python and Node rounds so both see the same machine load.
"""

import json
import os
import resource
import sys
import time
import warnings

from flask import Flask
from flask_caching import Cache

warnings.simplefilter("ignore")

# Check the clock only every CHECK_EVERY calls, so timing does not dominate fast gets.
CHECK_EVERY = 16

state = {}


def setup(cmd):
    cache = Cache(
        Flask("fs_bench"),
        config={"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": cmd["dir"], "CACHE_DEFAULT_TIMEOUT": 0},
    ).cache
    value = os.urandom(cmd["size"])
    keys = [f"bench:{i}" for i in range(cmd["keys"])]
    for key in keys:
        cache.set(key, value, timeout=0)
    state.update(cache=cache, value=value, keys=keys)
    return {}


def run_round(cmd):
    cache, value, keys = state["cache"], state["value"], state["keys"]
    nkeys = len(keys)
    get, set_ = cache.get, cache.set
    n = 0
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    start = time.perf_counter()
    end = start + cmd["ms"] / 1000
    if cmd["case"] == "get":
        while True:
            for _ in range(CHECK_EVERY):
                if get(keys[n % nkeys]) is None:
                    raise RuntimeError("bench key missing")
                n += 1
            if time.perf_counter() >= end:
                break
    elif cmd["case"] == "miss":
        absent = [f"absent:{i}" for i in range(nkeys)]
        while True:
            for _ in range(CHECK_EVERY):
                if get(absent[n % nkeys]) is not None:
                    raise RuntimeError("absent key found")
                n += 1
            if time.perf_counter() >= end:
                break
    else:
        while True:
            for _ in range(CHECK_EVERY):
                set_(keys[n % nkeys], value, timeout=0)
                n += 1
            if time.perf_counter() >= end:
                break
    elapsed = time.perf_counter() - start
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
    return {"ops_per_sec": n / elapsed, "faults_per_op": faults / n}


def main():
    for line in sys.stdin:
        cmd = json.loads(line)
        out = setup(cmd) if cmd["op"] == "setup" else run_round(cmd)
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
