/**
 * Thumbnail keys (known key vectors) and the three stored shapes, through this library's own
 * pickle codec (the interop test covers the Python side).
 */
import { describe, expect, it } from "vitest";
import { dumps, loads } from "#src/codecs/pickle/index.js";
import { PyObject, type PyValue } from "#src/python/values.js";
import { thumbnailCacheKey, thumbnailKeyArgs } from "#src/superset/thumbnails/thumbnail-key.js";
import {
  nowIsoformat,
  readThumbnailValue,
  ThumbnailDecodeError,
  thumbnailShapeFor,
  thumbnailValue,
} from "#src/superset/thumbnails/thumbnail-value.js";

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

describe("thumbnailCacheKey", () => {
  it("reproduces the spec §5.1 vectors", () => {
    const chart = { thumbnailType: "chart" as const, digest: "0f1e2d" };
    expect(thumbnailCacheKey(chart, { supersetVersion: "5.0" })).toBe("8a5a7073572d2b5f7e4079a6c4d9f5e5");
    expect(thumbnailCacheKey(chart, { supersetVersion: "6.1" })).toBe(
      "d385290d4ae38ec7c8fa7fe8bf32dd98e3a6258d33d533549830364a5198e1b1",
    );
    expect(thumbnailCacheKey(chart, { supersetVersion: "6.1", algorithm: "md5" })).toBe(
      "8a5a7073572d2b5f7e4079a6c4d9f5e5",
    );
    expect(
      thumbnailCacheKey({ thumbnailType: "dashboard", digest: "0f1e2d" }, { supersetVersion: "5.0" }),
    ).toBe("3153384915a89e3190e3b2c30854c121");
  });

  it("adds permalink_key for dashboards from 4.1 on, never for charts", () => {
    expect(
      thumbnailKeyArgs({ thumbnailType: "dashboard", digest: "x" }, { supersetVersion: "4.0" }),
    ).not.toHaveProperty("permalink_key");
    expect(
      thumbnailKeyArgs(
        { thumbnailType: "dashboard", digest: "x", permalinkKey: "p1" },
        { supersetVersion: "4.1" },
      ),
    ).toMatchObject({
      permalink_key: "p1",
      window_size: [1600, 1200],
      thumb_size: [800, 600],
    });
    expect(
      thumbnailKeyArgs({ thumbnailType: "chart", digest: "x" }, { supersetVersion: "master" }),
    ).not.toHaveProperty("permalink_key");
  });
});

describe("stored values", () => {
  const viaPickle = (v: PyValue): PyValue => loads(dumps(v));

  it("each shape written is read back (through pickle) unchanged", () => {
    for (const shape of ["bytes", "payload-object", "dict"] as const) {
      const entry = readThumbnailValue(
        viaPickle(thumbnailValue({ image: PNG, timestamp: "2025-01-02T03:04:05.000006" }, shape)),
      );
      expect(entry).toMatchObject({ shape, image: PNG, status: "Updated" });
      expect(entry.timestamp).toBe(shape === "bytes" ? null : "2025-01-02T03:04:05.000006");
    }
    const pending = readThumbnailValue(
      viaPickle(thumbnailValue({ image: null, timestamp: "t" }, "payload-object")),
    );
    expect(pending).toMatchObject({ image: null, status: "Pending" });
  });

  it("versions write bytes through 4.x and the dict from 5.0; master fields only when given", () => {
    expect(thumbnailShapeFor("4.0")).toBe("bytes");
    expect(thumbnailShapeFor("4.1")).toBe("bytes");
    expect(thumbnailShapeFor("5.0")).toBe("dict");
    expect(thumbnailShapeFor("master")).toBe("dict");
    expect(Object.keys(thumbnailValue({ image: PNG, timestamp: "t" }, "dict") as object)).toEqual([
      "image",
      "timestamp",
      "status",
    ]);
    const master = thumbnailValue(
      { image: PNG, timestamp: "t", scope: "chart:1", captureContract: null },
      "dict",
    );
    expect(readThumbnailValue(master)).toMatchObject({ scope: "chart:1", captureContract: null });
  });

  it("rejects what is not a screenshot entry with THUMBNAIL_VALUE_INVALID", () => {
    const bad: PyValue[] = [
      1,
      "text",
      [PNG],
      { image: "not base64!", timestamp: "t", status: "Updated" },
      { image: "iVBORw0", timestamp: "t", status: "Updated" },
      { image: null, timestamp: "t", status: "Done" },
      { image: null, timestamp: 5, status: "Pending" },
      { image: PNG, timestamp: "t", status: "Updated" },
      new PyObject("os", "system", ["ls"]),
      new PyObject("superset.utils.screenshots", "ScreenshotCachePayload", [], null),
    ];
    for (const value of bad) {
      expect(() => readThumbnailValue(value)).toThrow(ThumbnailDecodeError);
      expect(() => readThumbnailValue(value)).toThrow(
        expect.objectContaining({ code: "THUMBNAIL_VALUE_INVALID" }),
      );
    }
    expect(() => thumbnailValue({ image: null }, "bytes")).toThrow(ThumbnailDecodeError);
  });

  it("timestamps look like Python's naive isoformat (no fraction when microsecond is 0)", () => {
    expect(nowIsoformat(new Date(2025, 0, 2, 3, 4, 5, 0))).toBe("2025-01-02T03:04:05");
    expect(nowIsoformat(new Date(2025, 0, 2, 3, 4, 5, 7))).toBe("2025-01-02T03:04:05.007000");
  });
});
