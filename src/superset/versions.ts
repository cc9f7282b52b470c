/**
 * Superset version profiles: everything that changes the bytes of a chart-data key or
 * entry between releases. Boundaries marked "uncertain" are this library's best reading of
 * upstream history; every field can be overridden per call (`profile` option).
 */
import type { HashAlgorithm, SupersetVersion } from "../config/superset-versions.js";
import { CacheConfigError } from "../core/errors.js";
import type { AwareDatetimeRule } from "./json-hooks.js";

export type { HashAlgorithm, SupersetVersion } from "../config/superset-versions.js";

/**
 * How `hash_from_dict`/`md5_sha_from_dict` call simplejson:
 * - `simplejson`: `simplejson.dumps` directly (≤ 4.0): NaN allowed, bytes must be UTF-8.
 * - `superset-json`: `superset.utils.json.dumps` (4.1 – 6.0): `allow_nan=False`, so a NaN
 *   without `ignore_nan` throws; non-UTF-8 bytes retried through the `default` hook.
 * - `superset-json-allow-nan`: same wrapper with `allow_nan=True` (6.1+).
 */
export type HashJsonMode = "simplejson" | "superset-json" | "superset-json-allow-nan";

export interface SupersetVersionProfile {
  readonly id: SupersetVersion;
  /** `HASH_ALGORITHM` default (md5 before 6.1, sha256 from 6.1). */
  readonly hashAlgorithm: HashAlgorithm;
  readonly hashJson: HashJsonMode;
  /** `to_dict()` carries `time_shift` (≥ 3.1). */
  readonly toDictTimeShift: boolean;
  /** `to_dict()` carries `group_others_when_limit_reached` (6.0+, uncertain). */
  readonly toDictGroupOthers: boolean;
  /** `to_dict()` carries `post_processing` (PR #36225; 6.1 here, uncertain: 6.0 or 6.1). */
  readonly toDictPostProcessing: boolean;
  /** `to_dict()` carries `grouping_sets` and `time_compare_full_range` (master). */
  readonly toDictGroupingSets: boolean;
  /** An empty `metrics` list becomes `null` (6.0+); before, `[]` stayed `[]`. */
  readonly emptyMetricsAsNull: boolean;
  /** `contribution` post-processing options lose `contribution_totals` before keying (6.1 here, uncertain). */
  readonly stripContributionTotals: boolean;
  /** `extra_cache_keys` sorted by (type name, str(value)) (master, PR #42597). */
  readonly sortExtraCacheKeys: boolean;
  /** Adhoc `sqlExpression` values get CRLF→LF and strip() before keying (master, uncertain). */
  readonly normalizeAdhocSql: boolean;
  /** `from_dttm`/`to_dttm` stay in the key when there is no `time_range` (master, PR #43914). */
  readonly keepBoundsWithoutTimeRange: boolean;
  /** `datetime_to_epoch` for aware datetimes. */
  readonly awareDatetime: AwareDatetimeRule;
  /** `base_json_conv` decodes non-UTF-8 bytes as UTF-16 before giving up (4.1+). */
  readonly bytesUtf16Fallback: boolean;
  /** Time-offset sub-query kwargs: 4.0 `time_offset`+`time_grain`; 4.1+ offset may be `"{offset}_{original}"`. */
  readonly timeOffsetJoinedName: boolean;
  /** `dttm` written by `set_and_log_cache`: naive `YYYY-MM-DDTHH:MM:SS` or with `+00:00` (master). */
  readonly dttmFormat: "naive" | "utc-offset";
  /** Timeout -1: write without TTL (≤ 5.x) or skip the write (6.0+, uncertain for 6.0). */
  readonly timeoutMinusOne: "write-without-ttl" | "skip-write";
  /** Entries carry `sql_rowcount` (4.0+). */
  readonly entrySqlRowcount: boolean;
  /** Entries carry `queried_dttm` (6.1+ here, uncertain). */
  readonly entryQueriedDttm: boolean;
  /** An entry whose `applied_filter_columns` is empty while the query has filters is a miss (6.0+). */
  readonly emptyAppliedFilterColumnsIsMiss: boolean;
  /** Timeout chain tests truthiness (≤ 6.x, so 0 is skipped) or `is not None` (master). */
  readonly timeoutChainTruthy: boolean;
}

