/**
 * Opt-in Redis-side index of chart-data keys per datasource, for deployments without
 * Superset's `cache_keys` table: one Redis SET per datasource uid holding the (unprefixed) keys
 * our writers stored, expiring no earlier than its longest-lived entry. `invalidate()` reads it.
 * Superset itself neither writes nor reads this index.
 */
import { Redis } from "ioredis";

export interface DatasourceKeyIndexOptions {
  /** Redis holding the index (usually the data cache's). */
  redisUrl: string;
  /** Prefix of the index SETs. Default {@link DEFAULT_INDEX_PREFIX}. */
  prefix?: string;
}

/** Default prefix of the index SETs: `<prefix><datasource uid>`. */
export const DEFAULT_INDEX_PREFIX = "superset_cache_index:";

export class DatasourceKeyIndex {
  readonly prefix: string;
  private readonly client: Redis;

  constructor(options: DatasourceKeyIndexOptions) {
    this.prefix = options.prefix ?? DEFAULT_INDEX_PREFIX;
    this.client = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.client.on("error", () => {}); // each awaited command reports its own failure
  }

  /**
   * Record that `key` (unprefixed, as Superset records it) holds data of `datasourceUid`.
   * @param timeoutSeconds the entry's timeout in SECONDS (0 = never expires: the SET persists)
   * @throws the Redis error (callers writing chart data treat it as a warning)
   */
  async record(datasourceUid: string, key: string, timeoutSeconds: number): Promise<void> {
    const setKey = this.prefix + datasourceUid;
    const multi = this.client.multi().sadd(setKey, key);
    if (timeoutSeconds > 0) {
      // Keep the longest expiry: NX sets it on a fresh SET, GT only ever extends it.
      multi
        .call("EXPIRE", setKey, String(timeoutSeconds), "NX")
        .call("EXPIRE", setKey, String(timeoutSeconds), "GT");
    } else {
      multi.persist(setKey);
    }
    await multi.exec();
  }

  /** Keys recorded for the datasources. */
  async keys(datasourceUids: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    for (const uid of datasourceUids) out.push(...(await this.client.smembers(this.prefix + uid)).sort());
    return out;
  }

  /** Drop the index SETs of the datasources. @returns how many SETs existed */
  async forget(datasourceUids: readonly string[]): Promise<number> {
    if (datasourceUids.length === 0) return 0;
    return this.client.del(...datasourceUids.map((u) => this.prefix + u));
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
