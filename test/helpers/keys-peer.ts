/**
 * Client of python/peer/keys_peer.py (real simplejson + hashlib): encodes PyValues in the
 * peer's exact tagged form (float bits, int digits) and runs one command per process.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  PyBytearray,
  PyDate,
  PyDatetime,
  PyDecimal,
  PyFloat,
  PyTime,
  PyTimedelta,
  PyTuple,
  PyTzInfo,
  PyUUID,
  type PyValue,
} from "#src/python/values.js";
import { debianPython } from "./python.js";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "python", "peer", "keys_peer.py");

export type PeerJson = null | boolean | number | string | PeerJson[] | { [key: string]: PeerJson };

function floatBits(x: number): PeerJson {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(x);
  return { f: b.toString("hex") };
}

/** PyValue → the peer's tagged JSON (see the docstring of keys_peer.py). */
export function toPeer(v: unknown): PeerJson {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") {
    return Number.isInteger(v) && !Object.is(v, -0) ? { i: BigInt(v).toString() } : floatBits(v);
  }
  if (typeof v === "bigint") return { i: v.toString() };
  if (v instanceof PyFloat) return floatBits(v.value);
  if (v instanceof PyDecimal) return { D: v.text };
  if (v instanceof PyBytearray) throw new Error("bytearray has no peer form");
  if (v instanceof Uint8Array) return { B: Buffer.from(v).toString("hex") };
  if (v instanceof PyTuple) return { T: v.map(toPeer) };
  if (Array.isArray(v)) return v.map(toPeer);
  if (v instanceof Map) return { M: [...v.entries()].map(([k, x]) => [toPeer(k), toPeer(x)]) };
  if (v instanceof Set) return { S: [...v].map(toPeer) };
  if (v instanceof PyDatetime) {
    const off = v.tzinfo ? v.tzinfo.offsetSeconds : null;
    return { dt: [v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, off] };
  }
  if (v instanceof PyDate) return { da: [v.year, v.month, v.day] };
  if (v instanceof PyTime) return { tm: [v.hour, v.minute, v.second, v.microsecond] };
  if (v instanceof PyTimedelta) return { td: [v.days, v.seconds, v.microseconds] };
  if (v instanceof PyUUID) return { U: v.hex };
  if (typeof v === "object")
    return { M: Object.entries(v as Record<string, PyValue>).map(([k, x]) => [k, toPeer(x)]) };
  throw new Error(`no peer form for ${typeof v}`);
}

/** Run `keys_peer.py <command>` with `doc` on stdin; returns its parsed JSON output. */
export function runKeysPeer<T>(command: "dumps" | "pickles" | "keys" | "bench", doc: unknown): T {
  const r = spawnSync(debianPython(), [SCRIPT, command], {
    input: JSON.stringify(doc),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`keys_peer ${command} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The peer's tagged JSON → PyValue (integral floats become `PyFloat`, ints beyond 2^53 bigint). */
export function fromPeer(v: PeerJson): PyValue {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (typeof v === "number") throw new Error("untagged number in peer JSON");
  if (Array.isArray(v)) return v.map(fromPeer);
  const [tag, a] = Object.entries(v)[0] as [string, PeerJson];
  switch (tag) {
    case "i": {
      const n = BigInt(a as string);
      return n >= -BigInt(Number.MAX_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
    }
    case "f": {
      const x = Buffer.from(a as string, "hex").readDoubleBE(0);
      return Number.isInteger(x) ? new PyFloat(x) : x;
    }
    case "D":
      return new PyDecimal(a as string);
    case "B":
      return new Uint8Array(Buffer.from(a as string, "hex"));
    case "T":
      return PyTuple.fromItems((a as PeerJson[]).map(fromPeer));
    case "M": {
      const entries = (a as [PeerJson, PeerJson][]).map(([k, x]) => [fromPeer(k), fromPeer(x)] as const);
      if (entries.every(([k]) => typeof k === "string")) {
        const o: Record<string, PyValue> = Object.create(null);
        for (const [k, x] of entries) o[k as string] = x;
        return o;
      }
      return new Map(entries);
    }
    case "dt": {
      const [y, mo, d, h, mi, s, us, off] = a as number[];
      const tz = off === null || off === undefined ? null : new PyTzInfo("fixed", off);
      return new PyDatetime(y as number, mo as number, d as number, h, mi, s, us, tz);
    }
    case "da": {
      const [y, mo, d] = a as number[];
      return new PyDate(y as number, mo as number, d as number);
    }
    default:
      throw new Error(`unknown peer tag ${tag}`);
  }
}
