/**
 * The three shapes a screenshot takes in the thumbnail cache (superset/utils/screenshots.py):
 * - `bytes`: raw PNG bytes (≤ 4.x);
 * - `payload-object`: a pickled `ScreenshotCachePayload` instance (5.0 pre-releases, PR #31757);
 * - `dict`: `{"image": base64 | None, "timestamp": isoformat, "status": "Pending"|…}` (5.0+, PR #32156;
 *   master adds `scope` and `capture_contract`).
 * Read any of them; write the one a version expects.
 */

import { CacheDecodeError } from "../../core/errors.js";
import { isPlainObject } from "../../python/dicts.js";
import { PyDatetime, PyEnum, PyObject, type PyValue } from "../../python/values.js";
import type { SupersetVersion } from "../versions.js";

/** `StatusValues` member values. */
export type ThumbnailStatus = "Pending" | "Computing" | "Updated" | "Error";
export const THUMBNAIL_STATUSES: readonly ThumbnailStatus[] = ["Pending", "Computing", "Updated", "Error"];

export type ThumbnailValueShape = "bytes" | "payload-object" | "dict";

const SCREENSHOTS_MODULE = "superset.utils.screenshots";
const PAYLOAD_CLASS = "ScreenshotCachePayload";
const STATUS_CLASS = "StatusValues";
const STATUS_MEMBER: Readonly<Record<ThumbnailStatus, string>> = {
  Pending: "PENDING",
  Computing: "COMPUTING",
  Updated: "UPDATED",
  Error: "ERROR",
};
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A screenshot cache entry, whatever shape it was stored in. */
export interface ThumbnailEntry {
  /** PNG (or JPEG) bytes; null while Pending/Computing or after an Error without image. */
  image: Uint8Array | null;
  status: ThumbnailStatus;
  /** Naive local-time `isoformat()` of the last change; null for the raw-bytes shape. */
  timestamp: string | null;
  /** Master only: `"dashboard:<id>"` / `"chart:<id>"`. */
  scope?: string | null;
  /** Master only: e.g. `"dashboard-complete-v1"`. */
  captureContract?: string | null;
  /** The shape it was read from (or will be written as). */
  shape: ThumbnailValueShape;
}

/** A stored value that is none of the three shapes (or a malformed one). */
export class ThumbnailDecodeError extends CacheDecodeError {
  constructor(message: string) {
    super("THUMBNAIL_VALUE_INVALID", message);
  }
}

/** The shape a Superset version writes: bytes through 4.x, the dict from 5.0 (pre-releases: pass `payload-object` explicitly). */
export function thumbnailShapeFor(version: SupersetVersion): ThumbnailValueShape {
  return version === "4.0" || version === "4.1" ? "bytes" : "dict";
}

/**
 * Interpret a value read from the thumbnail cache (as `Cache.get` returns it).
 * @throws ThumbnailDecodeError for anything that is not one of the three shapes
 */
export function readThumbnailValue(value: PyValue): ThumbnailEntry {
  if (value instanceof Uint8Array)
    return { image: value, status: "Updated", timestamp: null, shape: "bytes" };
  if (value instanceof PyObject) return readPayloadObject(value);
  if (isPlainObject(value)) return readDict(value as Record<string, PyValue>);
  throw new ThumbnailDecodeError(
    "thumbnail value is neither bytes, a ScreenshotCachePayload nor a payload dict",
  );
}

function readDict(d: Record<string, PyValue>): ThumbnailEntry {
  const status = statusOf(d.status);
  const image = d.image;
  if (image !== null && typeof image !== "string")
    throw new ThumbnailDecodeError("`image` is not base64 text or None");
  if (typeof d.timestamp !== "string") throw new ThumbnailDecodeError("`timestamp` is not a string");
  const entry: ThumbnailEntry = {
    image: image === null || image === "" ? null : decodeBase64(image),
    status,
    timestamp: d.timestamp,
    shape: "dict",
  };
  if ("scope" in d) entry.scope = optionalString(d.scope, "scope");
  if ("capture_contract" in d) entry.captureContract = optionalString(d.capture_contract, "capture_contract");
  return entry;
}

