#!/usr/bin/env python3
"""Python side of the metastore / temporary-cache interop tests of superset-cache.

Reads one JSON request on stdin, writes one JSON answer on stdout. It reproduces what
Superset does with the standard library only (uuid, hashlib, json, pickle, datetime) and
talks to the databases through the psql / mysql command-line clients (no Python DB driver
is needed), and to Redis through Flask-Caching's RedisCache.

Requests ("op"):
  uuid        {keys, prefix, algorithm}                 -> {uuids}
  encode      {codec, values_json}                      -> {hex}
  db_write    {dialect, db, prefix, algorithm, codec, rows:[{key, value_json, timeout}]}
              Superset's upsert: UPDATE the row of that uuid if any, else INSERT.
  db_read     {dialect, db, prefix, algorithm, codec, keys} -> {rows:[{found, expired, value_json, hex}]}
  redis_set   {port, prefix, default_timeout, items:[{key, value_json, enum_datasource_type?, timeout?}]}
  redis_get   {port, prefix, keys}                      -> {values:[{found, json, types}]}
  session_ids {requests:[{remote, forwarded, ua}]}      -> {bases, ids}  (Flask-Login _id)
  cache_keys  {parts:[[part | {"enum": value}]]}         -> {keys}        (temporary_cache cache_key)
  json_roundtrip {texts}                                -> {texts}       json.dumps(json.loads(t))
  json_parse  {hex}                                     -> {results}     json.dumps(json.loads(b)) or null
"""
import enum
import hashlib
import json
import pickle
import subprocess
import sys
import types
from datetime import datetime, timedelta
from uuid import UUID, uuid3

RESOURCE = "superset_metastore_cache"


def install_superset_stub():
    """A module named superset.utils.core with DatasourceType, so pickles reference the same
    global as a real Superset (STACK_GLOBAL superset.utils.core DatasourceType)."""
    if "superset.utils.core" in sys.modules:
        return sys.modules["superset.utils.core"].DatasourceType
    pkg = types.ModuleType("superset")
    utils = types.ModuleType("superset.utils")
    core = types.ModuleType("superset.utils.core")

    class DatasourceType(enum.StrEnum):
        TABLE = "table"
        DATASET = "dataset"
        QUERY = "query"
        SAVEDQUERY = "saved_query"
        VIEW = "view"

    DatasourceType.__module__ = "superset.utils.core"
    DatasourceType.__qualname__ = "DatasourceType"
    core.DatasourceType = DatasourceType
    pkg.utils = utils
    utils.core = core
    sys.modules.update({"superset": pkg, "superset.utils": utils, "superset.utils.core": core})
    return DatasourceType


def namespace(seed, algorithm):
    if algorithm == "sha256":
        return UUID(bytes=hashlib.sha256(seed.encode("utf-8")).digest()[:16])
    return UUID(hashlib.md5(seed.encode("utf-8")).hexdigest())


def encode(codec, value):
    if codec == "json":
        return bytes(json.dumps(value), encoding="utf-8")
    return pickle.dumps(value)


def decode(codec, raw):
    return json.loads(raw) if codec == "json" else pickle.loads(raw)


def run_sql(dialect, db, sql):
    if dialect == "postgresql":
        cmd = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-At", "-F", "\t",
               "-v", "ON_ERROR_STOP=1", "-c", sql]
    else:
        cmd = ["mysql", "-h", "127.0.0.1", "-uroot", "-N", "-B", db, "-e", sql]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def uuid_literal(dialect, u):
    return f"'{u}'" if dialect == "postgresql" else f"X'{u.hex}'"


def bytes_literal(dialect, b):
    return f"decode('{b.hex()}', 'hex')" if dialect == "postgresql" else f"X'{b.hex()}'"


def ts_literal(dt):
    return "NULL" if dt is None else f"'{dt.isoformat(sep=' ')}'"


def db_write(req):
    ns = namespace(req["prefix"], req["algorithm"])
    d, db = req["dialect"], req["db"]
    for row in req["rows"]:
        u = uuid3(ns, row["key"])
        value = encode(req["codec"], json.loads(row["value_json"]))
        timeout = row.get("timeout") or 0
        now = datetime.now()
        expires = now + timedelta(seconds=timeout) if timeout > 0 else None
        where = f"resource = '{RESOURCE}' AND uuid = {uuid_literal(d, u)}"
        found = run_sql(d, db, f"SELECT id FROM key_value WHERE {where}")
        if found:
            run_sql(d, db, f"UPDATE key_value SET value = {bytes_literal(d, value)}, "
                           f"expires_on = {ts_literal(expires)}, changed_on = {ts_literal(now)}, "
                           f"changed_by_fk = NULL WHERE {where}")
        else:
            run_sql(d, db, "INSERT INTO key_value (resource, value, uuid, created_on, created_by_fk, "
                           f"expires_on) VALUES ('{RESOURCE}', {bytes_literal(d, value)}, "
                           f"{uuid_literal(d, u)}, {ts_literal(now)}, NULL, {ts_literal(expires)})")
    return {"ok": True}


