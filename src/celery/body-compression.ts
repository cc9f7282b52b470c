/**
 * kombu's message compression (`kombu/compression.py`): a `compression` header names the codec
 * and the body (after the transport's base64) is the compressed serializer output. kombu decodes
 * it before the content type. Node reads the codecs its own zlib has; the others kombu can
 * register (bzip2, lzma/xz, zstd) are refused with a typed error, never guessed at.
 */
import { brotliDecompressSync, inflateSync } from "node:zlib";
import { CeleryError } from "./errors.js";

/** Default cap on the decompressed size of one message body, bytes (64 MiB). */
export const DEFAULT_MAX_INFLATED_BODY_BYTES = 64 * 1024 * 1024;

type Inflate = (body: Uint8Array, maxOutputLength: number) => Buffer;

const zlib: Inflate = (body, maxOutputLength) => inflateSync(body, { maxOutputLength });
const brotli: Inflate = (body, maxOutputLength) => brotliDecompressSync(body, { maxOutputLength });

/**
 * kombu's content types and aliases (`get_decoder` resolves an alias first). `application/x-gzip`
 * is `zlib.compress` output (RFC 1950), despite its name.
 */
const READABLE: ReadonlyMap<string, Inflate> = new Map([
  ["application/x-gzip", zlib],
  ["gzip", zlib],
  ["zlib", zlib],
  ["application/x-brotli", brotli],
  ["brotli", brotli],
]);

/**
 * Undo kombu's `compression` header.
 * @param compression the header's value (a content type or alias)
 * @param maxBytes decompressed-size cap, bytes (default {@link DEFAULT_MAX_INFLATED_BODY_BYTES})
 * @throws CeleryError `CELERY_COMPRESSION_UNSUPPORTED` for bzip2, lzma, zstd or an unknown name;
 *   `CELERY_MESSAGE_MALFORMED` for a broken stream or one that inflates past `maxBytes`
 */
export function decompressBody(
  body: Uint8Array,
  compression: string,
  maxBytes = DEFAULT_MAX_INFLATED_BODY_BYTES,
): Uint8Array {
  const inflate = READABLE.get(compression);
  if (inflate === undefined) {
    throw new CeleryError(
      "CELERY_COMPRESSION_UNSUPPORTED",
      `message body compressed with ${JSON.stringify(compression)}: Node reads zlib (application/x-gzip) and brotli`,
    );
  }
  try {
    return inflate(body, maxBytes);
  } catch (cause) {
    const tooLarge = (cause as { code?: string }).code === "ERR_BUFFER_TOO_LARGE";
    throw new CeleryError(
      "CELERY_MESSAGE_MALFORMED",
      tooLarge
        ? `not a Celery task message: the ${compression} body inflates to more than ${maxBytes} bytes`
        : `not a Celery task message: the ${compression} body is not a complete stream`,
      { cause },
    );
  }
}
