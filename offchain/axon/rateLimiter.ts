/**
 * Per-caller token buckets: `burst` tokens, refilled at `perSecond`; a request spends one token.
 * Keys are hotkeys that already passed the signature and permit checks, so the map is bounded by the
 * subnet's validator set; `maxKeys` bounds it anyway (oldest bucket dropped first).
 */
export interface RateLimitOptions {
  perSecond: number;
  burst: number;
  maxKeys?: number;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(o: RateLimitOptions) {
    if (!(o.perSecond > 0) || !(o.burst >= 1))
      throw new Error(`rate limit needs perSecond > 0 and burst >= 1 (got ${o.perSecond}, ${o.burst})`);
    this.#rate = o.perSecond / 1000;
    this.#burst = o.burst;
    this.#maxKeys = o.maxKeys ?? 4096;
    this.#now = o.now ?? Date.now;
  }

  /** Spends a token; returns 0 when allowed, else the milliseconds until one is available. */
  take(key: string): number {
    const now = this.#now();
    let b = this.#buckets.get(key);
    if (b === undefined) {
      b = { tokens: this.#burst, at: now };
      this.#buckets.set(key, b);
      if (this.#buckets.size > this.#maxKeys) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined && oldest !== key) this.#buckets.delete(oldest);
      }
    } else {
      b.tokens = Math.min(this.#burst, b.tokens + (now - b.at) * this.#rate);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.#rate);
  }
}
