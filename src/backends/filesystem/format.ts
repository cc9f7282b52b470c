/**
 * The on-disk format of cachelib's `FileSystemCache` (cachelib 0.9–0.15, used unchanged by
 * Flask-Caching 2.x): file names, the 4-byte expiry header, management-file rules and the
 * typed errors for bytes that do not fit the format. Pure functions, no I/O.
 */
import * as nodeCrypto from "node:crypto";
import { constants as nodeConstants } from "node:fs";
import { isWellFormed } from "../../codecs/pickle/encode/python-bytes.js";
import { CacheDecodeError, CacheEncodeError } from "../../core/errors.js";

/** Suffix of cachelib's temporary files (`tempfile.mkstemp(suffix=...)`); such files are never entries. */
export const TEMP_SUFFIX = ".__wz_cache";
/** Key whose hashed name is the count file (md5: `2029240f6d1128be89ddc32729463129`). */
export const COUNT_KEY = "__wz_cache_count";
/** Bytes of the expiry header in front of every pickle. */
export const HEADER_BYTES = 4;
/** Largest expiry a `struct.pack("I")` header holds (2106-02-07). */
export const MAX_EXPIRY = 0xffff_ffff;
/** Flask-Caching's `FileSystemCache` default file mode (`mode=0o600`). */
export const DEFAULT_FILE_MODE = 0o600;
/** Flask-Caching's `CACHE_THRESHOLD` default. */
export const DEFAULT_THRESHOLD = 500;

/** Hash algorithms accepted for file names; `md5` is FC ≤ 2.4's default, `sha256` FC 2.5's. */
export type FileHashMethod = "md5" | "sha1" | "sha224" | "sha256" | "sha384" | "sha512";
export const FILE_HASH_METHODS: readonly FileHashMethod[] = [
  "md5",
  "sha1",
  "sha224",
  "sha256",
  "sha384",
  "sha512",
];

/** A cache file shorter than its 4-byte header (Python: `struct.error` → warning + miss). */
export class FileSystemHeaderError extends CacheDecodeError {
  constructor(file: string, length: number) {
    super("FS_SHORT_HEADER", `cache file ${file} has ${length} byte(s), shorter than the 4-byte header`);
  }
}

/** The count file does not hold a pickled int (Python reads it as 0). */
export class FileSystemCountError extends CacheDecodeError {
  constructor(file: string, reason: string) {
    super("FS_BAD_COUNT_FILE", `count file ${file} is unreadable: ${reason}; using 0`);
  }
}

/** The absolute expiry does not fit the u32 header (before 1970 or after 2106-02-07). */
export class FileSystemExpiryRangeError extends CacheEncodeError {
  constructor(expiry: number) {
    super(
      "FS_EXPIRY_OUT_OF_RANGE",
      `expiry ${expiry} (Unix seconds) does not fit the 4-byte header (0..${MAX_EXPIRY}); nothing was written`,
    );
  }
}

/**
 * Largest entry file read (512 MiB, Redis's own value limit): a bigger file at an entry path (a
 * huge sparse file) is refused before any buffer of its size is allocated.
 */
export const MAX_ENTRY_BYTES = 512 * 1024 * 1024;

/** An entry path holding no regular file (FIFO, socket, device) or a file over {@link MAX_ENTRY_BYTES}. */
export class FileSystemEntryError extends CacheDecodeError {
  constructor(file: string, what: string) {
    super("FS_NOT_AN_ENTRY", `cache file ${file} is not read: ${what}`);
  }
}

/**
 * Check an entry's `fstat` before its bytes are read.
 * @throws FileSystemEntryError `FS_NOT_AN_ENTRY` for a non-regular file or one over `MAX_ENTRY_BYTES`
 */
export function checkEntryStats(stats: { isFile(): boolean; size: number }, file: string): void {
  if (!stats.isFile()) throw new FileSystemEntryError(file, "not a regular file");
  if (stats.size > MAX_ENTRY_BYTES) {
    throw new FileSystemEntryError(file, `${stats.size} bytes, over the ${MAX_ENTRY_BYTES}-byte entry cap`);
  }
}

/**
 * Flags to open an entry for reading: `O_NONBLOCK` so that a FIFO at an entry path cannot block
 * the open (it has no effect on regular files).
 */
export const READ_ENTRY_FLAGS = nodeConstants.O_RDONLY | (nodeConstants.O_NONBLOCK ?? 0);

/** A key that is not valid Unicode text (lone surrogate); Python's `key.encode("utf-8")` refuses it too. */
export class FileSystemKeyError extends CacheEncodeError {
  constructor() {
    super("FS_KEY_NOT_UTF8", "cache key contains a lone UTF-16 surrogate and has no UTF-8 form");
  }
}

const oneShotHash = (nodeCrypto as { hash?: (method: string, data: string, encoding: "hex") => string }).hash;

/**
 * File name of `key`: the hex digest of its UTF-8 bytes, no prefix (cachelib `_get_filename`).
 * Throws `FileSystemKeyError` for a key with a lone surrogate.
 */
export function fileNameForKey(key: string, hashMethod: FileHashMethod): string {
  if (!isWellFormed(key)) throw new FileSystemKeyError();
  // One-shot crypto.hash (Node ≥ 20.12) skips the Hash object; older Node 20 has only createHash.
  if (oneShotHash) return oneShotHash(hashMethod, key, "hex");
  return nodeCrypto.createHash(hashMethod).update(key, "utf8").digest("hex");
}

/** True for names cachelib never counts, prunes or clears: the count file and temp files. */
export function isManagementName(name: string, countFileName: string): boolean {
  return name === countFileName || name.endsWith(TEMP_SUFFIX);
}

/**
 * Absolute expiry for a resolved timeout in SECONDS at `nowSeconds` (whole Unix seconds):
 * `0` stays `0` (never), anything else is `now + trunc(timeout)` — negative timeouts give an
 * already-expired entry, as cachelib writes them. Throws `FileSystemExpiryRangeError` when the
 * result does not fit the header (cachelib raises `struct.error` only after creating the temp file).
 */
export function expiryFor(timeoutSeconds: number, nowSeconds: number): number {
  if (timeoutSeconds === 0) return 0;
  const expiry = nowSeconds + Math.trunc(timeoutSeconds);
  if (!Number.isFinite(expiry) || expiry < 0 || expiry > MAX_EXPIRY) {
    throw new FileSystemExpiryRangeError(expiry);
  }
  return expiry;
}

/** The 4-byte little-endian header for `expiry` (Unix seconds, 0 = never). */
export function encodeHeader(expiry: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(expiry, 0);
  return header;
}

/** Expiry stored in the first 4 bytes, or `undefined` when `bytes` is shorter than a header. */
export function readExpiry(bytes: Uint8Array): number | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16)) + bytes[3]! * 0x1000000;
}

/** cachelib's readability rule: `expiry == 0 or expiry >= time()`, with `now` in MILLISECONDS. */
export function isLive(expiry: number, nowMs: number): boolean {
  return expiry === 0 || expiry * 1000 >= nowMs;
}

// mkstemp draws 8 characters from this alphabet (tempfile._RandomNameSequence).
const TEMP_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_";

/** A fresh name shaped like `tempfile.mkstemp(suffix=".__wz_cache")`: `tmpXXXXXXXX.__wz_cache`. */
export function tempFileName(): string {
  const random = nodeCrypto.randomBytes(8);
  let name = "tmp";
  for (const byte of random) name += TEMP_ALPHABET[byte % TEMP_ALPHABET.length];
  return name + TEMP_SUFFIX;
}
