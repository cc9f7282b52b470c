/**
 * Hostile session and Celery payloads: seeds made by the real Python stack
 * (python/peer/hostile_seeds.py: Flask-Session 0.3.2 pickles, Flask-Session 0.6+ MessagePack,
 * Flask signed cookies, kombu's Redis messages, Celery result meta), seeded mutants of them
 * (bit flips, truncation, length fields inflated, splices across seeds, bodies and cookie
 * payloads mutated then re-encoded and re-signed so they reach the parsers), and crafted cases
 * (zlib bombs inside a cookie and a base64 body, nesting and floods just under the caps).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { deflateSync, inflateSync } from "node:zlib";
import { COOKIE_SESSION_SALT } from "#src/auth/cookie-session.js";
import { base64Decode, base64Encode } from "#src/auth/formats/itsdangerous-base64.js";
import { ItsdangerousSigner } from "#src/auth/formats/signer.js";
import type { CookieReadContext, HostileKind } from "#test/helpers/hostile-worker.js";
import { PYTHON_PEER_DIR } from "#test/helpers/paths.js";
import { debianPython } from "#test/helpers/python.js";
import { type HostileInput, mutate, prng } from "./hostile-cases.js";

/** The secret and signing time of every cookie here (the reader's clock is set to it). */
export const COOKIE_CONTEXT: CookieReadContext = {
  secretKey: "hostile-cookie-secret",
  nowSeconds: 1_767_607_200,
};

/** Mutants never grow past this, bytes (the suite's "small input"). */
const MAX_INPUT = 64 * 1024;
/** Flask's cookie reader inflates at most this much (DEFAULT_MAX_INFLATED_BYTES). */
const COOKIE_CAP = 1024 * 1024;

interface Seed {
  name: string;
  kind: HostileKind;
  bytes: Buffer;
}

