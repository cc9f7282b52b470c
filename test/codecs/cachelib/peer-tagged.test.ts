/**
 * The shared test helpers against Python: every golden fixture value survives
 * tagged → PyValue → tagged on our side, and Python's SimpleCache (through the peer) stores
 * and returns each of them unchanged.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loads } from "#src/codecs/pickle/decode/decoder.js";
import { FLASK_CACHING_FIXTURES_DIR } from "#test/helpers/paths.js";
import { FlaskPeer, PeerError } from "#test/helpers/peer.js";
import { fromTagged, type Json, pyFloatRepr, toTagged } from "#test/helpers/tagged.js";

interface GoldenCase {
  name: string;
  value: Json;
}
const golden = JSON.parse(
  readFileSync(join(FLASK_CACHING_FIXTURES_DIR, "redis_fc2.0.2_cachelib0.9.0.json"), "utf8"),
) as { cases: GoldenCase[] };

describe("tagged JSON helper", () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))("%s round-trips", (_name, c) => {
    expect(toTagged(fromTagged(c.value))).toEqual(c.value);
  });

  it("formats floats as Python's repr", () => {
    expect([2, 1e16, 1.5e16, 1e-5, -0, 0.1, 123.0].map(pyFloatRepr)).toEqual([
      "2.0",
      "1e+16",
      "1.5e+16",
      "1e-05",
      "-0.0",
      "0.1",
      "123.0",
    ]);
  });
});

describe("flask_peer.py", () => {
  let peer: FlaskPeer;
  beforeAll(async () => {
    peer = await FlaskPeer.start();
    await peer.open({ CACHE_TYPE: "SimpleCache" });
  });
  afterAll(async () => {
    await peer?.close();
  });

  it("reports the Debian stack versions", async () => {
    const v = (await peer.call("versions")) as Record<string, string>;
    expect(v.flask_caching).toBe("2.0.2");
    expect(v.cachelib).toBe("0.9.0");
  });

  it("stores and returns every golden value through a real SimpleCache", async () => {
    for (const c of golden.cases) {
      expect(await peer.call("set", { key: c.name, value: c.value, timeout: 0 })).toBe(true);
      expect(await peer.call("get", { key: c.name }), c.name).toEqual(c.value);
    }
  });

  it("reports Python exceptions with their class", async () => {
    await expect(peer.call("no_such_op")).rejects.toBeInstanceOf(PeerError);
    await expect(peer.call("get", { key: "x", cache: "unopened" })).rejects.toMatchObject({
      type: "KeyError",
    });
  });

  it("time zones from fromTagged equal what the decoder reads from Python's pickles of the same values", async () => {
    // timezone.utc and fixed offsets (datetime.timezone), pandas' pytz UTC and FixedOffset.
    const values: Json[] = [
      { $datetime: "2024-03-01T12:30:00+00:00" },
      { $datetime: "2024-03-01T12:30:00.000123+05:30" },
      { $datetime: "2024-03-01T12:30:00-08:00" },
      { $time: "10:00:00+00:00" },
      { $time: "10:00:00-03:30" },
      { $timestamp: "2024-03-01T12:30:00+00:00" },
      { $timestamp: "2024-03-01T12:30:00.123456789+05:30" },
    ];
    for (const [i, value] of values.entries()) {
      const key = `tz_${i}`;
      expect(await peer.call("set", { key, value, timeout: 0 })).toBe(true);
      const [, hex] = (await peer.call("raw_get", { key })) as [number, string];
      const decoded = loads(Uint8Array.from(Buffer.from(hex, "hex")));
      expect(fromTagged(value), JSON.stringify(value)).toEqual(decoded);
    }
  });
});