const V4_0: SupersetVersionProfile = {
  id: "4.0",
  hashAlgorithm: "md5",
  hashJson: "simplejson",
  toDictTimeShift: true,
  toDictGroupOthers: false,
  toDictPostProcessing: false,
  toDictGroupingSets: false,
  emptyMetricsAsNull: false,
  stripContributionTotals: false,
  sortExtraCacheKeys: false,
  normalizeAdhocSql: false,
  keepBoundsWithoutTimeRange: false,
  awareDatetime: "replace",
  bytesUtf16Fallback: false,
  timeOffsetJoinedName: false,
  dttmFormat: "naive",
  timeoutMinusOne: "write-without-ttl",
  entrySqlRowcount: true,
  entryQueriedDttm: false,
  emptyAppliedFilterColumnsIsMiss: false,
  timeoutChainTruthy: true,
};

const V4_1: SupersetVersionProfile = {
  ...V4_0,
  id: "4.1",
  hashJson: "superset-json",
  bytesUtf16Fallback: true,
  timeOffsetJoinedName: true,
};

const V6_0: SupersetVersionProfile = {
  ...V4_1,
  id: "6.0",
  toDictGroupOthers: true,
  emptyMetricsAsNull: true,
  timeoutMinusOne: "skip-write",
  emptyAppliedFilterColumnsIsMiss: true,
};

const V6_1: SupersetVersionProfile = {
  ...V6_0,
  id: "6.1",
  hashAlgorithm: "sha256",
  hashJson: "superset-json-allow-nan",
  toDictPostProcessing: true,
  stripContributionTotals: true,
  entryQueriedDttm: true,
};

const MASTER: SupersetVersionProfile = {
  ...V6_1,
  id: "master",
  toDictGroupingSets: true,
  sortExtraCacheKeys: true,
  normalizeAdhocSql: true,
  keepBoundsWithoutTimeRange: true,
  awareDatetime: "astimezone",
  dttmFormat: "utc-offset",
  timeoutChainTruthy: false,
};

const PROFILES: Readonly<Record<SupersetVersion, SupersetVersionProfile>> = {
  "4.0": V4_0,
  "4.1": V4_1,
  "5.0": { ...V4_1, id: "5.0" },
  "6.0": V6_0,
  "6.1": V6_1,
  master: MASTER,
};

/** Versions with a profile, oldest first. */
export const SUPERSET_VERSIONS: readonly SupersetVersion[] = Object.keys(PROFILES) as SupersetVersion[];

/**
 * The profile used when no `supersetVersion` is given: 6.1, the newest release line the
 * spec describes (sha256 keys). Pass `supersetVersion` explicitly for anything older.
 */
export const DEFAULT_SUPERSET_VERSION: SupersetVersion = "6.1";

/**
 * The profile of `version` (default {@link DEFAULT_SUPERSET_VERSION}, with a one-time process
 * warning `SUPERSET_VERSION_DEFAULT`), with `overrides` applied.
 * @throws CacheConfigError `UNSUPPORTED_SUPERSET_VERSION` for an unknown version.
 */
export function versionProfile(
  version?: SupersetVersion,
  overrides?: Partial<Omit<SupersetVersionProfile, "id">>,
): SupersetVersionProfile {
  if (version === undefined) warnDefaultVersion();
  const base = PROFILES[version ?? DEFAULT_SUPERSET_VERSION];
  if (!base) {
    throw new CacheConfigError(
      "UNSUPPORTED_SUPERSET_VERSION",
      "supersetVersion",
      `unsupported Superset version ${JSON.stringify(version)}; expected one of ${SUPERSET_VERSIONS.join(", ")}`,
    );
  }
  return overrides ? { ...base, ...overrides } : base;
}

let defaultVersionWarned = false;

/**
 * Once per process: no `supersetVersion` was given anywhere, so 6.1's rules apply, and with them
 * sha256 keys, which an older Superset never reads.
 */
function warnDefaultVersion(): void {
  if (defaultVersionWarned) return;
  defaultVersionWarned = true;
  process.emitWarning(
    `no supersetVersion set: using Superset ${DEFAULT_SUPERSET_VERSION}'s rules, whose keys are sha256 unless HASH_ALGORITHM says otherwise (Superset 6.0 and older use md5); set supersetVersion on CacheManager or per call`,
    { type: "SupersetCacheWarning", code: "SUPERSET_VERSION_DEFAULT" },
  );
}
