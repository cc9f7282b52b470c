"""Long-running Python peer for interop tests: real flask_caching.Cache objects driven over JSON lines.

Protocol (one JSON object per line each way, strictly request/response, in order):

  request   {"op": "<name>", "cache": "<handle, default 'default'>", ...arguments}
  response  {"ok": true, "result": <tagged JSON>}
            {"ok": false, "error": "<message>", "type": "<Python exception class>"}

Values travel as tagged JSON (python/peer/tagged.py, the convention of
test/fixtures/flask-caching/README.md). Timeouts are SECONDS, omitted = the cache default.

Core ops:
  versions                       -> {python, flask_caching, cachelib, redis, pandas, numpy}
  open   config:{CACHE_*...}     -> backend class name; builds Cache(Flask app, config) under `cache`
  close                          -> true; forgets the handle
  set/add key value timeout?     -> bool          get key -> value (None -> null)
  get_many keys                  -> [values]      set_many items:[[k, v]...] timeout? -> [keys]
  delete key -> bool             delete_many keys -> [keys]        has key -> bool
  inc/dec key delta?             -> int (backend's inc/dec, as cache.cache.inc)
  clear                          -> bool
  raw_get key                    -> stored bytes as hex or null: Redis value (prefix applied),
                                    FileSystem file content, SimpleCache [expires, pickle hex]
  set_time now:<float|null>      -> makes time.time() inside cachelib return `now` (null = real time)
  load_ops module:"ops_<area>"   -> names of the ops the module adds

Extending: a module python/peer/ops_<area>.py defines `PEER_OPS = {"op_name": fn}` where
`fn(peer, request) -> result` (peer is the Peer below: `peer.cache(request)` returns the
Flask-Caching object, `peer.backend(request)` its backend, `tagged.encode/decode` convert values).
Load it per run with `--ops ops_area` on the command line or with the `load_ops` op.
"""

import argparse
import importlib
import json
import logging
import os
import platform
import sys
import time as _time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cachelib  # noqa: E402
import cachelib.file  # noqa: E402
import cachelib.memcached  # noqa: E402
import cachelib.simple  # noqa: E402
import flask_caching  # noqa: E402
from flask import Flask  # noqa: E402
from flask_caching import Cache  # noqa: E402

import tagged  # noqa: E402

warnings.simplefilter("ignore")  # Flask-Caching warns on NullCache and deprecated type names
logging.disable(logging.CRITICAL)  # cachelib logs unpickling failures; the tests read results

_real_time = _time.time
_fixed_now = None


def _clock():
    return _real_time() if _fixed_now is None else _fixed_now


# cachelib modules do `from time import time`, so their module-level name `time` is what they call.
for _module in (cachelib.simple, cachelib.file, cachelib.memcached):
    _module.time = _clock


def _versions():
    out = {
        "python": platform.python_version(),
        "flask_caching": flask_caching.__version__,
        "cachelib": getattr(cachelib, "__version__", None),
    }
    for name in ("redis", "pandas", "numpy", "msgpack", "simplejson"):
        try:
            mod = importlib.import_module(name)
            out[name] = getattr(mod, "__version__", None) or ".".join(map(str, getattr(mod, "version", ())))
        except Exception:  # noqa: BLE001 - optional
            out[name] = None
    return out


def _timeout_args(req):
    return (req["timeout"],) if req.get("timeout") is not None else ()


class Peer:
    def __init__(self):
        self.caches = {}
        self.ops = {
            "versions": lambda r: _versions(),
            "open": self.op_open,
            "close": self.op_close,
            "set": lambda r: bool(self.cache(r).set(r["key"], tagged.decode(r["value"]), *_timeout_args(r))),
            "add": lambda r: bool(self.cache(r).add(r["key"], tagged.decode(r["value"]), *_timeout_args(r))),
            "get": lambda r: tagged.encode(self.cache(r).get(r["key"])),
            "get_many": lambda r: [tagged.encode(v) for v in self.cache(r).get_many(*r["keys"])],
            "set_many": lambda r: list(
                self.cache(r).set_many({k: tagged.decode(v) for k, v in r["items"]}, *_timeout_args(r))
            ),
            "delete": lambda r: bool(self.cache(r).delete(r["key"])),
            "delete_many": lambda r: list(self.cache(r).delete_many(*r["keys"])),
            "has": lambda r: bool(self.cache(r).has(r["key"])),
            "inc": lambda r: tagged.encode(self.backend(r).inc(r["key"], r.get("delta", 1))),
            "dec": lambda r: tagged.encode(self.backend(r).dec(r["key"], r.get("delta", 1))),
            "clear": lambda r: bool(self.cache(r).clear()),
            "raw_get": self.op_raw_get,
            "set_time": self.op_set_time,
            "load_ops": lambda r: self.load_ops(r["module"]),
        }

    def cache(self, req):
        name = req.get("cache", "default")
        if name not in self.caches:
            raise KeyError(f"no cache opened under {name!r}")
        return self.caches[name]

    def backend(self, req):
        return self.cache(req).cache

    def op_open(self, req):
        app = Flask(f"peer_{req.get('cache', 'default')}")
        config = dict(req.get("config") or {})
        if "CACHE_REDIS_SENTINELS" in config:
            config["CACHE_REDIS_SENTINELS"] = [tuple(s) for s in config["CACHE_REDIS_SENTINELS"]]
        cache = Cache(app, config=config)
        self.caches[req.get("cache", "default")] = cache
        return type(cache.cache).__name__

    def op_close(self, req):
        self.caches.pop(req.get("cache", "default"), None)
        return True

    def op_raw_get(self, req):
        b = self.backend(req)
        key = req["key"]
        if isinstance(b, cachelib.simple.SimpleCache):
            entry = b._cache.get(key)
            return None if entry is None else [entry[0], entry[1].hex()]
        if isinstance(b, cachelib.file.FileSystemCache):
            try:
                with open(b._get_filename(key), "rb") as f:
                    return f.read().hex()
            except FileNotFoundError:
                return None
        client = getattr(b, "_read_client", None) or getattr(b, "_write_client", None)
        if client is not None:
            prefix = b.key_prefix or ""
            raw = client.get(prefix + key)
            return None if raw is None else raw.hex()
        raise TypeError(f"raw_get does not know backend {type(b).__name__}")

    def op_set_time(self, req):
        global _fixed_now
        _fixed_now = req.get("now")
        return True

    def load_ops(self, module_name):
        if not module_name.startswith("ops_"):
            raise ValueError("ops modules are named ops_<area>")
        module = importlib.import_module(module_name)
        added = getattr(module, "PEER_OPS")
        for name, fn in added.items():
            self.ops[name] = (lambda f: lambda r: f(self, r))(fn)
        return sorted(added)

    def handle(self, req):
        fn = self.ops.get(req.get("op"))
        if fn is None:
            raise ValueError(f"unknown op {req.get('op')!r}")
        return fn(req)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", default="", help="comma-separated ops_<area> modules to load")
    args = parser.parse_args()
    peer = Peer()
    for name in filter(None, args.ops.split(",")):
        peer.load_ops(name)
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            out = {"ok": True, "result": peer.handle(json.loads(line))}
        except Exception as exc:  # noqa: BLE001 - reported to the test, which decides
            out = {"ok": False, "error": str(exc), "type": type(exc).__name__}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
