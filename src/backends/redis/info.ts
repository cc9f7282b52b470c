/** Redis INFO: the text parser, and a one-shot read over a short-lived connection (ops tools). */
import { Redis } from "ioredis";

/** Connect/command timeout for one INFO, MILLISECONDS. */
export const INFO_TIMEOUT_MS = 2000;

/** INFO of the server at `url` as a field map. @throws the connection or command error */
export async function readRedisInfo(
  url: string,
  timeoutMs = INFO_TIMEOUT_MS,
): Promise<Record<string, string>> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => {}); // the awaited call below reports it
  try {
    await client.connect();
    return parseInfo(await client.info());
  } finally {
    client.disconnect();
  }
}

/** Parse INFO text into a flat field map (`# Section` lines skipped). */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith("#")) continue;
    const i = line.indexOf(":");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
