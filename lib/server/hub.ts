import { copyValues, type Values } from "../shared/ring_buffer.ts";
import {
  encodeClearFrame,
  encodeFrame,
  type Encoding,
  type Frame,
} from "../shared/wire.ts";

/** Runs `fn` after `ms`; returns a function that cancels it. Injected so tests own the clock. */
export type Schedule = (fn: () => void, ms: number) => () => void;

export const timerSchedule: Schedule = (fn, ms) => {
  const id = setTimeout(fn, ms);
  return () => clearTimeout(id);
};

export interface HubOptions {
  /** coalescing interval: at most one message per channel per tick */
  tickMs: number;
  /** most points per channel kept for the next tick; older ones are dropped (viewers refill) */
  maxDeltaPoints: number;
  schedule?: Schedule;
  /** milliseconds on a monotonic clock */
  now?: () => number;
  /** told of a subscriber that threw (the app logs it); the others still get the frame */
  onSubscriberError?: (error: unknown) => void;
}

interface Pending {
  x: Values[];
  y: Values[];
  count: number;
  lastSeq: number;
}

export type Subscriber = (frame: Frame) => void;

/** The longest the hub waits between flushes however long the last one took. */
const MAX_GAP_MS = 64;

/**
 * Tick per subscriber: the tick grows with the viewers so a flush's sends stay under about
 * 16,000 a second (64 ms at 1000 viewers). Socket writes finish after the flush returns, so
 * its measured duration alone (the gap) under-counts them: with the server alone on a core,
 * 1000 viewers left its thread 74 % outside JS, in Deno's WebSocket writes (about 30 µs of
 * the thread a frame). At 16 µs a subscriber (62,000 frames a second) single-point ingest was
 * 0.18× the rate with none, at 50 µs 0.37×; 100 viewers still get a point within 7 ms.
 */
const TICK_PER_SUBSCRIBER_MS = 0.064;

/**
 * Fan-out of accepted batches to viewers. Batches that arrive within one tick are merged into
 * one message per channel and serialised once for every subscriber, so ingest cost does not grow
 * with the number of viewers and a burst of tiny POSTs becomes a few frames.
 */
export class Hub {
  // each subscriber with the encoding it wants its frames in
  readonly #subscribers = new Map<Subscriber, Encoding>();
  readonly #pending = new Map<string, Pending>();
  readonly #clears = new Map<string, { seq: number; remove: boolean }>();
  readonly #schedule: Schedule;
  #cancel: (() => void) | null = null;
  #lastFlush = -Infinity;
  // the gap to keep after a flush: a tick, or three times what the last flush took, so sending
  // to many viewers never takes more than a third of the process's time from ingest
  #gap = 0;
  readonly #now: () => number;

  constructor(readonly options: HubOptions) {
    this.#schedule = options.schedule ?? timerSchedule;
    this.#now = options.now ?? (() => performance.now());
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Adds a subscriber wanting `encoding` frames; returns the function that removes it. */
  subscribe(fn: Subscriber, encoding: Encoding = "json"): () => void {
    this.#subscribers.set(fn, encoding);
    return () => {
      this.#subscribers.delete(fn);
    };
  }

  /** Queues an accepted batch whose last point has seq `lastSeq`. */
  publish(
    channel: string,
    x: Values,
    y: Values,
    lastSeq: number,
  ): void {
    // with nobody listening there is nothing to send
    if (this.#subscribers.size === 0) return;
    let p = this.#pending.get(channel);
    if (!p) {
      p = { x: [], y: [], count: 0, lastSeq };
      this.#pending.set(channel, p);
    }
    p.x.push(x);
    p.y.push(y);
    p.count += x.length;
    p.lastSeq = lastSeq;
    // bound memory between ticks: a viewer that misses the dropped points sees a seq gap
    const max = this.options.maxDeltaPoints;
    while (p.count - p.x[0].length >= max) {
      p.count -= p.x[0].length;
      p.x.shift();
      p.y.shift();
    }
    this.#arm();
  }

  /** Queues a clear; points queued for the channel before it are moot and dropped. */
  clear(channel: string, lastSeq: number): void {
    this.#queueClear(channel, lastSeq, false);
  }

  /** Queues the removal of a channel: viewers drop it, not just its points. */
  remove(channel: string, lastSeq: number): void {
    this.#queueClear(channel, lastSeq, true);
  }

  #queueClear(channel: string, seq: number, remove: boolean): void {
    if (this.#subscribers.size === 0) return;
    this.#pending.delete(channel);
    // a removal followed by a clear of the re-created channel still removes the old one
    const queued = this.#clears.get(channel);
    this.#clears.set(channel, {
      seq: Math.max(seq, queued?.seq ?? 0),
      remove: remove || queued?.remove === true,
    });
    this.#arm();
  }

