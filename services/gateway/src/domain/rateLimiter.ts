/**
 * Token buckets per caller and budget, in this process's memory: each replica counts on its own,
 * so N replicas let a caller through at up to N times the configured rate. Pure: the clock is
 * passed in.
 */
export type Budget = 'default' | 'check';
export interface BucketLimit {
  ratePerSecond: number;
  burst: number;
}
export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limits: Record<Budget, BucketLimit>,
    private readonly now: () => number,
    private readonly maxBuckets = 100_000,
  ) {}

  /** Takes one token from the caller's bucket for this budget, or says how long to wait. */
  take(caller: string, budget: Budget): TakeResult {
    const { ratePerSecond, burst } = this.limits[budget];
    const key = `${budget}|${caller}`;
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxBuckets) this.evict(t);
      b = { tokens: burst, at: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * ratePerSecond);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / ratePerSecond)) };
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Full buckets carry no state worth keeping; if that is not enough, the oldest half goes. */
  private evict(t: number): void {
    for (const [key, b] of this.buckets) {
      const limit = this.limits[key.startsWith('check|') ? 'check' : 'default'];
      if (b.tokens + ((t - b.at) / 1000) * limit.ratePerSecond >= limit.burst) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxBuckets) return;
    let drop = Math.ceil(this.buckets.size / 2);
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}
