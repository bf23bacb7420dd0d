/** A refusal from the limiter, with how long until a request would be let through. */
export type Taken = { ok: true } | { ok: false; retryAfterSeconds: number };

const OK: Taken = { ok: true };

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets keyed by client address: each key may spend `burst` requests at once and earns
 * `ratePerSecond` back. The number of keys is capped; past it the oldest key is forgotten (it
 * starts again with a full bucket), so a flood of addresses cannot grow memory.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    readonly maxKeys = 100_000,
    now?: () => number,
  ) {
    this.#now = now ?? (() => performance.now());
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Spends one token of `key`'s bucket, or says when one will be there. */
  take(key: string): Taken {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(
        this.burst,
        bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond,
      );
      bucket.at = now;
    } else {
      // forget the longest-known key; it comes back with a full bucket, which is lenient but
      // safe, and keeps each request to one lookup instead of re-ordering the map every time
      if (this.#buckets.size >= this.maxKeys) {
        this.#buckets.delete(this.#buckets.keys().next().value!);
      }
      bucket = { tokens: this.burst, at: now };
      this.#buckets.set(key, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return OK;
    }
    return {
      ok: false,
      retryAfterSeconds: Math.max(
        1,
        Math.ceil((1 - bucket.tokens) / this.ratePerSecond),
      ),
    };
  }
}
