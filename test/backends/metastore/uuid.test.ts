/** Row uuids of the metastore cache against known vectors (checked upstream against Superset's tests). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatUuid, metastoreNamespace, metastoreUuid, uuid3Bytes } from "#src/backends/metastore/uuid.js";
import { CacheConfigError } from "#src/core/errors.js";

describe("metastore uuids", () => {
  it("namespaces", () => {
    const ns = (seed: string, a?: "md5" | "sha256") => formatUuid(metastoreNamespace(seed, a));
    expect(ns("test_seed")).toBe("d81a8c4d-6522-9513-525d-6a5cef1c7c9d");
    expect(ns("test_seed", "sha256")).toBe("4504d44d-861b-6919-7db1-d95e47344234");
    expect(ns("")).toBe("d41d8cd9-8f00-b204-e980-0998ecf8427e");
    expect(ns("FILTER_STATE_CACHE_CONFIG")).toBe("484121c0-9d0b-d4b1-d9e2-a050b2f39153");
    expect(ns("FILTER_STATE_CACHE_CONFIG", "sha256")).toBe("44328ca3-b1a1-2983-da1c-9e1cbdf071fa");
    expect(ns("EXPLORE_FORM_DATA_CACHE_CONFIG")).toBe("b6aa127c-139f-f4d8-aa82-bdaaa4806b5e");
    expect(ns("EXPLORE_FORM_DATA_CACHE_CONFIG", "sha256")).toBe("c1fa2f89-bff4-0326-7fbd-0590034fb4ac");
  });

  it("row uuids", () => {
    const fs = { keyPrefix: "FILTER_STATE_CACHE_CONFIG" };
    expect(metastoreUuid("42;z6OiPvci1q0", fs)).toBe("4c76410c-907b-3dd7-9854-a2d7325defb1");
    expect(metastoreUuid("42;z6OiPvci1q0", { ...fs, algorithm: "sha256" })).toBe(
      "f11ff039-7462-3c01-862c-f9278faee26d",
    );
    expect(metastoreUuid("None;None;42", fs)).toBe("ca98aa84-fc1e-3438-8ddb-506302633f79");
    const ex = { keyPrefix: "EXPLORE_FORM_DATA_CACHE_CONFIG" };
    expect(metastoreUuid("z6OiPvci1q0", ex)).toBe("8742d183-6593-38d3-971c-cae5f4a1c588");
    expect(metastoreUuid("z6OiPvci1q0", { ...ex, algorithm: "sha256" })).toBe(
      "a0b2608c-7532-3871-91db-71180006de5a",
    );
    expect(metastoreUuid("dashboard_permalink_salt")).toBe("ca4e4125-7261-3c4b-ad75-9da40b3d6dda");
    expect(metastoreUuid("explore_permalink_salt")).toBe("ebc919d5-7c84-36a5-9bb8-785d3ab43385");
    expect(metastoreUuid("sqllab_permalink_salt", { algorithm: "sha256" })).toBe(
      "126f991f-6772-32ec-9c7c-8dac045ff9b3",
    );
  });

  it("always version 3 with the RFC 4122 variant", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.string(), (ns, key) => {
        const u = uuid3Bytes(ns, key);
        expect(u[6]! >> 4).toBe(3);
        expect(u[8]! >> 6).toBe(2);
      }),
    );
  });

  it("refuses an unknown algorithm with a typed error", () => {
    expect(() => metastoreNamespace("x", "sha1" as "md5")).toThrow(CacheConfigError);
  });
});
