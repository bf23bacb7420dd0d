/**
 * Refuses publishes only when the server is really saturated, and then the heaviest sources
 * first. A fixed per-address cap (the old default of 200 requests/s) dropped most points of a
 * fast local publisher while the server had room for a hundred times more; here an address is
 * never refused while the event loop keeps up and requests do not pile up, and when they do,
 * only addresses sending more than their fair share are turned away, so light publishers and
 * viewers keep being served.
 */

export interface ShedderOptions {
  /** event-loop delay past which the server counts as saturated (0: never shed) */
  maxLagMs: number;
  /** requests in progress past which the server counts as saturated */
  maxInFlight: number;
  /** an address sending fewer requests per second than this is never refused */
  minRatePerSecond?: number;
  /** how long the server counts as saturated after the last sign of it */
  holdMs?: number;
  /** most addresses tracked; past it the longest-known is forgotten */
  maxKeys?: number;
  /** milliseconds on a monotonic clock */
  now?: () => number;
}

/** What the shedder decided for one request. */
export type Admission = { ok: true } | {
  ok: false;
  retryAfterSeconds: number;
  /** why the server counts as saturated, for the refusal's message */
  cause: string;
};

const OK: Admission = { ok: true };
const WINDOW_MS = 1000;

/** Requests in the current and the previous one-second window: a rate without a timer. */
interface Counter {
  window: number;
  current: number;
  previous: number;
}

/** Counts one in `window`; true when it is the counter's first in that window. */
function count(c: Counter, window: number): boolean {
  const first = c.window !== window || c.current === 0;
  if (c.window !== window) {
    c.previous = c.window === window - 1 ? c.current : 0;
    c.current = 0;
    c.window = window;
  }
  c.current++;
  return first;
}

/** Requests per second, blending the previous window in as the current one fills. */
function rate(c: Counter, window: number, nowMs: number): number {
  if (c.window < window - 1) return 0;
  const current = c.window === window ? c.current : 0;
  const previous = c.window === window ? c.previous : c.current;
  const into = (nowMs % WINDOW_MS) / WINDOW_MS;
  return current + previous * (1 - into);
}

export class LoadShedder {
  readonly #counters = new Map<string, Counter>();
  readonly #total: Counter = { window: 0, current: 0, previous: 0 };
  // addresses heard from per window, counted as they first appear in it: O(1) per request
  readonly #addresses: Counter = { window: 0, current: 0, previous: 0 };
  readonly #now: () => number;
  readonly #minRate: number;
  readonly #holdMs: number;
  readonly #maxKeys: number;
  #lagMs = 0;
  #saturatedUntil = -Infinity;
  #cause = "";

  constructor(readonly options: ShedderOptions) {
    this.#now = options.now ?? (() => performance.now());
    this.#minRate = options.minRatePerSecond ?? 50;
    this.#holdMs = options.holdMs ?? 1000;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /** Reports how late the event loop ran a timer, in milliseconds. */
  observeLag(lagMs: number): void {
    this.#lagMs = lagMs;
    if (this.options.maxLagMs > 0 && lagMs > this.options.maxLagMs) {
      this.#saturate(`event-loop delay ${Math.round(lagMs)} ms`);
    }
  }

  /** Whether publishes are being shed now. */
  get saturated(): boolean {
    return this.#now() < this.#saturatedUntil;
  }

  /** The last event-loop delay reported, in milliseconds. */
  get lagMs(): number {
    return this.#lagMs;
  }

  /**
   * Counts a request from `key` (a client address) with `inFlight` requests in progress, and
   * refuses it when the server is saturated and `key` sends more than its fair share.
   */
  admit(key: string, inFlight: number): Admission {
    const nowMs = this.#now();
    const window = Math.floor(nowMs / WINDOW_MS);
    let counter = this.#counters.get(key);
    if (!counter) {
      if (this.#counters.size >= this.#maxKeys) {
        this.#counters.delete(this.#counters.keys().next().value!);
      }
      counter = { window, current: 0, previous: 0 };
      this.#counters.set(key, counter);
    }
    if (count(counter, window)) count(this.#addresses, window);
    count(this.#total, window);
    if (this.options.maxLagMs <= 0) return OK;
    if (inFlight > this.options.maxInFlight) {
      this.#saturate(`${inFlight} requests in progress`);
    }
    if (nowMs >= this.#saturatedUntil) return OK;
    const mine = rate(counter, window, nowMs);
    if (mine < this.#minRate) return OK;
    // fair share: the total spread evenly over the addresses active in the last two windows
    const total = rate(this.#total, window, nowMs);
    const fair = total / this.#active(window, nowMs);
    if (mine < fair) return OK;
    return {
      ok: false,
      retryAfterSeconds: Math.max(
        1,
        Math.ceil((this.#saturatedUntil - nowMs) / 1000),
      ),
      cause: this.#cause,
    };
  }

  #saturate(cause: string): void {
    this.#saturatedUntil = this.#now() + this.#holdMs;
    this.#cause = cause;
  }

  #active(window: number, nowMs: number): number {
    const a = this.#addresses;
    const current = a.window === window ? a.current : 0;
    const previous = a.window === window
      ? a.previous
      : a.window === window - 1
      ? a.current
      : 0;
    // early in a window few addresses have been heard from yet: the last window still counts
    const into = (nowMs % WINDOW_MS) / WINDOW_MS;
    return Math.max(1, current, previous * (1 - into));
  }
}