/** The real payloads, from Debian's Flask, Flask-Session, itsdangerous, Celery and kombu. */
export function pythonSeeds(): Seed[] {
  const r = spawnSync(
    debianPython(),
    [join(PYTHON_PEER_DIR, "hostile_seeds.py"), COOKIE_CONTEXT.secretKey, String(COOKIE_CONTEXT.nowSeconds)],
    { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
  );
  if (r.status !== 0) throw new Error(`hostile_seeds.py failed: ${r.stderr}`);
  const seeds = JSON.parse(r.stdout) as Record<string, { kind: HostileKind; hex: string }>;
  return Object.entries(seeds).map(([name, s]) => ({ name, kind: s.kind, bytes: Buffer.from(s.hex, "hex") }));
}

// --- cookies and bodies, taken apart and put back together ---

const signer = new ItsdangerousSigner([COOKIE_CONTEXT.secretKey], COOKIE_SESSION_SALT);

/** A cookie Flask would accept for this payload JSON, zlib'd behind a `.` when `compress`. */
export function signedCookie(json: Uint8Array, compress: boolean): Buffer {
  const payload = compress ? `.${base64Encode(deflateSync(json))}` : base64Encode(json);
  return Buffer.from(signer.signTimestamped(Buffer.from(payload), COOKIE_CONTEXT.nowSeconds));
}

/** The tagged JSON inside a cookie, and whether it was compressed. */
function cookieJson(cookie: Buffer): { json: Buffer; compressed: boolean } {
  const text = cookie.toString("latin1");
  const payload = text.slice(0, text.lastIndexOf(".", text.lastIndexOf(".") - 1));
  const compressed = payload.startsWith(".");
  const raw = Buffer.from(base64Decode(compressed ? payload.slice(1) : payload) as Uint8Array);
  return { json: compressed ? inflateSync(raw) : raw, compressed };
}

/** A kombu envelope with its base64 body replaced (and any fields overridden). */
function withBody(envelope: Buffer, body: Uint8Array, fields: Record<string, unknown> = {}): Buffer {
  const e = JSON.parse(envelope.toString("utf8")) as Record<string, unknown>;
  return Buffer.from(JSON.stringify({ ...e, body: Buffer.from(body).toString("base64"), ...fields }));
}

const bodyOf = (envelope: Buffer): Buffer =>
  Buffer.from((JSON.parse(envelope.toString("utf8")) as { body: string }).body, "base64");

// --- mutations beyond hostile-cases.ts' byte edits ---

/** Length-carrying type bytes: MessagePack bin/str/array/map 8-32 and pickle FRAME/BINUNICODE/BINBYTES. */
const LENGTH_FIELDS: Record<number, number> = {
  196: 1,
  197: 2,
  198: 4,
  217: 1,
  218: 2,
  219: 4,
  220: 2,
  221: 4,
  222: 2,
  223: 4,
  149: 8, // pickle FRAME
  88: 4, // pickle BINUNICODE
  66: 4, // pickle BINBYTES
  140: 1, // pickle SHORT_BINUNICODE
  67: 1, // pickle SHORT_BINBYTES
};

/** The length after some type byte set to its largest value (or a random large one). */
function inflateLength(out: Buffer, rand: () => number): Buffer {
  const at: number[] = [];
  for (let i = 0; i < out.length; i++) if (LENGTH_FIELDS[out[i] as number] !== undefined) at.push(i);
  if (at.length === 0) return out;
  const i = at[Math.floor(rand() * at.length)] as number;
  const width = LENGTH_FIELDS[out[i] as number] as number;
  for (let k = 1; k <= width && i + k < out.length; k++)
    out[i + k] = rand() < 0.7 ? 0xff : Math.floor(rand() * 256);
  return out;
}

/**
 * One to four edits of hostile-cases.ts' `mutate`, then possibly a truncation, a splice of
 * another seed of the same kind, a repeated slice (a field inflated in place) or a length
 * field made huge.
 */
export function mutateMore(seed: Uint8Array, others: readonly Uint8Array[], rand: () => number): Buffer {
  let out: Buffer = Buffer.from(mutate(seed, rand));
  const op = Math.floor(rand() * 5);
  if (op === 0) out = out.subarray(0, Math.floor(rand() * out.length));
  else if (op === 1 && others.length > 0) {
    const other = others[Math.floor(rand() * others.length)] as Uint8Array;
    const cut = Math.floor(rand() * out.length);
    const from = Math.floor(rand() * other.length);
    out = Buffer.concat([out.subarray(0, cut), other.subarray(from)]);
  } else if (op === 2) {
    const i = Math.floor(rand() * out.length);
    const slice = out.subarray(i, i + 1 + Math.floor(rand() * 24));
    const times = Math.floor((MAX_INPUT - out.length) / Math.max(1, slice.length) / 2);
    out = Buffer.concat([out.subarray(0, i), Buffer.concat(Array(times).fill(slice)), out.subarray(i)]);
  } else if (op === 3) out = inflateLength(out, rand);
  return out.subarray(0, MAX_INPUT);
}

/** JSON texts Python's `json` reads and a decoder may not expect (raw, some not JSON.stringify's). */
const HOSTILE_JSON = [
  "NaN",
  "-Infinity",
  "1e999",
  "-0",
  "1.0",
  "9007199254740993",
  "-123456789012345678901234567890",
  `"\\ud800"`,
  '"session=abc; x=1"',
  `"${"x".repeat(30_000)}"`,
  '{"__proto__":{"polluted":1},"constructor":{"prototype":{}}}',
  '{" t":"abc"}',
  '{" t":[1,{" b":"AAEC"}]}',
  '{" di":{" t__":[1]}}',
  '{" di":{}}',
  '{" b":"!!"}',
  '{" u":"urn:uuid:{12345678-1234-5678-1234-567812345678}"}',
  '{" d":"Mon, 31 Feb 2026 10:00:00 GMT"}',
  '{" m":5}',
  '{"exc_type":"ValueError","exc_module":null,"exc_message":{" t":[]}}',
  `${"[".repeat(900)}${"]".repeat(900)}`,
  `${"[".repeat(1001)}${"]".repeat(1001)}`,
  "[]",
  "{}",
  "null",
  "true",
  '""',
];
const HOSTILE_KEYS = [
  "__proto__",
  "constructor",
  " t",
  " di",
  "task",
  "id",
  "status",
  "Cookie",
  "",
  "\\udfff",
];

/**
 * A JSON text with one value (or key) somewhere inside replaced by a hostile one from
 * `HOSTILE_JSON`; the text itself when it is not JSON.
 */
export function mutateJson(bytes: Uint8Array, rand: () => number): Buffer {
  let root: unknown;
  try {
    root = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    return Buffer.from(bytes);
  }
  const slots: [Record<string, unknown>, string | number][] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    const container = v as Record<string, unknown>;
    for (const [k, x] of Object.entries(container)) {
      slots.push([container, Array.isArray(v) ? Number(k) : k]);
      walk(x);
    }
  };
  walk(root);
  if (slots.length === 0) return Buffer.from(bytes);
  const [parent, at] = slots[Math.floor(rand() * slots.length)] as (typeof slots)[number];
  const marker = "\u0000hostile\u0000";
  if (!Array.isArray(parent) && rand() < 0.25) {
    const key = HOSTILE_KEYS[Math.floor(rand() * HOSTILE_KEYS.length)] as string;
    const value = parent[at];
    delete parent[at];
    parent[marker] = value;
    return Buffer.from(JSON.stringify(root).replace(JSON.stringify(marker), () => `"${key}"`));
  }
  const raw = HOSTILE_JSON[Math.floor(rand() * HOSTILE_JSON.length)] as string;
  (parent as Record<string | number, unknown>)[at] = marker;
  return Buffer.from(JSON.stringify(root).replace(JSON.stringify(marker), () => raw));
}

