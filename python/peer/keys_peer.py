"""Superset key peer for the TypeScript tests: real simplejson + hashlib, Debian's Python.

Commands (argv[1]); input is one JSON document on stdin, output one JSON document:
  dumps     {"cases": [{"value": V, "opts": {...}}]} -> {"results": [{"ok": str, "md5", "sha256"} | {"err": cls}]}
            simplejson.dumps(value, **opts); opts may name a Superset hook as "default".
  pickles   {"cases": [{"pickle": hex, "opts": {...}}]} -> as dumps, on pickle.loads(bytes)
  keys      {"cases": [{"version", "query", "opts"}]} -> {"results": [{"json", "md5", "sha256"}]}
            QueryObject.cache_key() as the spec (../shared/spec/superset-chart-data-cache.md
            sections 2-3) describes it for each version, re-stated in Python here so keys
            are produced by simplejson/hashlib and Python's datetime arithmetic.
  bench     {"query", "opts", "version", "seconds", "rounds", "mode"?} -> {"rounds": [keys/s, ...]}
            mode "dict": time simplejson + hashlib on the prepared cache dict only.

Value encoding V (exact, so floats and ints keep their Python type):
  JSON null/bool/str/list as is; {"i": "123"} int; {"f": "<16 hex digits>"} float bits;
  {"D": "12.50"} Decimal; {"B": hex} bytes; {"T": [...]} tuple; {"M": [[k, v], ...]} dict;
  {"dt": [y, mo, d, h, mi, s, us, offset_seconds|null]} datetime; {"da": [y, mo, d]} date;
  {"tm": [h, mi, s, us]} time; {"td": [days, seconds, us]} timedelta; {"U": hex} UUID; {"S": [...]} set.
"""

import datetime
import decimal
import hashlib
import json
import struct
import sys
import time
import uuid

import simplejson

EPOCH = datetime.datetime(1970, 1, 1)


def decode(v):
    if isinstance(v, list):
        return [decode(x) for x in v]
    if not isinstance(v, dict):
        return v
    (tag, a), = v.items()
    if tag == "i":
        return int(a)
    if tag == "f":
        return struct.unpack(">d", bytes.fromhex(a))[0]
    if tag == "D":
        return decimal.Decimal(a)
    if tag == "B":
        return bytes.fromhex(a)
    if tag == "T":
        return tuple(decode(x) for x in a)
    if tag == "M":
        return {decode(k): decode(x) for k, x in a}
    if tag == "S":
        return {decode(x) for x in a}
    if tag == "dt":
        tz = None if a[7] is None else datetime.timezone(datetime.timedelta(seconds=a[7]))
        return datetime.datetime(*a[:7], tzinfo=tz)
    if tag == "da":
        return datetime.date(*a)
    if tag == "tm":
        return datetime.time(*a)
    if tag == "td":
        return datetime.timedelta(days=a[0], seconds=a[1], microseconds=a[2])
    if tag == "U":
        return uuid.UUID(hex=a)
    raise ValueError("unknown tag " + tag)