  /**
   * Schedules the next flush on the leading edge: right after the current turn of the event loop
   * when the last one was a tick or more ago (a lone point goes out at once, and everything
   * that arrives in the same turn goes with it), otherwise one tick after the last flush.
   */
  #arm(): void {
    if (this.#cancel !== null) return;
    const wait = Math.max(
      0,
      this.#lastFlush + Math.max(this.#tickMs(), this.#gap) - this.#now(),
    );
    this.#cancel = this.#schedule(() => {
      this.#cancel = null;
      this.flush();
    }, wait);
  }

  /**
   * Sends everything queued now: clears first, then one points message per channel, each
   * encoded once per encoding in use, whatever the number of viewers.
   */
  flush(): void {
    this.#lastFlush = this.#now();
    const events: [
      channel: string,
      seq: number,
      x: Values | null,
      y: Values | null,
      remove?: boolean,
    ][] = [];
    for (const [channel, { seq, remove }] of this.#clears) {
      events.push([channel, seq, null, null, remove]);
    }
    for (const [channel, p] of this.#pending) {
      const [x, y] = concatTail(p, this.options.maxDeltaPoints);
      events.push([channel, p.lastSeq, x, y]);
    }
    this.#clears.clear();
    this.#pending.clear();
    if (events.length === 0) return;
    const frames = new Map<Encoding, Frame[]>();
    const encoded = (encoding: Encoding) => {
      let list = frames.get(encoding);
      if (!list) {
        list = events.map(([channel, seq, x, y, remove]) =>
          x && y
            ? encodeFrame(encoding, "points", channel, seq, x, y)
            : encodeClearFrame(
              encoding,
              channel,
              seq,
              remove ? "remove" : "clear",
            )
        );
        frames.set(encoding, list);
      }
      return list;
    };
    // iterate a snapshot: a subscriber may unsubscribe (or subscribe another) while we send
    for (const [fn, encoding] of [...this.#subscribers]) {
      for (const frame of encoded(encoding)) {
        try {
          fn(frame);
        } catch (e) {
          // one broken viewer must not starve the rest
          this.options.onSubscriberError?.(e);
        }
      }
    }
    // capped: bigger gaps mean bigger frames, which take longer to send again. The cap is
    // not a multiple of the tick, so a short tick (fast for a few viewers) still backs off
    // as far as many viewers need
    this.#gap = Math.min(
      MAX_GAP_MS,
      3 * (this.#now() - this.#lastFlush),
    );
  }

  /** The coalescing interval now: the configured tick, longer with many subscribers. */
  #tickMs(): number {
    return Math.max(
      this.options.tickMs,
      Math.min(MAX_GAP_MS, this.#subscribers.size * TICK_PER_SUBSCRIBER_MS),
    );
  }

  /** Cancels the pending tick; queued messages are dropped. */
  close(): void {
    this.#cancel?.();
    this.#cancel = null;
    this.#pending.clear();
    this.#clears.clear();
  }
}

function concatTail(p: Pending, max: number): [Values, Values] {
  if (p.x.length === 1 && p.count <= max) return [p.x[0], p.y[0]];
  const n = Math.min(p.count, max);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let end = n;
  for (let i = p.x.length - 1; i >= 0 && end > 0; i--) {
    const cx = p.x[i];
    const take = Math.min(cx.length, end);
    copyValues(x, cx, cx.length - take, cx.length, end - take);
    copyValues(y, p.y[i], cx.length - take, cx.length, end - take);
    end -= take;
  }
  return [x, y];
}
