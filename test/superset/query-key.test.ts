/**
 * Query-object keys against fixed key vectors (E1–E8, computed with simplejson +
 * hashlib) and against the Python-computed fixtures in test/fixtures/superset-keys/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PyJsonEncodeError } from "#src/codecs/json/errors.js";
import { CacheConfigError, SupersetCacheError } from "#src/core/errors.js";
import {
  PyDate,
  PyDatetime,
  PyDecimal,
  PyFloat,
  PyTuple,
  PyTzInfo,
  type PyValue,
} from "#src/python/values.js";
import { hashFromDict, hashFromStr, hashInputJson } from "#src/superset/hashing.js";
import { makeJsonIntDttmSer } from "#src/superset/json-hooks.js";
import {
  applyRowLimit,
  generateCacheKey,
  type QueryObjectInput,
  type QueryObjectKeyOptions,
  queryContextCacheKey,
  queryObjectCacheDict,
  queryObjectCacheKey,
  timeOffsetQueryCacheKey,
} from "#src/superset/query-object-key.js";
import { DEFAULT_SUPERSET_VERSION, type SupersetVersion, versionProfile } from "#src/superset/versions.js";
import { fromPeer, type PeerJson } from "#test/helpers/keys-peer.js";
import { FIXTURES_DIR } from "#test/helpers/paths.js";

const E1 = { product: "Coffee", company: "Gobias Industries", price_in_cents: 4000 };
const E1_NAN = { product: "Coffee", company: "Gobias Industries", price: Number.NaN };
const CHANGED_ON = new PyDatetime(2024, 1, 15, 10, 30, 0);
const CHART: QueryObjectKeyOptions = { datasourceUid: "3__table", changedOn: CHANGED_ON };
const DIRECT: QueryObjectKeyOptions = { rowLimits: null, resultType: null };

describe("E1: Superset's own hash vectors", () => {
  it("md5 and sha256 of the Gobias dict", () => {
    expect(hashFromDict(E1, { algorithm: "md5" })).toBe("35f22273cd6a6798b04f8ddef51135e3");
    expect(hashFromDict(E1, { algorithm: "sha256" })).toBe(
      "77bc5927f828903888572ab91c4f3114b36609ca5fb92039bef380d622cef596",
    );
    expect(hashInputJson(E1)).toBe(
      '{"company": "Gobias Industries", "price_in_cents": 4000, "product": "Coffee"}',
    );
  });
  it("NaN kept (simplejson ≤ 4.0, 6.1+) or ignored", () => {
    expect(hashFromDict(E1_NAN, { algorithm: "md5", supersetVersion: "4.0" })).toBe(
      "5d129d1dffebc0bacc734366476d586d",
    );
    expect(hashFromDict(E1_NAN, { algorithm: "md5", supersetVersion: "6.1" })).toBe(
      "5d129d1dffebc0bacc734366476d586d",
    );
    expect(hashFromDict(E1_NAN, { algorithm: "md5", ignoreNan: true })).toBe(
      "40e87d61f6add03816bccdeac5713b9f",
    );
    expect(hashFromDict(E1_NAN, { algorithm: "sha256", ignoreNan: true })).toBe(
      "9b66e0af1cb74aa58c3ab08654c086ebfdada14b1e6312b4002edc854d99d24d",
    );
  });
  it("4.1 – 6.0 (superset.utils.json.dumps, allow_nan=False) refuse NaN without ignore_nan", () => {
    for (const v of ["4.1", "5.0", "6.0"] as const) {
      expect(() => hashFromDict(E1_NAN, { supersetVersion: v })).toThrow(PyJsonEncodeError);
    }
  });
  it("default algorithm follows the version; others are refused", () => {
    expect(hashFromStr("x", { supersetVersion: "6.0" })).toHaveLength(32);
    expect(hashFromStr("x", { supersetVersion: "6.1" })).toHaveLength(64);
    expect(DEFAULT_SUPERSET_VERSION).toBe("6.1");
    expect(hashFromStr("x")).toHaveLength(64);
    const err = (() => {
      try {
        hashFromStr("x", { algorithm: "sha1" as "md5" });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SupersetCacheError);
    expect((err as SupersetCacheError).code).toBe("UNSUPPORTED_HASH_ALGORITHM");
  });
});

describe("E2: QueryObject(row_limit=1).cache_key()", () => {
  it("4.x layout", () => {
    expect(queryObjectCacheKey({ row_limit: 1 }, { ...DIRECT, supersetVersion: "4.0" })).toBe(
      "94d2f039d4fa8d3ac2e3c95f3458b143",
    );
  });
  it("3.0 layout (no time_shift), via a profile override", () => {
    const key = queryObjectCacheKey(
      { row_limit: 1 },
      { ...DIRECT, supersetVersion: "4.0", profile: { toDictTimeShift: false } },
    );
    expect(key).toBe("5213218860e2de92d22fe068dc2aef49");
  });
  it("6.x layout, md5 and sha256", () => {
    expect(
      queryObjectCacheKey({ row_limit: 1 }, { ...DIRECT, supersetVersion: "6.1", algorithm: "md5" }),
    ).toBe("d5d79451cd73dd6591b06fb5b1e159f6");
    expect(queryObjectCacheKey({ row_limit: 1 }, { ...DIRECT, supersetVersion: "6.1" })).toBe(
      "3d0f2c3c1e98c0f5747ed4e0d81303d81a60a915b547d3959a659b959d514cfc",
    );
  });
});

const E3: QueryObjectInput = {
  columns: ["gender"],
  metrics: ["count"],
  filters: [{ col: "gender", op: "IN", val: ["boy", "girl"] }],
  granularity: "ds",
  extras: { having: "", where: "" },
  orderby: [["count", false]],
  row_limit: 10000,
  time_range: "Last week",
};

describe("E3: typical chart query, 4.x layout", () => {
  it("hashes the spec's dict", () => {
    expect(
      hashInputJson(queryObjectCacheDict(E3, { ...CHART, supersetVersion: "4.1" }), {
        default: makeJsonIntDttmSer({ awareDatetime: "replace" }),
      }),
    ).toBe(
      '{"changed_on": 1705314600000.0, "columns": ["gender"], "datasource": "3__table", "extra_cache_keys": [], "extras": {"having": "", "where": ""}, "filter": [{"col": "gender", "op": "IN", "val": ["boy", "girl"]}], "granularity": "ds", "inner_from_dttm": null, "inner_to_dttm": null, "is_rowcount": false, "is_timeseries": false, "metrics": ["count"], "order_desc": true, "orderby": [["count", false]], "result_type": "full", "rls": [], "row_limit": 10000, "row_offset": 0, "series_columns": [], "series_limit": 0, "series_limit_metric": null, "time_range": "Last week", "time_shift": null}',
    );
    for (const v of ["4.0", "4.1", "5.0"] as const) {
      expect(queryObjectCacheKey(E3, { ...CHART, supersetVersion: v })).toBe(
        "dfcb3d8cdfedc8f1ce656fa4d5e6b092",
      );
    }
    expect(queryObjectCacheKey(E3, { ...CHART, supersetVersion: "4.1", algorithm: "sha256" })).toBe(
      "72c96be3b403e3069715ceefc0b7b459228cc6a715e02159da28e1a35962152f",
    );
  });
});

// E4/E5 are literal dicts with "series_columns": [] although is_timeseries is
// true (QueryObject would copy `columns` there); the dict is reproduced with that one field set.
const E4: QueryObjectInput = {
  columns: ["ds"],
  metrics: ["count"],
  granularity: "ds",
  extras: { having: "", time_grain_sqla: "P1D", where: "" },
  row_limit: 10000,
  is_timeseries: true,
  time_range: "2024-01-01 : 2024-02-01",
};
const hook4x = makeJsonIntDttmSer({ awareDatetime: "replace" });

describe("E4/E5: time-offset sub-query and per-user + RLS", () => {
  it("E4", () => {
    const d = queryObjectCacheDict(
      { ...E4, inner_from_dttm: new PyDatetime(2024, 1, 1), inner_to_dttm: new PyDatetime(2024, 2, 1) },
      { ...CHART, supersetVersion: "4.1", extra: { time_offset: "1 year ago", time_grain: "P1D" } },
    );
    expect(d.series_columns).toEqual(["ds"]);
    d.series_columns = [];
    expect(hashFromDict(d, { algorithm: "md5", ignoreNan: true, default: hook4x })).toBe(
      "cbb562a689b985c737eba624f2477054",
    );
  });
  it("E5", () => {
    const d = queryObjectCacheDict(E4, {
      ...CHART,
      supersetVersion: "4.1",
      impersonationKey: "alice",
      rls: ["region = 'EU'-team"],
    });
    d.series_columns = [];
    expect(hashFromDict(d, { algorithm: "md5", ignoreNan: true, default: hook4x })).toBe(
      "488b66e2965718188f7791c669a5e412",
    );
  });
  it("timeOffsetQueryCacheKey builds the sub-query's clone and kwargs", () => {
    const opts = {
      ...CHART,
      supersetVersion: "4.1" as const,
      offset: "1 year ago",
      timeGrain: "P1D",
      outerFromDttm: new PyDatetime(2024, 1, 1),
      outerToDttm: new PyDatetime(2024, 2, 1),
      xAxisLabel: "ds",
    };
    const withFilter = {
      ...E4,
      filters: [{ col: "ds", op: "TEMPORAL_RANGE", val: "x" }],
      time_offsets: ["1 year ago"],
    };
    const expected = queryObjectCacheKey(
      { ...E4, inner_from_dttm: opts.outerFromDttm, inner_to_dttm: opts.outerToDttm },
      { ...CHART, supersetVersion: "4.1", extra: { time_offset: "1 year ago", time_grain: "P1D" } },
    );
    expect(timeOffsetQueryCacheKey(withFilter, opts)).toBe(expected);
    // 4.1+: a date-range offset is keyed as "{offset}_{original}"; 4.0 keeps the plain offset.
    const joined = timeOffsetQueryCacheKey(E4, { ...opts, originalOffset: "inherit" });
    const plain40 = timeOffsetQueryCacheKey(E4, {
      ...opts,
      supersetVersion: "4.0",
      originalOffset: "inherit",
    });
    expect(joined).not.toBe(expected);
    expect(plain40).toBe(expected);
  });
});

describe("E6: serializer edge cases", () => {
  it("floats, dates, aware datetime (≤ 6.x replace rule), Decimal, NaN, tuple, astral, controls", () => {
    const e6 = {
      label: "Café ☕",
      ratio: 0.1,
      big: new PyFloat(1e16),
      small: 1e-5,
      whole: new PyFloat(100),
      d: new PyDate(2024, 1, 1),
      dt_aware: new PyDatetime(2024, 1, 1, 12, 0, 0, 0, new PyTzInfo("fixed", 7200)),
      dec: new PyDecimal("12.50"),
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      tup: PyTuple.fromItems([1, 2]),
      emoji: "😀",
      ctl: "a\tb\x7f/",
    };
    const text = hashInputJson(e6, { ignoreNan: true, default: hook4x });
    expect(text).toBe(
      '{"big": 1e+16, "ctl": "a\\tb\\u007f/", "d": 1704067200000.0, "dec": 12.50, "dt_aware": 1704110400000.0, "emoji": "\\ud83d\\ude00", "inf": null, "label": "Caf\\u00e9 \\u2615", "nan": null, "ratio": 0.1, "small": 1e-05, "tup": [1, 2], "whole": 100.0}',
    );
    expect(hashFromDict(e6, { algorithm: "md5", ignoreNan: true, default: hook4x })).toBe(
      "15adb09fab5136235487965bdcc45352",
    );
    // master converts the instant instead.
    expect(hashInputJson({ t: e6.dt_aware }, { default: makeJsonIntDttmSer() })).toBe(
      '{"t": 1704103200000.0}',
    );
  });
});

describe("E7/E8: qc- and ejr- keys", () => {
  const cacheValues = {
    datasource: { id: 3, type: "table" },
    queries: [{ columns: ["gender"], metrics: ["count"], row_limit: 10000 }],
    result_type: "full",
    result_format: "json",
  };
  it("E7", () => {
    expect(queryContextCacheKey(cacheValues, { supersetVersion: "4.1" })).toBe(
      "qc-89a541d28a19e58aa939d929a0e22e22",
    );
    expect(queryContextCacheKey(cacheValues, { supersetVersion: "6.1" })).toBe(
      "qc-f1e8f27f3dc1884c7dffa5117fb28e532876f6d36dad80cd1fd9a97e5ea20547",
    );
  });
  it("E8", () => {
    const values = { form_data: { slice_id: 42, viz_type: "table" }, response_type: null };
    expect(generateCacheKey(values, "ejr-", { supersetVersion: "4.0" })).toBe(
      "ejr-e7c86ec6b6b2952066b20b568b4d10f7",
    );
  });
});

describe("factory rules and versions", () => {
  it("row limits: default by result type, capped by SQL_MAX_ROW, 0 means the cap", () => {
    expect(applyRowLimit(null, "full")).toBe(50000);
    expect(applyRowLimit(undefined, "samples")).toBe(1000);
    expect(applyRowLimit(200000, "full")).toBe(100000);
    expect(applyRowLimit(0, "full")).toBe(50000); // `0 or default` in Python
    expect(applyRowLimit(10, "full", { SQL_MAX_ROW: 5 })).toBe(5);
  });
  it("unknown versions are a config error", () => {
    expect(() => versionProfile("3.0" as SupersetVersion)).toThrow(CacheConfigError);
  });
});

interface Fixture {
  name: string;
  version: SupersetVersion;
  query: PeerJson;
  opts: PeerJson;
  json: string;
  md5: string;
  sha256: string;
  default_algorithm: "md5" | "sha256";
}
const FIXTURES = JSON.parse(
  readFileSync(join(FIXTURES_DIR, "superset-keys", "query-object-keys.json"), "utf8"),
) as { cases: Fixture[] };

function tsOptions(version: SupersetVersion, raw: Record<string, PyValue>): QueryObjectKeyOptions {
  const o: QueryObjectKeyOptions = { supersetVersion: version };
  if ("datasource_uid" in raw) o.datasourceUid = raw.datasource_uid as string;
  if ("changed_on" in raw) o.changedOn = raw.changed_on as PyValue;
  if ("rls" in raw) o.rls = raw.rls as string[];
  if ("extra_cache_keys" in raw) o.extraCacheKeys = raw.extra_cache_keys as PyValue[];
  if ("impersonation_key" in raw) o.impersonationKey = raw.impersonation_key as string;
  if ("result_type" in raw) o.resultType = raw.result_type as string | null;
  if (raw.factory_row_limit === false) o.rowLimits = null;
  if ("extra" in raw) o.extra = raw.extra as Record<string, PyValue>;
  return o;
}

describe("Python-computed fixtures (≥ 5 per version)", () => {
  const versions = new Set(FIXTURES.cases.map((c) => c.version));
  it("cover every profile", () => {
    for (const v of ["4.0", "4.1", "5.0", "6.0", "6.1", "master"]) {
      expect(FIXTURES.cases.filter((c) => c.version === v).length).toBeGreaterThanOrEqual(5);
    }
    expect(versions.size).toBe(6);
  });
  for (const c of FIXTURES.cases) {
    it(`${c.version}: ${c.name}`, () => {
      const query = fromPeer(c.query) as QueryObjectInput;
      const opts = tsOptions(c.version, fromPeer(c.opts) as Record<string, PyValue>);
      const profile = versionProfile(c.version);
      expect(profile.hashAlgorithm).toBe(c.default_algorithm);
      expect(
        hashInputJson(queryObjectCacheDict(query, opts), {
          ignoreNan: true,
          default: makeJsonIntDttmSer(profile),
          supersetVersion: c.version,
        }),
      ).toBe(c.json);
      expect(queryObjectCacheKey(query, { ...opts, algorithm: "md5" })).toBe(c.md5);
      expect(queryObjectCacheKey(query, { ...opts, algorithm: "sha256" })).toBe(c.sha256);
      expect(queryObjectCacheKey(query, opts)).toBe(c.default_algorithm === "md5" ? c.md5 : c.sha256);
    });
  }
});
