"""Writes test/fixtures/superset-keys/query-object-keys.json: query-object cache keys for
every version profile, computed by keys_peer.py (simplejson 3.x + hashlib, Debian Python).

Run: /usr/bin/python3 python/peer/keys_fixtures.py
"""

import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import keys_peer  # noqa: E402

UTC2 = datetime.timezone(datetime.timedelta(hours=2))
CHANGED_ON = datetime.datetime(2024, 1, 15, 10, 30, 0)
CHART = {"datasource_uid": "3__table", "changed_on": CHANGED_ON}

CASES = [
    ("table chart with adhoc metric and filters", {
        "columns": ["gender", "state"],
        "metrics": [{"expressionType": "SIMPLE", "aggregate": "SUM", "label": "SUM(num)",
                     "column": {"column_name": "num"}}],
        "filters": [{"col": "gender", "op": "IN", "val": ["boy", "girl"]},
                    {"col": "num", "op": ">=", "val": 10}],
        "orderby": [[{"expressionType": "SIMPLE", "aggregate": "SUM", "label": "SUM(num)",
                      "column": {"column_name": "num"}}, False]],
        "extras": {"having": "", "where": ""},
        "row_limit": 10000,
        "time_range": "Last week",
        "granularity": "ds",
    }, dict(CHART)),
    ("timeseries with post-processing and offsets", {
        "columns": ["__timestamp", "name"],
        "metrics": ["count", {"label": "sum__num"}],
        "series_limit": 5,
        "series_limit_metric": "count",
        "extras": {"time_grain_sqla": "P1W", "having": "", "where": ""},
        "post_processing": [
            {"operation": "pivot", "options": {"index": ["__timestamp"], "columns": ["name"],
                                               "aggregates": {"count": {"operator": "mean"}}}},
            None,
            {"operation": "contribution", "options": {"orientation": "column",
                                                      "contribution_totals": {"count": 12.5}}},
        ],
        "time_offsets": ["1 year ago"],
        "time_range": "2024-01-01 : 2024-02-01",
        "row_limit": 200000,
    }, dict(CHART, rls=["region = 'EU'-team"])),
    ("legacy field names and empty metrics", {
        "granularity_sqla": "ds",
        "groupby": ["city"],
        "columns": ["ignored_when_groupby_given"],
        "timeseries_limit": 10,
        "timeseries_limit_metric": "count",
        "where": "city <> 'x'",
        "having": "COUNT(*) > 1",
        "metrics": [],
        "row_limit": None,
        "is_timeseries": False,
    }, dict(CHART)),
    ("annotations, fetch-values predicate, per-user key, extra cache keys", {
        "columns": ["ds"],
        "metrics": ["count"],
        "apply_fetch_values_predicate": True,
        "annotation_layers": [
            {"annotationType": "FORMULA", "name": "f", "value": "x*2", "show": True},
            {"annotationType": "EVENT", "name": "deploys", "sourceType": "NATIVE", "value": 7,
             "overrides": {"time_range": None}, "show": True, "style": "dashed",
             "titleColumn": "", "descriptionColumns": []},
        ],
        "row_limit": 100,
    }, dict(CHART, impersonation_key="alice", extra_cache_keys=["b", 2, "a", 1.5, None])),
    ("samples with bounds but no time range, aware inner bounds", {
        "columns": ["ds", "num"],
        "result_type": "samples",
        "from_dttm": datetime.datetime(2024, 1, 1),
        "to_dttm": datetime.datetime(2024, 2, 1),
        "inner_from_dttm": datetime.datetime(2024, 1, 1, 12, 0, tzinfo=UTC2),
        "inner_to_dttm": datetime.datetime(2024, 1, 31, 23, 59, 59, 999999),
        "row_limit": 0,
    }, dict(CHART)),
    ("unicode, integral floats, NaN and huge ints in filters", {
        "columns": ["name"],
        "metrics": ["count"],
        "filters": [{"col": "name", "op": "IN", "val": ["Café ☕", "😀", "a\tb\x7f/", "\u2028"]},
                    {"col": "num", "op": "<", "val": 1e16},
                    {"col": "ratio", "op": "==", "val": float("nan")},
                    {"col": "id", "op": ">", "val": 2 ** 64},
                    {"col": "x", "op": ">", "val": 100.0}],
        "row_limit": 5000,
    }, dict(CHART)),
    ("explicit nulls keep None where Python has keyword defaults", {
        "columns": None,
        "metrics": None,
        "filters": None,
        "series_limit": None,
        "order_desc": None,
        "is_rowcount": None,
        "group_others_when_limit_reached": None,
        "time_compare_full_range": None,
        "row_offset": None,
        "extras": None,
        "row_limit": 10,
    }, dict(CHART)),
    ("time-offset sub-query kwargs on a direct QueryObject", {
        "columns": ["ds"],
        "metrics": ["count"],
        "granularity": "ds",
        "is_timeseries": True,
        "inner_from_dttm": datetime.datetime(2024, 1, 1),
        "inner_to_dttm": datetime.datetime(2024, 2, 1),
        "row_limit": 10000,
        "time_range": "2024-01-01 : 2024-02-01",
    }, dict(CHART, factory_row_limit=False, result_type=None,
            extra={"time_offset": "1 year ago", "time_grain": "P1D"})),
]


def main():
    out = {"generator": "python/peer/keys_fixtures.py",
           "python": sys.version.split()[0],
           "simplejson": keys_peer.simplejson.__version__,
           }
    out["cases"] = []
    for version in keys_peer.VERSIONS:
        for name, query, opts in CASES:
            r = keys_peer.key_of(version, query, opts)
            out["cases"].append({"name": name, "version": version, "query": keys_peer.encode(query),
                                 "opts": keys_peer.encode(opts), **r})
    path = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "superset-keys",
                        "query-object-keys.json")
    cases = out.pop("cases")
    with open(path, "w") as f:  # one case per line: reviewable diffs
        f.write(json.dumps(out)[:-1] + ', "cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in cases))
        f.write("\n]}\n")
    print("wrote", len(cases), "cases to", os.path.normpath(path))


if __name__ == "__main__":
    main()
