/**
 * Thumbnail cache against the real Python stack: keys against simplejson + hashlib as
 * md5_sha_from_dict / hash_from_dict compute them, and entries of all three shapes stored by
 * Flask-Caching's RedisCache (Python pickles a stand-in superset.utils.screenshots module) read
 * by us, and ours read by Python.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Cache } from "#src/cache/cache.js";
import { createCache } from "#src/manager/create-cache.js";
import { ThumbnailCache } from "#src/superset/thumbnails/thumbnail-cache.js";
import {
  type ThumbnailKeyInput,
  thumbnailCacheKey,
  thumbnailKeyArgs,
} from "#src/superset/thumbnails/thumbnail-key.js";
import type { ThumbnailValueShape } from "#src/superset/thumbnails/thumbnail-value.js";
import type { SupersetVersion } from "#src/superset/versions.js";
import { RedisServer } from "#test/helpers/redis-server.js";
import { hex, resultsPeer } from "#test/helpers/results-peer-client.js";
import type { Json } from "#test/helpers/tagged.js";

const PREFIX = "superset_thumb_";
const PNG = new Uint8Array([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3, 255,
]);

describe("thumbnail keys vs Python simplejson + hashlib", () => {
  it("random charts and dashboards, md5 and sha256, every version rule", () => {
    const sizeArb = fc.tuple(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 1, max: 4000 }));
    const caseArb = fc.record({
      thumbnailType: fc.constantFrom("chart" as const, "dashboard" as const),
      digest: fc.option(fc.string({ unit: "binary", maxLength: 40 })),
      windowSize: fc.option(sizeArb, { nil: undefined }),
      thumbSize: fc.option(sizeArb, { nil: undefined }),
      permalinkKey: fc.option(fc.string({ maxLength: 16 }), { nil: undefined }),
      version: fc.constantFrom<SupersetVersion>("4.0", "4.1", "5.0", "6.0", "6.1", "master"),
      algorithm: fc.option(fc.constantFrom("md5" as const, "sha256" as const), { nil: undefined }),
    });
    const cases = fc.sample(caseArb, { numRuns: 150, seed: 7 });
    const ours = cases.map(({ version, algorithm, ...input }) => ({
      args: thumbnailKeyArgs(input as ThumbnailKeyInput, { supersetVersion: version }),
      key: thumbnailCacheKey(input as ThumbnailKeyInput, { supersetVersion: version, algorithm }),
      algorithm: algorithm ?? (version === "6.1" || version === "master" ? "sha256" : "md5"),
    }));
    const theirs = resultsPeer("thumb_keys", {
      cases: ours.map((o) => ({ args: o.args as Json, algorithm: o.algorithm })),
    }) as { key: string }[];
    expect(ours.map((o) => o.key)).toEqual(theirs.map((t) => t.key));
  });
});

describe("thumbnail entries through Flask-Caching RedisCache", () => {
  let server: RedisServer;
  let cache: Cache;
  let redis: Json;

  beforeAll(async () => {
    server = await RedisServer.start({ label: "thumbs" });
    redis = { host: server.host, port: server.port };
    cache = createCache(
      {
        CACHE_TYPE: "RedisCache",
        CACHE_REDIS_HOST: server.host,
        CACHE_REDIS_PORT: server.port,
        CACHE_KEY_PREFIX: PREFIX,
      },
      { path: "THUMBNAIL_CACHE_CONFIG" },
    );
  }, 30_000);

  afterAll(async () => {
    await cache?.close();
    await server?.stop();
  });

  const pythonShape: Record<ThumbnailValueShape, string> = {
    bytes: "bytes",
    "payload-object": "object",
    dict: "dict",
  };

  for (const shape of ["bytes", "payload-object", "dict"] as const) {
    it(`reads the ${shape} shape Python stored`, async () => {
      const thumbs = new ThumbnailCache(cache, { supersetVersion: "5.0" });
      const key = thumbs.key({ thumbnailType: "chart", digest: `d-${shape}` });
      resultsPeer("thumb_store", {
        redis,
        prefix: PREFIX,
        key,
        shape: pythonShape[shape],
        image_hex: hex(PNG),
        status: "Updated",
        timestamp: "2025-02-03T04:05:06.700000",
      });
      const entry = await thumbs.get({ thumbnailType: "chart", digest: `d-${shape}` });
      expect(entry?.shape).toBe(shape);
      expect(entry?.status).toBe("Updated");
      expect(entry?.image).toEqual(PNG);
      expect(entry?.timestamp).toBe(shape === "bytes" ? null : "2025-02-03T04:05:06.700000");
    });
  }

  it("reads a Pending dict and an Error object without image", async () => {
    const thumbs = new ThumbnailCache(cache);
    for (const [shape, status] of [
      ["dict", "Pending"],
      ["object", "Error"],
    ] as const) {
      resultsPeer("thumb_store", {
        redis,
        prefix: PREFIX,
        key: `k-${shape}`,
        shape,
        image_hex: null,
        status,
        timestamp: "2025-01-01T00:00:00",
      });
      const entry = await thumbs.get(`k-${shape}`);
      expect(entry).toMatchObject({ image: null, status, timestamp: "2025-01-01T00:00:00" });
    }
    expect(await thumbs.get("absent")).toBeUndefined();
  });

  for (const [version, shape, expected] of [
    ["4.1", undefined, "bytes"],
    ["5.0", "payload-object", "object"],
    ["5.0", undefined, "dict"],
    ["6.1", undefined, "dict"],
  ] as const) {
    it(`writes what ${version}${shape ? ` (${shape})` : ""} expects; Python reads it`, async () => {
      const thumbs = new ThumbnailCache(cache, { supersetVersion: version, shape });
      const input = { thumbnailType: "dashboard" as const, digest: "abc", permalinkKey: null };
      await thumbs.set(input, { image: PNG, timestamp: "2025-02-03T04:05:06" });
      const got = resultsPeer("thumb_load", { redis, prefix: PREFIX, key: thumbs.key(input) }) as Record<
        string,
        Json
      >;
      expect(got).toMatchObject({ found: true, kind: expected, image_hex: hex(PNG), status: "Updated" });
      if (expected !== "bytes") expect(got.timestamp).toBe("2025-02-03T04:05:06");
      if (expected === "dict") expect(got.keys).toEqual(["image", "timestamp", "status"]);
      const ttl = Number(server.cli(["TTL", `${PREFIX}${thumbs.key(input)}`]).out);
      expect(ttl).toBeGreaterThan(0);
    });
  }

  it("a Pending entry without image in the dict shape", async () => {
    const thumbs = new ThumbnailCache(cache, { supersetVersion: "5.0" });
    await thumbs.set("pending-key", { image: null });
    const got = resultsPeer("thumb_load", { redis, prefix: PREFIX, key: "pending-key" }) as Record<
      string,
      Json
    >;
    expect(got).toMatchObject({ kind: "dict", image_hex: null, status: "Pending" });
    expect(String(got.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/);
  });
});
