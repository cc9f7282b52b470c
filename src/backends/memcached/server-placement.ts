/**
 * Which server of several holds a key, as the Python clients choose it:
 * - `crc32` (python-memcached `cmemcache_hash`): `((crc32(key) >> 16) & 0x7fff) || 1`, modulo
 *   the server count (every server weight 1; python-memcached's rehash to another server when
 *   one is down is not reproduced: a down server fails its keys, which fail open).
 * - `libmemcached` (pylibmc's default behaviours): `MEMCACHED_HASH_DEFAULT`, Bob Jenkins'
 *   one-at-a-time hash, with `MEMCACHED_DISTRIBUTION_MODULA`: hash modulo the server count, in
 *   the order the servers are listed. One server: always that one.
 */

/** How keys are placed on several servers. */
export type KeyDistribution = "libmemcached" | "crc32";

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** zlib's CRC-32 of `bytes` (as Python's `binascii.crc32`, unsigned). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** libhashkit's one-at-a-time hash of `bytes` (unsigned 32-bit). */
export function oneAtATime(bytes: Uint8Array): number {
  let value = 0;
  for (const b of bytes) {
    value = (value + b) >>> 0;
    value = (value + (value << 10)) >>> 0;
    value = (value ^ (value >>> 6)) >>> 0;
  }
  value = (value + (value << 3)) >>> 0;
  value = (value ^ (value >>> 11)) >>> 0;
  value = (value + (value << 15)) >>> 0;
  return value;
}

/** Index of the server (in listed order) that holds `key` (UTF-8 bytes) among `count` servers. */
export function serverIndex(key: Uint8Array, count: number, distribution: KeyDistribution): number {
  if (count <= 1) return 0;
  if (distribution === "crc32") return ((crc32(key) >>> 16) & 0x7fff || 1) % count;
  return oneAtATime(key) % count;
}
