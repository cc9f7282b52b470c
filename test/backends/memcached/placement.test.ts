/**
 * Key placement over two memcached servers, both ways: keys written here land on the server the
 * Python client picks (and it reads them back), keys written by Python are found here.
 * `libmemcached` = pylibmc's default (one-at-a-time hash, modula); `crc32` = python-memcached.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemcachedBackend } from "#src/backends/memcached/backend.js";
import { crc32, oneAtATime } from "#src/backends/memcached/server-placement.js";
import type { Cache } from "#src/cache/cache.js";
import { createCache } from "#src/manager/create-cache.js";
import { MemcachedServer } from "#test/helpers/memcached-server.js";
import { FlaskPeer } from "#test/helpers/peer.js";
import { fromTagged, toTagged } from "#test/helpers/tagged.js";

let servers: MemcachedServer[] = [];
let peer: FlaskPeer;
const caches: Cache[] = [];

beforeAll(async () => {
  const started = await Promise.all([
    MemcachedServer.start(),
    MemcachedServer.start(),
    FlaskPeer.start({ ops: ["ops_memcached"] }),
  ]);
  servers = started.slice(0, 2) as MemcachedServer[];
  peer = started[2] as FlaskPeer;
  const addresses = servers.map((s) => s.address);
  await peer.call("mc_open", { name: "pylibmc", lib: "pylibmc", servers: addresses });
  await peer.call("mc_open", { name: "memcache", lib: "memcache", servers: addresses });
});

afterAll(async () => {
  await Promise.all(caches.map((c) => c.close()));
  await peer?.close();
  await Promise.all(servers.map((s) => s.stop()));
});

/** Indexes of the servers holding `key` (read with the meta protocol from each). */
async function holders(key: string): Promise<number[]> {
  const found: number[] = [];
  for (const [i, s] of servers.entries())
    if ((await peer.call("mc_raw", { server: s.address, key })) !== null) found.push(i);
  return found;
}

const keyArb = fc.stringMatching(/^[A-Za-z0-9:_./-]{1,60}$/);

it("hashes as zlib's crc32 and libhashkit's one-at-a-time", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  expect(crc32(bytes("hello"))).toBe(907060870); // Python: binascii.crc32(b"hello")
  expect(crc32(bytes(""))).toBe(0);
  // Reference values of Bob Jenkins' one-at-a-time hash.
  expect(oneAtATime(bytes("a"))).toBe(0xca2e9442);
  expect(oneAtATime(bytes("The quick brown fox jumps over the lazy dog"))).toBe(0x519e91f5);
});

describe.each([
  ["libmemcached", "pylibmc", "pylibmc"],
  ["crc32", "memcache", "python-memcached"],
] as const)("%s placement (%s)", (distribution, client, flavour) => {
  it("keys written here sit where the Python client looks, and it reads them", async () => {
    const cache = createCache(
      {
        CACHE_TYPE: "MemcachedCache",
        CACHE_MEMCACHED_SERVERS: servers.map((s) => s.address),
        CACHE_KEY_PREFIX: "",
      },
      { backendOptions: { memcached: { distribution, flavour } } },
    );
    caches.push(cache);
    const backend = new MemcachedBackend({ kind: "memcached", servers, distribution });
    const used = new Set<number>();
    await fc.assert(
      fc.asyncProperty(keyArb, async (key) => {
        const k = `here:${distribution}:${key}`;
        expect(await cache.set(k, `v-${key}`)).toBe(true);
        const where = backend.serverFor(k);
        used.add(where);
        expect(await holders(k)).toEqual([where]);
        expect(fromTagged(await peer.call("mc_get", { name: client, key: k }))).toBe(`v-${key}`);
      }),
      { numRuns: 40 },
    );
    expect(used.size).toBe(2);
    await backend.close();
  });

  it("keys written by the Python client are found here", async () => {
    const backend = new MemcachedBackend({ kind: "memcached", servers, distribution });
    const cache = createCache(
      {
        CACHE_TYPE: "MemcachedCache",
        CACHE_MEMCACHED_SERVERS: servers.map((s) => s.address),
        CACHE_KEY_PREFIX: "",
      },
      { backendOptions: { memcached: { distribution, flavour } } },
    );
    caches.push(cache);
    await fc.assert(
      fc.asyncProperty(keyArb, async (key) => {
        const k = `py:${distribution}:${key}`;
        await peer.call("mc_set", { name: client, key: k, value: toTagged(`p-${key}`) });
        expect(await holders(k)).toEqual([backend.serverFor(k)]);
        expect(await cache.get(k)).toBe(`p-${key}`);
      }),
      { numRuns: 40 },
    );
    await backend.close();
  });
});
