/**
 * Plain JS values `Cache.set` accepts beyond the Python value model: a `Date` is pickled as an
 * aware UTC `datetime` byte for byte as CPython pickles `datetime(..., tzinfo=timezone.utc)`,
 * and `undefined` is dropped from objects and `None` elsewhere, as `JSON.stringify` treats it.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { PickleEncodeError } from "#src/codecs/pickle/encode/errors.js";
import { dumps, loads } from "#src/codecs/pickle/index.js";
import { createCache } from "#src/manager/create-cache.js";
import { PyDatetime, PyTuple, type PyValue } from "#src/python/values.js";
import { debianPython } from "#test/helpers/python.js";

/** `pickle.dumps(eval(expr), protocol)` on CPython, as hex. */
function cpythonPickle(expr: string, protocol = 5): string {
  const code = [
    "import datetime, pickle, sys",
    "u = datetime.timezone.utc",
    "d = datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=u)",
    `sys.stdout.write(pickle.dumps(${expr}, ${protocol}).hex())`,
  ].join("\n");
  const r = spawnSync(debianPython(), ["-c", code], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const when = () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));

describe("Date", () => {
  it("pickles as CPython's aware UTC datetime, sharing timezone.utc and repeated Dates", () => {
    const d = when();
    const ours = dumps({ a: d, b: [d, when()] } as unknown as PyValue);
    expect(hex(ours)).toBe(
      cpythonPickle("{'a': d, 'b': [d, datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=u)]}"),
    );
  });

  it("reads back as the same instant (protocol 4 too)", () => {
    const ours = dumps([when()] as unknown as PyValue, { protocol: 4 });
    expect(hex(ours)).toBe(cpythonPickle("[d]", 4));
    const [back] = loads(ours) as [PyDatetime];
    expect(back).toBeInstanceOf(PyDatetime);
    expect(back.toEpochMillis()).toBe(when().getTime());
    expect(back.isoformat()).toBe("2024-01-02T03:04:05.678000+00:00");
  });

  it("refuses an invalid Date and years Python's datetime cannot hold, naming the path", () => {
    expect(() => dumps({ at: new Date(Number.NaN) } as unknown as PyValue)).toThrow(
      expect.objectContaining({ code: "PICKLE_ENCODE_BAD_VALUE", path: "$.at" }),
    );
    expect(() => dumps([new Date(Date.UTC(10000, 0, 1))] as unknown as PyValue)).toThrow(PickleEncodeError);
  });
});

describe("undefined", () => {
  it("is left out of objects and None in arrays, tuples and Map values, as JSON", () => {
    const value = {
      kept: 1,
      dropped: undefined,
      list: [undefined, 2],
      tuple: PyTuple.fromItems([undefined, 3]),
      map: new Map([["k", undefined]]),
    } as unknown as PyValue;
    const expected = "{'kept': 1, 'list': [None, 2], 'tuple': (None, 3), 'map': {'k': None}}";
    expect(hex(dumps(value))).toBe(cpythonPickle(expected));
    expect(hex(dumps({ only: undefined } as unknown as PyValue))).toBe(cpythonPickle("{}"));
  });

  it("is refused at the top level (null stores None)", () => {
    expect(() => dumps(undefined as unknown as PyValue)).toThrow(
      expect.objectContaining({ code: "PICKLE_ENCODE_UNSUPPORTED_TYPE" }),
    );
  });
});

it("Cache.set takes an interface-typed row with a Date and an optional member", async () => {
  interface Row {
    name: string;
    at: Date;
    note?: string;
  }
  const cache = createCache({ CACHE_TYPE: "SimpleCache" });
  const row: Row = { name: "a", at: when(), note: undefined };
  expect(await cache.set("row", row)).toBe(true);
  const back = await cache.get<Record<string, PyValue>>("row");
  expect(Object.keys(back ?? {})).toEqual(["name", "at"]);
  expect(back?.at).toBeInstanceOf(PyDatetime);
  expect((back?.at as PyDatetime | undefined)?.toEpochMillis()).toBe(when().getTime());
  await cache.close();
});
