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

interface Bucket<B extends string> {
  budget: B;
  tokens: number;
  at: number;
}

export class RateLimiter<B extends string = Budget> {
  private readonly buckets = new Map<string, Bucket<B>>();

  constructor(
    private readonly limits: Record<B, BucketLimit>,
    private readonly now: () => number,
    private readonly maxBuckets = 100_000,
  ) {}

  /** Takes one token from the caller's bucket for this budget, or says how long to wait. */
  take(caller: string, budget: B): TakeResult {
    const b = this.refilled(caller, budget, true)!;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return this.refusal(b);
  }

  /** Whether the caller's bucket for this budget has a token, without taking it. */
  peek(caller: string, budget: B): TakeResult {
    const b = this.refilled(caller, budget, false);
    return !b || b.tokens >= 1 ? { ok: true } : this.refusal(b);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refusal(b: Bucket<B>): TakeResult {
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / this.limits[b.budget].ratePerSecond)) };
  }

  /** The bucket with the tokens earned since it was last used; a new, full one when `create`. */
  private refilled(caller: string, budget: B, create: boolean): Bucket<B> | undefined {
    const { ratePerSecond, burst } = this.limits[budget];
    const key = `${budget}|${caller}`;
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (!create) return undefined;
      if (this.buckets.size >= this.maxBuckets) this.evict(t);
      b = { budget, tokens: burst, at: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * ratePerSecond);
      b.at = t;
    }
    return b;
  }

  /** Full buckets carry no state worth keeping; if that is not enough, the oldest half goes. */
  private evict(t: number): void {
    for (const [key, b] of this.buckets) {
      const limit = this.limits[b.budget];
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

/**
 * The rate-limit identity of a client address: an IPv4 address as it is (an IPv4-mapped IPv6
 * address as its IPv4 address), an IPv6 address by its /64 prefix, since one host commonly holds a
 * whole /64 and could otherwise take a fresh bucket for every request.
 */
export function clientAddressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? g.replace(/^0+(?=.)/, '') : '0'))
    .join(':')}::/64`;
}
