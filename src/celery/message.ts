/**
 * Celery task messages as kombu's Redis transport stores them (message protocol 2, JSON):
 * a JSON envelope `{body, content-encoding, content-type, headers, properties}` whose `body` is
 * the base64 of the JSON text `[args, kwargs, embed]`. `encodeTaskMessage` writes the bytes
 * `app.send_task` + kombu's `Channel._put` write (celery/app/amqp.py `as_task_v2`, kombu
 * messaging.py `Producer.publish`, transport/virtual/base.py `_inplace_augment_message`);
 * `decodeTaskMessage` reads any protocol-1 or -2 message with a JSON or pickle body, compressed
 * or not (`body-compression.ts`).
 */
import { stdlibJsonLoads } from "../codecs/json/stdlib-decode.js";
import { stdlibJsonDumps } from "../codecs/json/stdlib-encode.js";
import { loads as pickleLoads } from "../codecs/pickle/decode/decoder.js";
import { isStrDict } from "../python/dicts.js";
import type { PyValue } from "../python/values.js";
import { decompressBody } from "./body-compression.js";
import { CeleryError } from "./errors.js";
import { CELERY_REPR_MAXSIZE, celerySaferepr } from "./python-repr.js";
import { carriesSessionCookie } from "./session-cookie.js";

/**
 * Header layout: `5.3` (Celery 5.3 – 5.5, what Superset 4.1+ pins) adds `replaced_task_nesting`,
 * `stamped_headers` and `stamps` to the `5.2` set. Workers of either line accept both.
 */
export type CeleryHeaderStyle = "5.2" | "5.3";

/** Everything one task message carries; times are already ISO 8601 text. */
export interface TaskMessageSpec {
  /** Registered task name, e.g. `cache-warmup`. */
  name: string;
  args: readonly PyValue[];
  kwargs: Readonly<Record<string, PyValue>>;
  /** Task id (a UUID string). */
  id: string;
  /** Routing key: the queue name (kombu's anonymous exchange delivers to it). */
  queue: string;
  /** `properties.priority` as given (kombu clamps it to 0–9 when picking the list). Default 0. */
  priority?: number;
  /** `eta` header: ISO 8601 with offset, or null. */
  eta?: string | null;
  /** `expires` header: ISO 8601 with offset, or null. */
  expires?: string | null;
  /** `properties.expiration`: MILLISECONDS until the broker may drop the message (kombu writes it as text). */
  expirationMs?: number;
  /** Hard and soft time limits, SECONDS (null = the worker's default). */
  timeLimit?: number | null;
  softTimeLimit?: number | null;
  rootId?: string | null;
  parentId?: string | null;
  group?: string | null;
  groupIndex?: number | null;
  retries?: number;
  shadow?: string | null;
  ignoreResult?: boolean;
  /** `properties.reply_to`: celery's per-thread oid. */
  replyTo: string;
  /** `origin` header: `gen<pid>@<host>`. */
  origin: string;
  /** `properties.delivery_tag`: a UUID. */
  deliveryTag: string;
  /** Default `5.3`. */
  headerStyle?: CeleryHeaderStyle;
}

/** The `embed` part of a protocol-2 body. */
export interface TaskEmbed {
  callbacks: PyValue;
  errbacks: PyValue;
  chain: PyValue;
  chord: PyValue;
}

/** A task message read back from the broker. */
export interface DecodedTaskMessage {
  id: string;
  /** Task name (`headers.task`). */
  task: string;
  args: PyValue[];
  kwargs: Record<string, PyValue>;
  /** Callbacks/errbacks/chain/chord, or null for protocol 1. */
  embed: TaskEmbed | null;
  headers: Record<string, PyValue>;
  properties: Record<string, PyValue>;
  /** `properties.priority` (null when absent). */
  priority: number | null;
  eta: string | null;
  expires: string | null;
  /** 1 (Celery 3 style: everything in the body) or 2. */
  protocol: 1 | 2;
  contentType: string;
  /** A `Cookie: session=…` header sits among the arguments (readable by anyone with broker access). */
  carriesSessionCookie: boolean;
}

