/** One-shot INFO read over a short-lived connection (ops tools: exporter gauges). */
import { Redis } from "ioredis";
import { parseInfo } from "./doctor-collect.js";

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