function readPayloadObject(o: PyObject): ThumbnailEntry {
  if (o.module !== SCREENSHOTS_MODULE || o.name !== PAYLOAD_CLASS) {
    throw new ThumbnailDecodeError(`unexpected pickled object ${o.qualifiedName}`);
  }
  const state = o.state;
  if (!isPlainObject(state)) {
    throw new ThumbnailDecodeError("ScreenshotCachePayload without its attribute dict");
  }
  const s = state as Record<string, PyValue>;
  const image = s._image ?? null;
  if (image !== null && !(image instanceof Uint8Array))
    throw new ThumbnailDecodeError("`_image` is not bytes or None");
  if (typeof s._timestamp !== "string") throw new ThumbnailDecodeError("`_timestamp` is not a string");
  return { image, status: statusOf(s.status), timestamp: s._timestamp, shape: "payload-object" };
}

function statusOf(v: PyValue | undefined): ThumbnailStatus {
  let text: PyValue | undefined = v;
  if (v instanceof PyEnum) text = v.value ?? (v.name ? memberValue(v.name) : undefined);
  else if (v instanceof PyObject && v.name === STATUS_CLASS) text = v.args?.[0];
  if (typeof text === "string" && (THUMBNAIL_STATUSES as readonly string[]).includes(text))
    return text as ThumbnailStatus;
  throw new ThumbnailDecodeError(`unknown thumbnail status ${String(text)}`);
}

function memberValue(name: string): string | undefined {
  return Object.entries(STATUS_MEMBER).find(([, member]) => member === name)?.[0];
}

function optionalString(v: PyValue | undefined, field: string): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") throw new ThumbnailDecodeError(`\`${field}\` is not a string`);
  return v;
}

/** `base64.b64decode(s, validate=True)`: standard alphabet, padding required. */
function decodeBase64(text: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text))
    throw new ThumbnailDecodeError("`image` is not valid base64");
  return new Uint8Array(Buffer.from(text, "base64"));
}

export interface ThumbnailWriteInput {
  image: Uint8Array | null;
  /** Default: `Updated` when an image is given, else `Pending` (as ScreenshotCachePayload's constructor). */
  status?: ThumbnailStatus;
  /** Default: now, as Python's naive local `datetime.now().isoformat()`. */
  timestamp?: string;
  /** Master's `scope` (`"chart:<id>"` / `"dashboard:<id>"`), written only when given. */
  scope?: string | null;
  /** Master's `capture_contract`, written only when given. */
  captureContract?: string | null;
}

/**
 * The value to store for a screenshot in the given shape (pass it to `thumbnailCache.set`).
 * @throws ThumbnailDecodeError `THUMBNAIL_VALUE_INVALID` when the raw-bytes shape gets no image
 */
export function thumbnailValue(input: ThumbnailWriteInput, shape: ThumbnailValueShape): PyValue {
  const status = input.status ?? (input.image ? "Updated" : "Pending");
  const timestamp = input.timestamp ?? nowIsoformat();
  if (shape === "bytes") {
    // ≤ 4.x only ever cached finished images.
    if (!input.image) throw new ThumbnailDecodeError("the raw-bytes shape (≤ 4.x) needs an image");
    return input.image;
  }
  if (shape === "payload-object") {
    const o = new PyObject(SCREENSHOTS_MODULE, PAYLOAD_CLASS, [], {
      _image: input.image,
      _timestamp: timestamp,
      status: new PyEnum(SCREENSHOTS_MODULE, STATUS_CLASS, STATUS_MEMBER[status], status),
    });
    o.call = "newobj"; // plain instances pickle as copyreg.__newobj__ + BUILD
    return o;
  }
  const dict: Record<string, PyValue> = {
    image: input.image ? Buffer.from(input.image).toString("base64") : null,
    timestamp,
    status,
  };
  if (input.scope !== undefined) dict.scope = input.scope;
  if (input.captureContract !== undefined) dict.capture_contract = input.captureContract;
  return dict;
}

/** Python's naive `datetime.now().isoformat()` in this process's local time zone. */
export function nowIsoformat(now: Date = new Date()): string {
  return new PyDatetime(
    now.getFullYear(),
    now.getMonth() + 1,
    now.getDate(),
    now.getHours(),
    now.getMinutes(),
    now.getSeconds(),
    now.getMilliseconds() * 1000,
  ).isoformat();
}