const JSON_CONTENT_TYPE = "application/json";
const PICKLE_CONTENT_TYPE = "application/x-python-serialize";
/** AMQP persistent delivery, what Celery's default exchange publishes with. */
const PERSISTENT = 2;

/** The JSON text of `value` as kombu's `dumps` writes it, or CELERY_TASK_ARGUMENTS. */
function kombuJson(value: PyValue, what: string): string {
  try {
    return stdlibJsonDumps(value);
  } catch (cause) {
    throw new CeleryError(
      "CELERY_TASK_ARGUMENTS",
      `${what} cannot be sent as JSON: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * The exact bytes (as text) kombu LPUSHes for this task.
 * @throws CeleryError `CELERY_TASK_ARGUMENTS` when args/kwargs hold a value JSON cannot carry
 */
export function encodeTaskMessage(spec: TaskMessageSpec): string {
  const body = kombuJson(
    [
      [...spec.args],
      { ...spec.kwargs },
      { callbacks: null, errbacks: null, chain: null, chord: null },
    ] as PyValue,
    "task arguments",
  );
  const headers: Record<string, PyValue> = {
    lang: "py",
    task: spec.name,
    id: spec.id,
    shadow: spec.shadow ?? null,
    eta: spec.eta ?? null,
    expires: spec.expires ?? null,
    group: spec.group ?? null,
    group_index: spec.groupIndex ?? null,
    retries: spec.retries ?? 0,
    timelimit: [spec.timeLimit ?? null, spec.softTimeLimit ?? null],
    root_id: spec.rootId || spec.id,
    parent_id: spec.parentId ?? null,
    argsrepr: celerySaferepr([...spec.args], CELERY_REPR_MAXSIZE),
    kwargsrepr: celerySaferepr({ ...spec.kwargs }, CELERY_REPR_MAXSIZE),
    origin: spec.origin,
    ignore_result: spec.ignoreResult ?? false,
  };
  if ((spec.headerStyle ?? "5.3") === "5.3") {
    headers.replaced_task_nesting = 0;
    headers.stamped_headers = null;
    headers.stamps = {};
  }
  const properties: Record<string, PyValue> = {
    correlation_id: spec.id,
    reply_to: spec.replyTo,
    delivery_mode: PERSISTENT,
  };
  if (spec.expirationMs !== undefined) properties.expiration = String(Math.trunc(spec.expirationMs));
  properties.delivery_info = { exchange: "", routing_key: spec.queue };
  properties.priority = spec.priority ?? 0;
  properties.body_encoding = "base64";
  properties.delivery_tag = spec.deliveryTag;
  return kombuJson(
    {
      body: Buffer.from(body, "utf8").toString("base64"),
      "content-encoding": "utf-8",
      "content-type": JSON_CONTENT_TYPE,
      headers,
      properties,
    },
    "the message",
  );
}

const malformed = (why: string, cause?: unknown): CeleryError =>
  new CeleryError("CELERY_MESSAGE_MALFORMED", `not a Celery task message: ${why}`, { cause });

const text = (v: PyValue | undefined): string | null => (typeof v === "string" ? v : null);

/** The body bytes after the transport's `body_encoding` (base64) is undone. */
function bodyBytes(envelope: Record<string, PyValue>, properties: Record<string, PyValue>): Uint8Array {
  const body = envelope.body;
  if (properties.body_encoding === "base64") {
    if (typeof body !== "string") throw malformed("base64 body is not a string");
    return Buffer.from(body, "base64");
  }
  if (typeof body === "string") return Buffer.from(body, "utf8");
  throw malformed("body is neither base64 nor text");
}

function decodeBody(bytes: Uint8Array, contentType: string): PyValue {
  try {
    if (contentType === JSON_CONTENT_TYPE) return stdlibJsonLoads(bytes);
    if (contentType === PICKLE_CONTENT_TYPE) return pickleLoads(bytes);
  } catch (cause) {
    throw malformed(`the ${contentType} body does not decode`, cause);
  }
  throw malformed(`content type ${contentType} is not read here (JSON and pickle are)`);
}

/**
 * Read one message as kombu stored it (the LPUSHed JSON, or the first element of an `unacked`
 * hash value). Never evaluates anything: pickle bodies go through the safe decoder.
 * @throws CeleryError `CELERY_MESSAGE_MALFORMED` for anything that is not a task message
 */
export function decodeTaskMessage(raw: Uint8Array | string): DecodedTaskMessage {
  let envelope: PyValue;
  try {
    envelope = stdlibJsonLoads(typeof raw === "string" ? Buffer.from(raw, "utf8") : raw);
  } catch (cause) {
    throw malformed("the envelope is not JSON", cause);
  }
  return decodeTaskEnvelope(envelope);
}

/**
 * Read an envelope already parsed from JSON (e.g. the first element of an `unacked` value).
 * @throws CeleryError `CELERY_MESSAGE_MALFORMED`
 */
export function decodeTaskEnvelope(envelope: PyValue): DecodedTaskMessage {
  if (!isStrDict(envelope)) throw malformed("the envelope is not a JSON object");
  const headers = isStrDict(envelope.headers) ? envelope.headers : {};
  const properties = isStrDict(envelope.properties) ? envelope.properties : {};
  const contentType = text(envelope["content-type"]) ?? JSON_CONTENT_TYPE;
  const raw = bodyBytes(envelope, properties);
  const compression = text(headers.compression);
  const body = decodeBody(compression ? decompressBody(raw, compression) : raw, contentType);
  const priority = typeof properties.priority === "number" ? properties.priority : null;
  if (typeof headers.task === "string") {
    if (!Array.isArray(body) || body.length < 2 || !Array.isArray(body[0]) || !isStrDict(body[1]))
      throw malformed("a protocol-2 body is [args, kwargs, embed]");
    const embed = isStrDict(body[2])
      ? {
          callbacks: body[2].callbacks ?? null,
          errbacks: body[2].errbacks ?? null,
          chain: body[2].chain ?? null,
          chord: body[2].chord ?? null,
        }
      : null;
    const args = [...body[0]];
    const kwargs = { ...body[1] };
    return {
      id: text(headers.id) ?? "",
      task: headers.task,
      args,
      kwargs,
      embed,
      headers: { ...headers },
      properties: { ...properties },
      priority,
      eta: text(headers.eta),
      expires: text(headers.expires),
      protocol: 2,
      contentType,
      carriesSessionCookie: carriesSessionCookie(args, kwargs),
    };
  }
  if (isStrDict(body) && typeof body.task === "string") {
    const args = Array.isArray(body.args) ? [...body.args] : [];
    const kwargs = isStrDict(body.kwargs) ? { ...body.kwargs } : {};
    return {
      id: text(body.id) ?? "",
      task: body.task,
      args,
      kwargs,
      embed: null,
      headers: { ...headers },
      properties: { ...properties },
      priority,
      eta: text(body.eta),
      expires: text(body.expires),
      protocol: 1,
      contentType,
      carriesSessionCookie: carriesSessionCookie(args, kwargs),
    };
  }
  throw malformed("no task name in the headers or the body");
}

/**
 * Python's `datetime.isoformat()` of an aware UTC datetime at `ms` (epoch MILLISECONDS):
 * `2026-01-05T10:00:00.250000+00:00`, the fraction left out when it is zero.
 */
export function isoformatUtc(ms: number): string {
  const d = new Date(ms);
  const base = d.toISOString().slice(0, 19);
  const micros = d.getUTCMilliseconds() * 1000;
  return `${base}${micros ? `.${String(micros).padStart(6, "0")}` : ""}+00:00`;
}
