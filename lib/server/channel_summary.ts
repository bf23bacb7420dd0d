import type { Channels } from "../store/channels.ts";

/** One channel as the page and the status line describe it. */
export interface ChannelFacts {
  name: string;
  /** points held on the server */
  count: number;
  capacity: number;
  lastSeq: number;
  /** the newest value, null while the channel is empty */
  lastY: number | null;
}

/** Every channel's facts, oldest channel first. */
export function channelFacts(channels: Channels): ChannelFacts[] {
  return channels.names().map((name) => {
    const buffer = channels.get(name)!;
    return {
      name,
      count: buffer.size,
      capacity: buffer.capacity,
      lastSeq: buffer.lastSeq,
      lastY: buffer.size > 0 ? buffer.yAt(buffer.size - 1) : null,
    };
  });
}

// a rate over less than this is mostly noise from the moment a batch happened to land
const MIN_RATE_WINDOW_MS = 1000;

/**
 * Per-second rates of running totals (points taken in, publishes refused), from one sample
 * shared by every poller, so many open pages do not shorten each other's window. A rate is null
 * until a whole window has passed.
 */
export class RateSampler<K extends string> {
  #sample: { atMs: number; totals: Record<K, number> } | null = null;
  #rates: Record<K, number> | null = null;

  /** The rates, per second to one decimal, given the totals now and a monotonic clock in ms. */
  read(totals: Record<K, number>, nowMs: number): Record<K, number | null> {
    if (this.#sample === null) {
      this.#sample = { atMs: nowMs, totals: { ...totals } };
    } else if (nowMs - this.#sample.atMs >= MIN_RATE_WINDOW_MS) {
      const seconds = (nowMs - this.#sample.atMs) / 1000;
      const rates = {} as Record<K, number>;
      for (const k of Object.keys(totals) as K[]) {
        rates[k] =
          Math.round((totals[k] - this.#sample.totals[k]) / seconds * 10) / 10;
      }
      this.#rates = rates;
      this.#sample = { atMs: nowMs, totals: { ...totals } };
    }
    const out = {} as Record<K, number | null>;
    for (const k of Object.keys(totals) as K[]) {
      out[k] = this.#rates?.[k] ?? null;
    }
    return out;
  }
}
