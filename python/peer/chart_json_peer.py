"""What Superset's chart-data API answers for one cached chart-data entry, for
test/superset/chart-data-json.test.ts.

No input. Prints one JSON object: {"pickle": hex of the entry dict as cachelib pickles it,
"epoch": response text with json_int_dttm_ser, "iso": response text with json_iso_dttm_ser,
"timestamps": [[pickle hex of a Timestamp, its json_iso_dttm_ser text], ...]}.

The response is `_get_full`'s result_type "results" payload
({data, colnames, coltypes, rowcount, sql_rowcount}) built as superset/common/query_actions.py
and query_context_processor.py build it: df_to_records (superset/dataframe.py) and
extract_dataframe_dtypes without a datasource (superset/utils/core.py, master), serialized by
simplejson with ignore_nan=True. Superset itself is not imported: those bodies are rebuilt
here; the JSON hooks are keys_peer's rebuild of superset/utils/json.py.
"""

import datetime
import decimal
import json
import pickle
import sys

import numpy as np
import pandas as pd
import simplejson
from pandas.api.types import infer_dtype

import keys_peer

JS_MAX_INTEGER = 2**53 - 1
NUMERIC, STRING, TEMPORAL, BOOLEAN = 0, 1, 2, 3
INFERRED = {
    "floating": NUMERIC,
    "integer": NUMERIC,
    "mixed-integer-float": NUMERIC,
    "decimal": NUMERIC,
    "boolean": BOOLEAN,
    "datetime64": TEMPORAL,
    "datetime": TEMPORAL,
    "date": TEMPORAL,
}


def is_na(val):
    try:
        return bool(pd.isna(val))
    except ValueError:
        return False


def df_to_records(df):
    records = df.to_dict(orient="records")
    for record in records:
        for key in record:
            val = record[key]
            if is_na(val):
                record[key] = None
            elif isinstance(val, int) and abs(val) > JS_MAX_INTEGER:
                record[key] = str(val)
    return records


def extract_dataframe_dtypes(df):
    types = []
    for column in df.columns:
        series = df[column]
        inferred = "" if series.isna().all() else infer_dtype(series)
        types.append(INFERRED.get(inferred, STRING))
    return types


def frame():
    return pd.DataFrame(
        {
            "id": np.array([1, 2, 2**53 + 1], dtype="int64"),
            "amount": [1.5, float("nan"), float("inf")],
            "flag": [True, False, True],
            "name": ["a", "é", "c"],
            "ts": pd.to_datetime(["2024-01-02 03:04:05", "2024-01-02 03:04:05.678", None]),
            "ts_utc": pd.to_datetime(
                ["2024-01-02 03:04:05.000000001", "1969-12-31 23:59:59.5", "2024-06-30"], utc=True
            ),
            "ts_paris": pd.to_datetime(["2024-01-15 12:00", "2024-07-15 12:00", None]).tz_localize(
                "Europe/Paris"
            ),
            "day": [datetime.date(2024, 1, 2), None, datetime.date(1969, 12, 31)],
            "price": [decimal.Decimal("1.10"), None, decimal.Decimal("2")],
            "n": pd.array([1, None, 3], dtype="Int64"),
            "empty": [None, None, None],
            "dur": pd.to_timedelta(["1s", "-1s", None]),
        }
    )


def main():
    df = frame()
    entry = {
        "df": df,
        "query": "SELECT 1",
        "applied_template_filters": [],
        "applied_filter_columns": [],
        "rejected_filter_columns": [],
        "annotation_data": {},
        "sql_rowcount": 3,
        "dttm": "2024-01-02T03:04:05+00:00",
    }
    payload = {
        "data": df_to_records(df.copy()),
        "colnames": list(df.columns),
        "coltypes": extract_dataframe_dtypes(df),
        "rowcount": len(df.index),
        "sql_rowcount": 3,
    }
    stamps = [
        pd.Timestamp("2024-01-02 03:04:05"),
        pd.Timestamp("2024-01-02 03:04:05.678"),
        pd.Timestamp("2024-01-02 03:04:05.000000001"),
        pd.Timestamp("1900-03-01 00:00:00.000001"),
        pd.Timestamp("2024-01-02 03:04:05.678", tz="UTC"),
        pd.Timestamp("2024-07-02 03:04:05", tz="Europe/Paris"),
        pd.Timestamp("2024-01-02 03:04:05", tz="America/New_York"),
    ]
    out = {
        "pickle": pickle.dumps(entry, pickle.HIGHEST_PROTOCOL).hex(),
        "epoch": simplejson.dumps(
            payload, default=keys_peer.json_int_dttm_ser("astimezone"), ignore_nan=True
        ),
        "iso": simplejson.dumps(payload, default=keys_peer.json_iso_dttm_ser, ignore_nan=True),
        "timestamps": [
            [pickle.dumps(ts, pickle.HIGHEST_PROTOCOL).hex(), keys_peer.json_iso_dttm_ser(ts)]
            for ts in stamps
        ],
    }
    sys.stdout.write(json.dumps(out))


if __name__ == "__main__":
    main()
