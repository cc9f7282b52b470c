/**
 * What the doctor's key scan notes about Superset's own keys: Celery results
 * (`celery-task-meta-*`), Flask-Caching memoize versions (`*_memver`), Superset's metadata
 * lists (`db:*_list`), `qc-`/`ejr-` entries (with a TTL sample of each family), and the
 * async-query event streams (with their XLEN). Read-only: TTL/PTTL and XLEN only.
 */
import type { Redis } from "ioredis";
import type { AsyncEventStreamFacts, KeyFamily, KeyFamilyFacts } from "./doctor-types.js";

/** Streams measured at most (XLEN each). */
const MAX_STREAMS = 200;

const FAMILIES: readonly [KeyFamily, RegExp][] = [
  ["celery result", /celery-task-meta-/],
  ["memoize version", /_memver$/],
  ["metadata list", /(?:^|[^0-9A-Za-z])db:\d+:(?:.*:)?(?:table|view|materialized_view|schema|catalog)_list$/],
  ["qc-", /(?:^|[^0-9A-Za-z])qc-[0-9a-f]{32,64}$/],
  ["ejr-", /(?:^|[^0-9A-Za-z])ejr-[0-9a-f]{32,64}$/],
];

/** The family `key` belongs to, if any. */
export function keyFamilyOf(key: string): KeyFamily | undefined {
  for (const [family, re] of FAMILIES) if (re.test(key)) return family;
  return undefined;
}

/** Collects Superset key facts while the doctor scans, one database at a time. */
export class SupersetKeyScan {
  private readonly families = new Map<
    string,
    { db: number; family: KeyFamily; keys: number; sample: string[] }
  >();
  private readonly done: KeyFamilyFacts[] = [];
  private pendingStreams: string[] = [];
  private readonly streams: AsyncEventStreamFacts[] = [];
  private streamsSeen = 0;

  constructor(
    private readonly streamPrefix: string,
    private readonly sampleSize: number,
  ) {}

  /** Note one scanned key of `db`. */
  note(db: number, key: string): void {
    if (key.startsWith(this.streamPrefix)) {
      if (this.streamsSeen++ < MAX_STREAMS) this.pendingStreams.push(key);
      return;
    }
    const family = keyFamilyOf(key);
    if (!family) return;
    const id = `${db}\u0000${family}`;
    let f = this.families.get(id);
    if (!f) {
      f = { db, family, keys: 0, sample: [] };
      this.families.set(id, f);
    }
    f.keys++;
    if (f.sample.length < this.sampleSize) f.sample.push(key);
  }

  /** Read TTLs and stream lengths of what was noted in `db`; `client` has `db` selected. */
  async measure(client: Redis, db: number): Promise<void> {
    for (const [id, f] of this.families) {
      if (f.db !== db) continue;
      let withoutTtl = 0;
      let sampled = 0;
      for (const key of f.sample) {
        const ttl = await client.pttl(Buffer.from(key, "latin1")).catch(() => undefined);
        if (ttl === undefined || ttl === -2) continue;
        sampled++;
        if (ttl === -1) withoutTtl++;
      }
      this.done.push({ db, family: f.family, keys: f.keys, sampled, withoutTtl, example: f.sample[0] ?? "" });
      this.families.delete(id);
    }
    for (const key of this.pendingStreams) {
      const length = await client.xlen(Buffer.from(key, "latin1")).catch(() => undefined);
      if (typeof length === "number") this.streams.push({ db, key, length });
    }
    this.pendingStreams = [];
  }

  get keyFamilies(): KeyFamilyFacts[] {
    return this.done;
  }

  get asyncEventStreams(): AsyncEventStreamFacts[] {
    return this.streams;
  }
}
