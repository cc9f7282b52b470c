/**
 * Superset chart-data keys per second: ours (queryObjectCacheKey / hashFromDict) against
 * Python computing the same key (simplejson 3.18.3 + hashlib, python/peer/keys_peer.py
 * timing its own loop), same run. A JS reference (fast-json-stable-stringify + md5, which
 * is NOT simplejson-compatible) shows the cost of exactness.
 */
import { createHash } from "node:crypto";
import stableStringify from "fast-json-stable-stringify";
import { PyDatetime } from "#src/python/values.js";
import { hashFromDict } from "#src/superset/hashing.js";
import { makeJsonIntDttmSer } from "#src/superset/json-hooks.js";
import {
  type QueryObjectInput,
  type QueryObjectKeyOptions,
  queryObjectCacheDict,
  queryObjectCacheKey,
} from "#src/superset/query-object-key.js";
import { type SupersetVersion, versionProfile } from "#src/superset/versions.js";
import { runKeysPeer, toPeer } from "../../test/helpers/keys-peer.js";
import { type Measurement, measure, median, type Ratio, ratio, type SuiteResult } from "../harness.js";
import { roundsOr } from "../runs.js";

/** A typical table/bar chart query as Superset's chart-data API receives it. */
const QUERY: QueryObjectInput = {
  columns: ["gender", "state"],
  metrics: [
    { expressionType: "SIMPLE", aggregate: "SUM", label: "SUM(num)", column: { column_name: "num" } },
    "count",
  ],
  filters: [
    { col: "gender", op: "IN", val: ["boy", "girl"] },
    { col: "ds", op: "TEMPORAL_RANGE", val: "Last week" },
  ],
  orderby: [["count", false]],
  extras: { having: "", where: "", time_grain_sqla: "P1D" },
  granularity: "ds",
  row_limit: 10000,
  time_range: "Last week",
  post_processing: [
    {
      operation: "pivot",
      options: { index: ["state"], columns: ["gender"], aggregates: { count: { operator: "sum" } } },
    },
  ],
};
const CHANGED_ON = new PyDatetime(2024, 1, 15, 10, 30, 0);
const OPTS: QueryObjectKeyOptions = {
  datasourceUid: "3__table",
  changedOn: CHANGED_ON,
  rls: ["region = 'EU'-team"],
};
const ROUNDS = roundsOr(5);
const ROUND_SECONDS = 0.3;
/** Calls between clock reads: the Python peer also reads its clock every 100 calls. */
const BATCH = 100;

function pythonRound(version: SupersetVersion, mode: "full" | "dict"): number {
  const { rounds } = runKeysPeer<{ rounds: number[] }>("bench", {
    version,
    mode,
    query: toPeer(QUERY),
    opts: toPeer({ datasource_uid: "3__table", changed_on: CHANGED_ON, rls: OPTS.rls }),
    seconds: ROUND_SECONDS,
    rounds: 1,
  });
  return rounds[0] as number;
}

/**
 * Rounds alternate between Python and us, so a load change on the shared machine hits
 * both sides alike; each side reports the median of its rounds.
 */
async function sideBySide(
  caseName: string,
  version: SupersetVersion,
  mode: "full" | "dict",
  ours: () => unknown,
): Promise<Measurement[]> {
  const py: number[] = [];
  const js: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    py.push(pythonRound(version, mode));
    js.push(
      (await measure(caseName, "ours", ours, { rounds: 1, roundMs: ROUND_SECONDS * 1000, batch: BATCH }))
        .opsPerSec,
    );
  }
  return [
    { case: caseName, impl: "ours", opsPerSec: median(js), rounds: ROUNDS, samples: js },
    { case: caseName, impl: "python simplejson+hashlib", opsPerSec: median(py), rounds: ROUNDS, samples: py },
  ];
}

export default async function keysSuite(): Promise<SuiteResult> {
  const measurements: Measurement[] = [];
  const ratios: Ratio[] = [];
  for (const version of ["4.1", "6.1"] as const) {
    const profile = versionProfile(version);
    const full = `query-object key ${version} (${profile.hashAlgorithm})`;
    const dict = `hash_from_dict of the cache dict ${version}`;
    const opts = { ...OPTS, supersetVersion: version };
    const cacheDict = queryObjectCacheDict(QUERY, opts);
    const hook = makeJsonIntDttmSer(profile);
    const hashOpts = {
      algorithm: profile.hashAlgorithm,
      ignoreNan: true,
      default: hook,
      supersetVersion: version,
    };
    measurements.push(...(await sideBySide(full, version, "full", () => queryObjectCacheKey(QUERY, opts))));
    measurements.push(...(await sideBySide(dict, version, "dict", () => hashFromDict(cacheDict, hashOpts))));
    const plain = JSON.parse(JSON.stringify({ ...cacheDict, changed_on: 1705314600000 }));
    measurements.push(
      await measure(
        dict,
        "reference: fast-json-stable-stringify+node:crypto (not simplejson-compatible)",
        () => createHash(profile.hashAlgorithm).update(stableStringify(plain)).digest("hex"),
        { rounds: ROUNDS },
      ),
    );
    ratios.push(ratio(measurements, full, "ours", "python simplejson+hashlib", "≥ 5"));
    ratios.push(ratio(measurements, dict, "ours", "python simplejson+hashlib", "≥ 5"));
  }
  return {
    suite: "keys",
    measurements,
    ratios,
    notes: [
      "Python times its own loop in a subprocess (no IPC inside the timed region); rounds of 0.3 s alternate Python/ours; medians of 5; both sides read the clock every 100 calls.",
      "Both sides compute identical keys (checked by test/unit/query-key.test.ts against Python fixtures).",
    ],
  };
}