def db_read(req):
    ns = namespace(req["prefix"], req["algorithm"])
    d, db = req["dialect"], req["db"]
    hex_expr = "encode(value, 'hex')" if d == "postgresql" else "HEX(value)"
    rows = []
    for key in req["keys"]:
        u = uuid3(ns, key)
        found = run_sql(d, db, f"SELECT {hex_expr}, COALESCE(CAST(expires_on AS CHAR(32)), '') "
                               f"FROM key_value WHERE resource = '{RESOURCE}' AND uuid = {uuid_literal(d, u)} "
                               "ORDER BY id") if d == "mysql" else run_sql(
            d, db, f"SELECT {hex_expr}, COALESCE(expires_on::text, '') FROM key_value "
                   f"WHERE resource = '{RESOURCE}' AND uuid = {uuid_literal(d, u)} ORDER BY id")
        if not found:
            rows.append({"found": False, "count": 0})
            continue
        raw = bytes.fromhex(found[0][0])
        expires = found[0][1]
        expired = bool(expires) and datetime.fromisoformat(expires) <= datetime.now()
        rows.append({"found": True, "count": len(found), "expired": expired, "hex": raw.hex(),
                     "expires_on": expires or None,
                     "value_json": json.dumps(decode(req["codec"], raw))})
    return {"rows": rows}


def redis_cache(req):
    from flask import Flask
    from flask_caching import Cache

    app = Flask("meta_peer")
    cache = Cache(app, config={
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_HOST": "127.0.0.1",
        "CACHE_REDIS_PORT": req["port"],
        "CACHE_KEY_PREFIX": req["prefix"],
        "CACHE_DEFAULT_TIMEOUT": req.get("default_timeout", 300),
    })
    return app, cache


def type_tree(v):
    """Python type names of a value, recursively, so tests can assert exact structure."""
    if isinstance(v, dict):
        return {"dict": [[k, type_tree(x)] for k, x in v.items()]}
    if isinstance(v, (list, tuple)):
        return {type(v).__name__: [type_tree(x) for x in v]}
    return f"{type(v).__module__}.{type(v).__qualname__}"


def plain(v):
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, enum.Enum):
        return v.value
    return v


def redis_set(req):
    DatasourceType = install_superset_stub()
    app, cache = redis_cache(req)
    with app.app_context():
        for item in req["items"]:
            value = json.loads(item["value_json"])
            # Superset stores explore state with datasource_type as the DatasourceType enum.
            if isinstance(value, dict) and item.get("enum_datasource_type"):
                value["datasource_type"] = DatasourceType(value["datasource_type"])
            timeout = item.get("timeout")
            cache.set(item["key"], value, timeout=timeout)
    return {"ok": True}


def redis_get(req):
    install_superset_stub()
    app, cache = redis_cache(req)
    out = []
    with app.app_context():
        for key in req["keys"]:
            v = cache.get(key)
            out.append({"found": v is not None, "json": json.dumps(plain(v)), "types": type_tree(v)})
    return {"values": out}


def flask_login_id(remote_addr, forwarded_for, user_agent):
    """Flask-Login 0.6 _create_identifier(), with the request headers given as strings."""
    address = forwarded_for if forwarded_for is not None else remote_addr
    if address is not None:
        address = address.encode("utf-8").split(b",")[0].strip()
    if user_agent is not None:
        user_agent = user_agent.encode("utf-8")
    base = f"{address}|{user_agent}"
    return base, hashlib.sha512(base.encode("utf8")).hexdigest()


def cache_keys(req):
    """superset.temporary_cache.utils.cache_key: ";".join(str(arg) for arg in args)."""
    DatasourceType = install_superset_stub()
    out = []
    for parts in req["parts"]:
        args = [DatasourceType(p["enum"]) if isinstance(p, dict) else p for p in parts]
        out.append(";".join(str(a) for a in args))
    return {"keys": out}


def main():
    req = json.load(sys.stdin)
    op = req["op"]
    if op == "uuid":
        ns = namespace(req["prefix"], req["algorithm"])
        ans = {"namespace": str(ns), "uuids": [str(uuid3(ns, k)) for k in req["keys"]]}
    elif op == "encode":
        ans = {"hex": [encode(req["codec"], json.loads(v)).hex() for v in req["values_json"]]}
    elif op == "db_write":
        ans = db_write(req)
    elif op == "db_read":
        ans = db_read(req)
    elif op == "session_ids":
        ids = [flask_login_id(r.get("remote"), r.get("forwarded"), r.get("ua")) for r in req["requests"]]
        ans = {"bases": [b for b, _ in ids], "ids": [h for _, h in ids]}
    elif op == "json_roundtrip":
        ans = {"texts": [json.dumps(json.loads(t)) for t in req["texts"]]}
    elif op == "json_parse":
        out = []
        for h in req["hex"]:
            try:
                out.append(json.dumps(json.loads(bytes.fromhex(h))))
            except ValueError:  # JSONDecodeError and UnicodeDecodeError
                out.append(None)
        ans = {"results": out}
    elif op == "cache_keys":
        ans = cache_keys(req)
    elif op == "redis_set":
        ans = redis_set(req)
    elif op == "redis_get":
        ans = redis_get(req)
    else:
        raise SystemExit(f"unknown op {op}")
    json.dump(ans, sys.stdout)


if __name__ == "__main__":
    main()
