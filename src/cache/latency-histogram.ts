/**
 * A fixed-size latency histogram: log-spaced buckets from 1 µs to ~70 s (8 per doubling, so a
 * reported percentile is within ~9% of the true value). Recording is O(1) and allocation-free;
 * percentiles are computed only when asked (one pass over the fixed bucket array).
 */

/** Buckets per doubling of latency. */
const SUB_BUCKETS = 8;
/** Doublings covered above the 1 µs floor (2^26 µs ≈ 67 s). */
const DOUBLINGS = 26;
const BUCKETS = SUB_BUCKETS * DOUBLINGS + 1;
const MICROS_PER_MS = 1000;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private maxMs = 0;
  private sumMs = 0;

  /** Record one duration in MILLISECONDS (fractions allowed; negatives count as 0). */
  record(ms: number): void {
    const micros = ms * MICROS_PER_MS;
    let index = 0;
    if (micros > 1) index = Math.min(BUCKETS - 1, Math.ceil(Math.log2(micros) * SUB_BUCKETS));
    this.counts[index]! += 1;
    this.total += 1;
    if (ms > this.maxMs) this.maxMs = ms;
    if (ms > 0) this.sumMs += ms;
  }

  /** Number of recorded durations. */
  get count(): number {
    return this.total;
  }

  /** Upper bound, in MILLISECONDS, of the bucket holding the `p`-th percentile (0-100); 0 when empty. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.maxMs, 2 ** (i / SUB_BUCKETS) / MICROS_PER_MS);
    }
    return this.maxMs;
  }

  /** Summary in MILLISECONDS. */
  summary(): LatencySummary {
    return {
      count: this.total,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      max: this.maxMs,
      mean: this.total === 0 ? 0 : this.sumMs / this.total,
    };
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.maxMs = 0;
    this.sumMs = 0;
  }
}

/** Latency percentiles of one operation, all in MILLISECONDS. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}
