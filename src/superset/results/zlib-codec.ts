/**
 * zlib as Superset's `zlib_compress`/`zlib_decompress` use it: RFC 1950 container, default level
 * (6, header `78 9c`). Inflation is capped so hostile input cannot exhaust memory.
 */
import { constants, deflateSync, inflateSync } from "node:zlib";
import { ResultsDecodeError } from "./errors.js";

/** Default cap on the inflated size of one payload, bytes (1 GiB). */
export const DEFAULT_MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/**
 * zlib-compress at the default level, as CPython's `zlib.compress(data)`. The inflated bytes are
 * what Python wrote; the compressed stream itself may differ from CPython's, since Node bundles
 * its own zlib build (Chromium's) and deflate output depends on the build. Python inflates it.
 */
export function zlibCompress(data: Uint8Array): Uint8Array {
  return deflateSync(data, { level: constants.Z_DEFAULT_COMPRESSION });
}

/**
 * Inflate a zlib stream.
 * @param maxBytes inflated-size cap in bytes (default {@link DEFAULT_MAX_INFLATED_BYTES})
 * @throws ResultsDecodeError `RESULTS_ZLIB_INVALID` (bad or truncated stream) or `RESULTS_TOO_LARGE`
 */
export function zlibDecompress(blob: Uint8Array, maxBytes = DEFAULT_MAX_INFLATED_BYTES): Uint8Array {
  try {
    return inflateSync(blob, { maxOutputLength: maxBytes });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") {
      throw new ResultsDecodeError("RESULTS_TOO_LARGE", `payload inflates to more than ${maxBytes} bytes`, {
        cause: err,
      });
    }
    throw new ResultsDecodeError(
      "RESULTS_ZLIB_INVALID",
      `payload is not a complete zlib stream: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
}
