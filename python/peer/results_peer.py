"""Python peer for the SQL Lab results-backend and thumbnail-cache interop tests.

One JSON request on stdin, one JSON answer on stdout (``{"ok": true, "result": ...}`` or
``{"ok": false, "type", "error"}``). Values travel in the tagged JSON of tagged.py; bytes as hex.

It rebuilds what Superset does, with the same libraries Superset uses (msgpack, simplejson, zlib,
cachelib/Flask-Caching RedisCache), without importing Superset itself:

  pack       value, mode("msgpack"|"json")            -> serialized payload hex (pre-zlib), as
                                                         sql_lab._serialize_payload writes it
  pack_many  values, mode                              -> list of hex (differential tests)
  store      redis{host,port,key_prefix}, key, mode, timeout, shape("classic"|"statements"),
             parts{...}                                -> {serialized_hex, compressed_hex, ttl}
             builds the payload in sql_lab's order, then
             results_backend.set(key, zlib_compress(serialized), timeout)
  load       redis{...}, key, mode                     -> {found, payload (tagged), ttl}
             results_backend.get -> zlib_decompress -> msgpack.loads(raw=False) | json.loads
  thumb_key  args (tagged dict), algorithm            -> md5/sha256 of simplejson.dumps(sort_keys)
  thumb_keys cases [{args, algorithm}]                -> list of thumb_key results
  thumb_store redis{host,port}, prefix, key, shape("bytes"|"object"|"dict"), image_hex|null,
             status, timestamp                          -> {}
  thumb_load redis{...}, prefix, key                   -> {found, kind, image_hex, status, timestamp}
"""

import datetime
import decimal
import enum
import hashlib
import json
import sys
import types
import uuid
import zlib

import msgpack
import simplejson

import tagged

JS_MAX_INTEGER = 2**53 - 1


# --- Superset's json_iso_dttm_ser / base_json_conv, rebuilt (superset/utils/json.py) ---


def format_timedelta(td):
    if td < datetime.timedelta(0):
        return "-" + str(abs(td))
    return str(td)


def base_json_conv(obj):
    if isinstance(obj, (set, frozenset)):
        return list(obj)
    if isinstance(obj, decimal.Decimal):
        return float(obj)
    if isinstance(obj, (uuid.UUID, datetime.time)):
        return str(obj)
    if isinstance(obj, datetime.timedelta):
        return format_timedelta(obj)
    if isinstance(obj, bytes):
        try:
            return obj.decode("utf-8")
        except Exception:  # noqa: BLE001
            try:
                return obj.decode("utf-16")
            except Exception:  # noqa: BLE001
                return "[bytes]"
    raise TypeError(f"Unserializable object {obj} of type {type(obj)}")


def json_iso_dttm_ser(obj, pessimistic=False):
    if isinstance(obj, (datetime.datetime, datetime.date)):  # pd.Timestamp is a datetime
        return obj.isoformat()
    return base_json_conv(obj)


def serialize_payload(payload, mode):
    """sql_lab._serialize_payload"""
    if mode == "msgpack":
        return msgpack.dumps(payload, default=json_iso_dttm_ser, use_bin_type=True)
    return simplejson.dumps(payload, default=json_iso_dttm_ser, ignore_nan=True)


def zlib_compress(data):
    if isinstance(data, str):
        return zlib.compress(bytes(data, "utf-8"))
    return zlib.compress(data)


def results_backend(spec):
    # Superset's RESULTS_BACKEND is a cachelib cache instance; Flask-Caching's RedisCache is
    # cachelib's with the same serializer.
    from flask_caching.backends.rediscache import RedisCache

    return RedisCache(host=spec["host"], port=spec["port"], key_prefix=spec.get("key_prefix", ""))


def build_payload(parts, shape, key, mode):
    """The payload dict in the order superset/sql_lab.py (classic) or celery_task.py builds it."""
    query = tagged.decode(parts["query"])
    query["state"] = "success"
    query["resultsKey"] = key
    if shape == "statements":
        statements = []
        for st in parts["statements"]:
            statements.append(
                {
                    "statement": st["statement"],
                    "data": decode_data(st["data"], mode),
                    "columns": tagged.decode(st["columns"]),
                    "row_count": st["row_count"],
                    "execution_time_ms": tagged.decode(st["execution_time_ms"]),
                }
            )
        return {
            "query_id": parts["query_id"],
            "status": "success",
            "statements": statements,
            "total_execution_time_ms": tagged.decode(parts["total_execution_time_ms"]),
            "query": query,
        }
    payload = {"query_id": parts["query_id"]}
    payload.update(
        {
            "status": "success",
            "data": decode_data(parts["data"], mode),
            "columns": tagged.decode(parts["columns"]),
            "selected_columns": tagged.decode(parts["selected_columns"]),
            "expanded_columns": tagged.decode(parts["expanded_columns"]),
            "query": query,
        }
    )
    return payload


def decode_data(data, mode):
    if data is None:
        return None
    if mode == "msgpack":
        return bytes.fromhex(data["$bytes"])  # the Arrow IPC stream, made by the TS side
    return tagged.decode(data)  # rows of records


def op_pack(req):
    out = serialize_payload(tagged.decode(req["value"]), req["mode"])
    return (out if isinstance(out, bytes) else out.encode("utf-8")).hex()


