"""One Python participant of the FileSystemCache concurrency test.

Runs mixed get/set/delete on a directory shared with other processes (Node and Python) through a
real Flask-Caching FileSystemCache for a given number of seconds, then prints one JSON summary.

Every value is self-describing bytes: b"<writer>:<seq>:" + padding + sha256(all before it). A
read is "whole" when the digest matches; a torn or mixed file cannot match.

usage: fs_writer.py DIR WRITER_ID SECONDS SEED THRESHOLD KEYS
"""

import hashlib
import json
import logging
import random
import sys
import time
import warnings

from flask import Flask
from flask_caching import Cache

warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)  # concurrent prunes log vanished files; the summary counts problems

DIGEST = 32


def make_value(writer, seq, rng):
    size = rng.choice((64, 1000, 5000, 70000, 200000))
    body = f"{writer}:{seq}:".encode() + rng.randbytes(size)
    return body + hashlib.sha256(body).digest()


def check_value(value):
    """(writer, seq) of a whole value, else None."""
    if not isinstance(value, bytes) or len(value) < DIGEST:
        return None
    body, digest = value[:-DIGEST], value[-DIGEST:]
    if hashlib.sha256(body).digest() != digest:
        return None
    writer, seq, _ = body.split(b":", 2)
    return writer.decode(), int(seq)


def main():
    cache_dir, writer, seconds, seed, threshold, keys = sys.argv[1:7]
    rng = random.Random(int(seed))
    app = Flask("fs_writer")
    cache = Cache(
        app,
        config={
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": cache_dir,
            "CACHE_THRESHOLD": int(threshold),
            "CACHE_DEFAULT_TIMEOUT": 300,
        },
    ).cache
    key_names = [f"k{i}" for i in range(int(keys))]
    summary = {"writer": writer, "sets": 0, "gets": 0, "hits": 0, "deletes": 0, "bad": [],
               "errors": [], "seen": {}}
    seq = 0
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline:
        key = rng.choice(key_names)
        roll = rng.random()
        try:
            if roll < 0.45:
                seq += 1
                cache.set(key, make_value(writer, seq, rng), timeout=rng.choice((0, 60, 3600)))
                summary["sets"] += 1
            elif roll < 0.9:
                summary["gets"] += 1
                value = cache.get(key)
                if value is not None:
                    summary["hits"] += 1
                    who = check_value(value)
                    if who is None:
                        summary["bad"].append(f"{key}: {len(value) if isinstance(value, bytes) else type(value)}")
                    else:
                        seen = summary["seen"].setdefault(who[0], [0, 0])
                        seen[0] += 1
                        seen[1] = max(seen[1], who[1])
            else:
                cache.delete(key)
                summary["deletes"] += 1
        except Exception as exc:  # any crash-worthy error is reported, not hidden
            summary["errors"].append(f"{type(exc).__name__}: {exc}")
    summary["last_seq"] = seq
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
