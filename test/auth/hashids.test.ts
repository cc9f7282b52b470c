/**
 * Permalink keys: the `hashids` npm package against Python's hashids 1.3.1 (the encoder
 * Superset's `encode_permalink_key` uses) on thousands of random salts and ids, and decoding
 * of valid, foreign and garbage keys.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePermalinkId, encodePermalinkKey, HASHIDS_MIN_LENGTH } from "#src/auth/index.js";
import { FlaskPeer } from "#test/helpers/peer.js";

let peer: FlaskPeer;
beforeAll(async () => {
  peer = await FlaskPeer.start({ ops: ["ops_auth"] });
});
afterAll(async () => {
  await peer?.close();
});

/** Salts as Superset makes them (token_urlsafe(48)) and arbitrary text, astral and lone surrogates included. */
const salt = fc.oneof(
  fc.uint8Array({ minLength: 48, maxLength: 48 }).map((b) => Buffer.from(b).toString("base64url")),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constant(""),
);
const id = fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.maxSafeNat(), fc.integer({ min: 0, max: 2 ** 31 }));

describe("permalink keys (Hashids, min_length 11)", () => {
  it("encodes as Python's hashids does for thousands of salts and ids", async () => {
    const cases = fc.sample(fc.tuple(salt, id), { numRuns: 4000, seed: 42 });
    const python = (await peer.call("hashids_encode_many", { cases })) as string[];
    const mismatches = cases.filter(([s, i], n) => encodePermalinkKey(i, s) !== python[n]);
    expect(mismatches).toEqual([]);
    expect(python.every((k) => k.length >= HASHIDS_MIN_LENGTH)).toBe(true);
  });

  it("decodes as Python does: own keys, keys of other salts, mutated keys and garbage", async () => {
    const keyed = fc
      .sample(fc.tuple(salt, id), { numRuns: 600, seed: 7 })
      .map(([s, i]) => [s, encodePermalinkKey(i, s)]);
    const mutate = ([s, k]: string[]) => {
      const key = k as string;
      return [s as string, `${key.slice(0, 3)}${key[4] ?? "a"}${key.slice(3)}`];
    };
    const foreign = keyed.map(([, k], n) => [keyed[(n + 1) % keyed.length]?.[0] as string, k as string]);
    const garbage = fc
      .sample(fc.tuple(salt, fc.string({ maxLength: 16 })), { numRuns: 400, seed: 9 })
      .map(([s, k]) => [s, k]);
    const cases = [...keyed, ...keyed.map(mutate), ...foreign, ...garbage];
    const python = (await peer.call("hashids_decode_many", { cases })) as number[][];
    const ours = cases.map(([s, k]) => {
      const decoded = decodePermalinkId(k as string, s as string);
      return decoded === null ? [] : [Number(decoded)];
    });
    // Superset accepts exactly one id; Python's tuple of several ids is a refusal too.
    expect(ours).toEqual(python.map((ids) => (ids.length === 1 ? ids : [])));
    expect(keyed.every(([s, k]) => decodePermalinkId(k as string, s as string) !== null)).toBe(true);
  });

  it("refuses ids that are not non-negative integers", () => {
    expect(() => encodePermalinkKey(-1, "s")).toThrow(
      expect.objectContaining({ code: "AUTH_INVALID_OPTION" }),
    );
    expect(() => encodePermalinkKey(1.5, "s")).toThrow(
      expect.objectContaining({ code: "AUTH_INVALID_OPTION" }),
    );
    expect(decodePermalinkId("", "s")).toBeNull();
    expect(decodePermalinkId("!!!!!!!!!!!", "s")).toBeNull();
  });
});