def encode(v):
    """Python value -> the tagged form `decode` reads (used to write fixtures)."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return {"i": str(v)}
    if isinstance(v, float):
        return {"f": struct.pack(">d", v).hex()}
    if isinstance(v, decimal.Decimal):
        return {"D": str(v)}
    if isinstance(v, bytes):
        return {"B": v.hex()}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, tuple):
        return {"T": [encode(x) for x in v]}
    if isinstance(v, dict):
        return {"M": [[encode(k), encode(x)] for k, x in v.items()]}
    if isinstance(v, datetime.datetime):
        off = None if v.tzinfo is None else int(v.utcoffset().total_seconds())
        return {"dt": [v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, off]}
    if isinstance(v, datetime.date):
        return {"da": [v.year, v.month, v.day]}
    raise TypeError("no tagged form for %r" % (v,))


# --- Superset's default hooks, per the spec section 1.2 -------------------------------

def datetime_to_epoch(dttm, rule):
    if dttm.tzinfo:
        utc = datetime.timezone.utc
        dttm = dttm.replace(tzinfo=utc) if rule == "replace" else dttm.astimezone(utc)
        return (dttm - EPOCH.replace(tzinfo=utc)).total_seconds() * 1000
    return (dttm - EPOCH).total_seconds() * 1000


def format_timedelta(td):
    return "-" + str(abs(td)) if td < datetime.timedelta(0) else str(td)


def base_json_conv(obj, utf16=True):
    if isinstance(obj, set):
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
        except Exception:
            if utf16:
                try:
                    return obj.decode("utf-16")
                except Exception:
                    pass
            return "[bytes]"
    raise TypeError("Unserializable object %r" % (obj,))


def json_int_dttm_ser(rule="astimezone", utf16=True):
    def hook(obj):
        if isinstance(obj, datetime.datetime):
            return datetime_to_epoch(obj, rule)
        if isinstance(obj, datetime.date):
            return (obj - EPOCH.date()).total_seconds() * 1000
        return base_json_conv(obj, utf16)
    return hook


def json_iso_dttm_ser(obj):
    if isinstance(obj, (datetime.datetime, datetime.date)):
        return obj.isoformat()
    return base_json_conv(obj)


HOOKS = {
    "json_int_dttm_ser": json_int_dttm_ser("astimezone"),
    "json_int_dttm_ser_replace": json_int_dttm_ser("replace"),
    "json_iso_dttm_ser": json_iso_dttm_ser,
}


def cmd_pickles(doc):
    """Like dumps, but each case carries a pickle (hex) that Python unpickles first."""
    import pickle
    cases = [dict(c, value=None, _obj=pickle.loads(bytes.fromhex(c["pickle"]))) for c in doc["cases"]]
    return cmd_dumps({"cases": cases})


def cmd_dumps(doc):
    out = []
    for case in doc["cases"]:
        opts = dict(case.get("opts") or {})
        if "default" in opts:
            opts["default"] = HOOKS[opts["default"]]
        if "separators" in opts:
            opts["separators"] = tuple(opts["separators"])
        try:
            value = case["_obj"] if "_obj" in case else decode(case["value"])
            s = simplejson.dumps(value, **opts)
        except (ValueError, TypeError, UnicodeDecodeError, RecursionError) as ex:
            out.append({"err": type(ex).__name__})
            continue
        try:
            b = s.encode("utf-8")
            out.append({"ok": s, "md5": hashlib.md5(b).hexdigest(), "sha256": hashlib.sha256(b).hexdigest()})
        except UnicodeEncodeError:  # lone surrogates with ensure_ascii=False: no UTF-8 bytes to hash
            out.append({"ok": s})
    return {"results": out}


# --- QueryObject.cache_key per version (spec 0.1 matrix, 2.1-2.3, 3.1) -------------------

VERSIONS = {
    # time_shift, group_others, post_processing in to_dict, grouping_sets, empty metrics -> None,
    # strip contribution_totals, sort extra_cache_keys, keep bounds w/o time_range, aware rule, hash
    "4.0": dict(ts=1, go=0, pp=0, gs=0, mnone=0, strip=0, sortx=0, keep=0, tz="replace", alg="md5", join=0),
    "4.1": dict(ts=1, go=0, pp=0, gs=0, mnone=0, strip=0, sortx=0, keep=0, tz="replace", alg="md5", join=1),
    "5.0": dict(ts=1, go=0, pp=0, gs=0, mnone=0, strip=0, sortx=0, keep=0, tz="replace", alg="md5", join=1),
    "6.0": dict(ts=1, go=1, pp=0, gs=0, mnone=1, strip=0, sortx=0, keep=0, tz="replace", alg="md5", join=1),
    "6.1": dict(ts=1, go=1, pp=1, gs=0, mnone=1, strip=1, sortx=0, keep=0, tz="replace", alg="sha256", join=1),
    "master": dict(ts=1, go=1, pp=1, gs=1, mnone=1, strip=1, sortx=1, keep=1, tz="astimezone", alg="sha256", join=1),
}

ANNOTATION_FIELDS = ["annotationType", "descriptionColumns", "intervalEndColumn", "name",
                     "overrides", "sourceType", "timeColumn", "titleColumn", "value"]
RENAMES = [("granularity_sqla", "granularity"), ("groupby", "columns"),
           ("timeseries_limit", "series_limit"), ("timeseries_limit_metric", "series_limit_metric")]


def post_processing(q, v):
    steps = [s for s in (q.get("post_processing") or []) if s]
    if v["strip"]:
        out = []
        for s in steps:
            if s.get("operation") == "contribution" and "contribution_totals" in (s.get("options") or {}):
                s = dict(s, options={k: x for k, x in s["options"].items() if k != "contribution_totals"})
            out.append(s)
        steps = out
    return steps


def cache_dict(q, opts, v):
    result_type = q["result_type"] if "result_type" in q else opts.get("result_type", "full")
    row_limit = q.get("row_limit")
    if opts.get("factory_row_limit", True):
        default = 1000 if result_type == "samples" else 50000
        limit = row_limit or default
        row_limit = min(100000, limit) if limit != 0 else 100000
    columns = q.get("columns") or []
    metrics = q.get("metrics")
    is_ts = q.get("is_timeseries")
    attrs = {
        "apply_fetch_values_predicate": q.get("apply_fetch_values_predicate") or False,
        "columns": columns,
        "extras": dict(q.get("extras") or {}),
        "filter": q.get("filters") or [],
        "from_dttm": q.get("from_dttm"),
        "granularity": q.get("granularity"),
        "inner_from_dttm": q.get("inner_from_dttm"),
        "inner_to_dttm": q.get("inner_to_dttm"),
        "is_rowcount": q.get("is_rowcount", False),
        "is_timeseries": is_ts if is_ts is not None else "__timestamp" in columns,
        "order_desc": q.get("order_desc", True),
        "orderby": q.get("orderby") or [],
        "row_limit": row_limit,
        "row_offset": q.get("row_offset") or 0,
        "series_limit": q.get("series_limit", 0),
        "series_limit_metric": q.get("series_limit_metric"),
        "to_dttm": q.get("to_dttm"),
    }
    keep = lambda m: isinstance(m, str) or (isinstance(m, dict) and "expressionType" in m)
    if v["mnone"]:
        attrs["metrics"] = [m if keep(m) else m["label"] for m in metrics] if metrics else None
    else:
        attrs["metrics"] = metrics and [m if keep(m) else m["label"] for m in metrics]
    if q.get("series_columns"):
        attrs["series_columns"] = q["series_columns"]
    elif is_ts and metrics:
        attrs["series_columns"] = columns
    else:
        attrs["series_columns"] = []
    for old, new in RENAMES:
        if q.get(old):
            attrs[new] = q[old]
    for old in ("where", "having"):
        if q.get(old):
            attrs["extras"][old] = q[old]
    d = dict(attrs)
    if v["ts"]:
        d["time_shift"] = q.get("time_shift")
    if v["go"]:
        d["group_others_when_limit_reached"] = q.get("group_others_when_limit_reached", False)
    pp = post_processing(q, v)
    if v["pp"]:
        d["post_processing"] = pp
    if v["gs"]:
        d["grouping_sets"] = q.get("grouping_sets") or []
        d["time_compare_full_range"] = q.get("time_compare_full_range", False)
    # QueryContextProcessor.query_cache_key kwargs
    if "datasource_uid" in opts:
        d.update(datasource=opts["datasource_uid"], extra_cache_keys=opts.get("extra_cache_keys", []),
                 rls=opts.get("rls", []), changed_on=opts.get("changed_on"))
    d.update(opts.get("extra") or {})
    if not attrs["apply_fetch_values_predicate"]:
        del d["apply_fetch_values_predicate"]
    if result_type:
        d["result_type"] = result_type
    if q.get("time_range"):
        d["time_range"] = q["time_range"]
    if pp:
        d["post_processing"] = pp
    if q.get("time_offsets"):
        d["time_offsets"] = q["time_offsets"]
    if not (v["keep"] and not q.get("time_range")):
        del d["from_dttm"]
        del d["to_dttm"]
    layers = [{f: l[f] for f in ANNOTATION_FIELDS if f in l}
              for l in (q.get("annotation_layers") or []) if l["annotationType"] != "FORMULA"]
    if layers:
        d["annotation_layers"] = layers
    if opts.get("impersonation_key"):
        d["impersonation_key"] = opts["impersonation_key"]
    if v["sortx"] and isinstance(d.get("extra_cache_keys"), list):
        d["extra_cache_keys"] = sorted(d["extra_cache_keys"], key=lambda k: (type(k).__name__, str(k)))
    return d


def key_of(version, q, opts):
    v = VERSIONS[version]
    d = cache_dict(q, opts, v)
    text = simplejson.dumps(d, sort_keys=True, ignore_nan=True, default=json_int_dttm_ser(v["tz"]))
    b = text.encode("utf-8")
    return {"json": text, "md5": hashlib.md5(b).hexdigest(), "sha256": hashlib.sha256(b).hexdigest(),
            "default_algorithm": v["alg"]}


def cmd_keys(doc):
    return {"results": [key_of(c["version"], decode(c["query"]), decode(c.get("opts") or {"M": []}))
                        for c in doc["cases"]]}


def cmd_bench(doc):
    """Times the full key computation (cache dict + simplejson + hashlib) in its own loop."""
    version, q, opts = doc["version"], decode(doc["query"]), decode(doc["opts"])
    v = VERSIONS[version]
    digest = getattr(hashlib, v["alg"])
    hook = json_int_dttm_ser(v["tz"])
    if doc.get("mode") == "dict":  # hash_from_dict on a prepared cache dict only
        d = cache_dict(q, opts, v)
        def one():
            digest(simplejson.dumps(d, sort_keys=True, ignore_nan=True, default=hook).encode("utf-8")).hexdigest()
    else:
        def one():
            d = cache_dict(q, opts, v)
            digest(simplejson.dumps(d, sort_keys=True, ignore_nan=True, default=hook).encode("utf-8")).hexdigest()
    rounds = []
    for _ in range(doc.get("rounds", 5)):
        n, start = 0, time.perf_counter()
        end = start + doc.get("seconds", 0.3)
        while True:
            for _ in range(100):
                one()
            n += 100
            now = time.perf_counter()
            if now >= end:
                break
        rounds.append(n / (now - start))
    return {"rounds": rounds}


def main():
    cmd = sys.argv[1]
    doc = json.loads(sys.stdin.read())
    result = {"dumps": cmd_dumps, "pickles": cmd_pickles, "keys": cmd_keys, "bench": cmd_bench}[cmd](doc)
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