/** `perSeed` mutants of each real payload, plus mutants of their insides re-encoded (cookies re-signed). */
export function sessionCeleryMutants(seeds: readonly Seed[], seed: number, perSeed: number): HostileInput[] {
  const rand = prng(seed);
  const out: HostileInput[] = [];
  const add = (name: string, kind: HostileKind, bytes: Uint8Array) =>
    out.push({ name: `mutant ${seed}:${name}`, kind, bytes, expect: [], cookie: COOKIE_CONTEXT });
  const inner = (s: Seed): Buffer | null =>
    s.kind === "cookie-session"
      ? cookieJson(s.bytes).json
      : s.kind === "celery-message"
        ? bodyOf(s.bytes)
        : null;
  for (const s of seeds) {
    const sameKind = seeds.filter((o) => o.kind === s.kind && o !== s);
    const siblings = sameKind.map((o) => o.bytes);
    const others = sameKind.map(inner).filter((b): b is Buffer => b !== null);
    for (let i = 0; i < perSeed; i++) {
      add(`${s.name}#${i}`, s.kind, mutateMore(s.bytes, siblings, rand));
      // The session formats alone: decodeSessionValue's fallbacks would hide an untyped error.
      if (s.name.startsWith("session-msgpack"))
        add(`${s.name}#${i} (msgpack)`, "session-msgpack", mutateMore(s.bytes, [], rand));
      if (s.name.startsWith("session-pickle"))
        add(`${s.name}#${i} (pickle)`, "pickle", mutateMore(s.bytes, [], rand));
      if (s.kind === "celery-message" || s.kind === "celery-result")
        add(`${s.name}#${i} (json)`, s.kind, mutateJson(mutateJson(s.bytes, rand), rand));
      const body = inner(s);
      if (body === null) continue;
      // The inside of the cookie or message, as bytes and as JSON, put back so it reaches the parser.
      const variants: [string, Buffer][] = [["bytes", mutateMore(body, others, rand)]];
      // A pickle body has no JSON to mutate.
      if (body[0] === 0x7b || body[0] === 0x5b)
        variants.push(["json", mutateJson(mutateJson(body, rand), rand)]);
      for (const [how, mutated] of variants) {
        if (s.kind === "celery-message")
          add(`${s.name}#${i} (body ${how})`, s.kind, withBody(s.bytes, mutated));
        else {
          add(
            `${s.name}#${i} (payload ${how})`,
            s.kind,
            signedCookie(mutated, cookieJson(s.bytes).compressed),
          );
          add(`${s.name}#${i} (tagged ${how})`, "cookie-payload", mutated);
        }
      }
    }
  }
  return out;
}

// --- crafted cases ---

/** A pickle `{"a": l40}` where `l(i+1) = [l(i), l(i)]`: 2^40 leaves when expanded, 400 bytes stored. */
function pickleListDag(levels: number): Buffer {
  const parts = [Buffer.from([0x80, 0x04, 0x7d, 0x8c, 0x01, 0x61, 0x5d, 0x94])];
  for (let i = 1; i <= levels; i++)
    parts.push(Buffer.from([0x30, 0x5d, 0x28, 0x68, i - 1, 0x68, i - 1, 0x65, 0x94]));
  parts.push(Buffer.from([0x73, 0x2e]));
  return Buffer.concat(parts);
}

const text = (s: string): Buffer => Buffer.from(s, "utf8");
/** JSON text of `{"a": <inner>}` padded to just under the cookie's inflate cap. */
const underCap = (open: string, fill: string, close: string): Buffer =>
  text(
    `{"a":${open}${fill.repeat(Math.floor((COOKIE_CAP - 64 - open.length - close.length) / fill.length))}${close}}`,
  );

const JSON_ERRORS = ["METASTORE_JSON_INVALID", "METASTORE_JSON_TOO_DEEP"];
const TAGGED = ["value", "AUTH_SESSION_DECODE_FAILED", ...JSON_ERRORS];