def op_pack_many(req):
    return [op_pack({"value": v, "mode": req["mode"]}) for v in req["values"]]


def op_store(req):
    key = req["key"]
    payload = build_payload(req["parts"], req["shape"], key, req["mode"])
    serialized = serialize_payload(payload, req["mode"])
    compressed = zlib_compress(serialized)
    backend = results_backend(req["redis"])
    backend.set(key, compressed, req["timeout"])
    raw = serialized if isinstance(serialized, bytes) else serialized.encode("utf-8")
    ttl = backend._write_client.ttl(backend.key_prefix + key)
    return {"serialized_hex": raw.hex(), "compressed_hex": compressed.hex(), "ttl": ttl}


def op_load(req):
    backend = results_backend(req["redis"])
    blob = backend.get(req["key"])
    if not blob:
        return {"found": False}
    ttl = backend._read_client.ttl(backend.key_prefix + req["key"])
    text = zlib.decompress(blob)
    if req["mode"] == "msgpack":
        payload = msgpack.loads(text, raw=False)
    else:
        payload = json.loads(text.decode("utf-8"))
    return {"found": True, "blob_type": type(blob).__name__, "payload": tagged.encode(payload), "ttl": ttl}


# --- thumbnails (superset/utils/screenshots.py shapes) ---


def screenshot_module():
    """A stand-in `superset.utils.screenshots` so pickles name the real module and classes."""
    name = "superset.utils.screenshots"
    if name in sys.modules:
        return sys.modules[name]
    for parent in ("superset", "superset.utils"):
        sys.modules.setdefault(parent, types.ModuleType(parent))
    mod = types.ModuleType(name)

    class StatusValues(enum.Enum):
        PENDING = "Pending"
        COMPUTING = "Computing"
        UPDATED = "Updated"
        ERROR = "Error"

    class ScreenshotCachePayload:
        def __init__(self, image=None, status=StatusValues.PENDING, timestamp=""):
            self._image = image
            self._timestamp = timestamp or datetime.datetime.now().isoformat()
            self.status = StatusValues.UPDATED if image else status

    for cls in (StatusValues, ScreenshotCachePayload):
        cls.__module__ = name
        cls.__qualname__ = cls.__name__
        setattr(mod, cls.__name__, cls)
    sys.modules[name] = mod
    sys.modules["superset.utils"].screenshots = mod
    return mod


def thumbnail_cache(spec, prefix):
    from flask import Flask
    from flask_caching import Cache

    app = Flask("thumbs")
    return Cache(
        app,
        config={
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_HOST": spec["host"],
            "CACHE_REDIS_PORT": spec["port"],
            "CACHE_KEY_PREFIX": prefix,
            "CACHE_DEFAULT_TIMEOUT": 86400,
        },
    )


def op_thumb_key(req):
    text = simplejson.dumps(tagged.decode(req["args"]), sort_keys=True)
    return {"text": text, "key": hashlib.new(req["algorithm"], text.encode("utf-8")).hexdigest()}


def op_thumb_keys(req):
    return [op_thumb_key(case) for case in req["cases"]]


def op_thumb_store(req):
    import base64

    mod = screenshot_module()
    image = bytes.fromhex(req["image_hex"]) if req.get("image_hex") is not None else None
    status = mod.StatusValues(req["status"])
    cache = thumbnail_cache(req["redis"], req["prefix"])
    if req["shape"] == "bytes":
        value = image
    elif req["shape"] == "object":
        value = mod.ScreenshotCachePayload(image, status, req["timestamp"])
        value.status = status
    else:
        value = {
            "image": base64.b64encode(image).decode("utf-8") if image else None,
            "timestamp": req["timestamp"],
            "status": status.value,
        }
    cache.set(req["key"], value)
    return {}


def op_thumb_load(req):
    import base64

    mod = screenshot_module()
    cache = thumbnail_cache(req["redis"], req["prefix"])
    value = cache.get(req["key"])
    if value is None:
        return {"found": False}
    if isinstance(value, bytes):
        return {"found": True, "kind": "bytes", "image_hex": value.hex(), "status": "Updated", "timestamp": None}
    if isinstance(value, mod.ScreenshotCachePayload):
        img = value._image
        return {
            "found": True,
            "kind": "object",
            "image_hex": img.hex() if img else None,
            "status": value.status.value,
            "timestamp": value._timestamp,
        }
    img = base64.b64decode(value["image"], validate=True) if value["image"] else None
    return {
        "found": True,
        "kind": "dict",
        "keys": list(value.keys()),
        "image_hex": img.hex() if img else None,
        "status": value["status"],
        "timestamp": value["timestamp"],
    }


OPS = {
    "pack": op_pack,
    "pack_many": op_pack_many,
    "store": op_store,
    "load": op_load,
    "thumb_key": op_thumb_key,
    "thumb_keys": op_thumb_keys,
    "thumb_store": op_thumb_store,
    "thumb_load": op_thumb_load,
}


def main():
    req = json.loads(sys.stdin.read())
    try:
        result = OPS[req["op"]](req)
        out = {"ok": True, "result": result}
    except Exception as exc:  # noqa: BLE001 - reported to the TS side
        out = {"ok": False, "type": type(exc).__name__, "error": str(exc)}
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