/** Crafted inputs and what each must give; `readCookieSession` and `decodeSessionValue` answer null, never throw. */
export function craftedSessionCelery(seeds: readonly Seed[]): HostileInput[] {
  const find = (name: string) => (seeds.find((s) => s.name === name) as Seed).bytes;
  const message = find("celery-message-sql-lab");
  const cookieInners: [string, Buffer][] = [
    ["nesting", text("[".repeat(COOKIE_CAP - 64))],
    ["numbers", underCap("[", "0,", "0]")],
    ["tuple-of-chars", underCap('{" t":"', "x", '"}')],
    ["bytes", underCap('{" b":"', "AAAA", '"}')],
    ["date-spaces", underCap('{" d":"Mon, 05 Jan 2026 10:00', " ", 'x"}')],
    ["uuid-prefixes", underCap('{" u":"', "urn:", '"}')],
    ["many-keys", text(`{${Array.from({ length: 18_000 }, (_, i) => `"k${i}":0`).join(",")}}`)],
  ];
  const cases: HostileInput[] = [];
  const add = (name: string, kind: HostileKind, bytes: Uint8Array, expect: readonly string[]) =>
    cases.push({ name, kind, bytes, expect, cookie: COOKIE_CONTEXT });
  add("cookie-zlib-bomb-40MB", "cookie-session", signedCookie(Buffer.alloc(40_000_000, 0x20), true), [
    "value",
  ]);
  add("cookie-64KB-unsigned", "cookie-session", text(`.${"A".repeat(MAX_INPUT - 40)}.aVuLoA.sig`), ["value"]);
  for (const [name, json] of cookieInners) {
    add(`cookie-under-cap-${name}`, "cookie-session", signedCookie(json, true), ["value"]);
    add(`cookie-payload-${name}`, "cookie-payload", json, TAGGED);
  }
  const deepMsgpack = Buffer.concat([Buffer.alloc(MAX_INPUT - 1, 0x91), Buffer.from([0xc0])]);
  const mapFlood = Buffer.concat([Buffer.from([0xde, 0x7f, 0xfe]), Buffer.alloc(0x7ffe * 2, 0x01)]);
  add("session-msgpack-nesting-64KB", "session-value", deepMsgpack, ["value"]);
  add("session-msgpack-nesting-64KB (msgpack)", "session-msgpack", deepMsgpack, [
    "AUTH_SESSION_DECODE_FAILED",
  ]);
  add("session-msgpack-array32-lie", "session-msgpack", Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff, 0xc0]), [
    "AUTH_SESSION_DECODE_FAILED",
  ]);
  add("session-msgpack-map-32766-int-keys", "session-msgpack", mapFlood, ["value"]);
  const emptyStrs = Buffer.concat([Buffer.from([0xdd, 0, 0, 0xff, 0xf0]), Buffer.alloc(0xfff0, 0xa0)]);
  add("session-msgpack-65520-empty-strs", "session-msgpack", emptyStrs, ["value"]);
  add("session-json-nesting-64KB", "session-value", text(`{"a":${"[".repeat(MAX_INPUT - 8)}`), ["value"]);
  add("session-pickle-list-dag-2^40", "session-value", pickleListDag(40), ["value"]);
  const bomb = deflateSync(Buffer.alloc(40_000_000, 0x5b), { level: 9 });
  add(
    "celery-body-zlib-bomb",
    "celery-message",
    withBody(message, bomb, { headers: { task: "x", compression: "application/x-gzip" } }),
    ["CELERY_MESSAGE_MALFORMED"],
  );
  add("celery-body-nesting-48KB", "celery-message", withBody(message, text("[".repeat(48_000))), [
    "CELERY_MESSAGE_MALFORMED",
  ]);
  add("celery-envelope-nesting-64KB", "celery-message", text("[".repeat(MAX_INPUT)), [
    "CELERY_MESSAGE_MALFORMED",
  ]);
  add(
    "celery-body-20000-args",
    "celery-message",
    withBody(message, text(`[[${"0,".repeat(20_000)}0],{},{}]`)),
    ["value"],
  );
  add(
    "celery-body-pickle-dag",
    "celery-message",
    withBody(message, pickleListDag(40), { "content-type": "application/x-python-serialize" }),
    ["CELERY_MESSAGE_MALFORMED"],
  );
  add(
    "celery-result-nesting-64KB",
    "celery-result",
    text(`{"status":"SUCCESS","result":${"[".repeat(MAX_INPUT - 40)}`),
    ["CELERY_RESULT_MALFORMED"],
  );
  return cases;
}
