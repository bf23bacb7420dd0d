/**
 * x for values that come without one. A lone value gets the receive time. Several at once
 * (a `{"y":[…]}` column, lines of a stream read together) must not all get the same x — that
 * draws a vertical line — so they are spread evenly over the time since the channel's newest
 * point, ending at the receive time: a sender posting 100 values every 100 ms draws a trace
 * sampled every millisecond. With no recent point to start from, they are 1 ms apart.
 */

/**
 * The receive time: seconds since the epoch at a microsecond's resolution. Date.now() steps a
 * whole millisecond, so two batches taken within one had the same receive time, and the second
 * was spread from a point that was not before it — back by a second. The fine part comes from
 * the monotonic clock, anchored to the wall clock again whenever they part by more than 50 ms
 * (a clock set by NTP), and the time never goes back within one clock.
 */
export class ReceiveClock {
  #offsetMs = NaN;
  #last = 0;

  constructor(
    readonly wallMs: () => number = Date.now,
    readonly monotonicMs: () => number = () => performance.now(),
  ) {}

  /** Seconds since the epoch, now. */
  now(): number {
    const wall = this.wallMs();
    const mono = this.monotonicMs();
    let t = mono + this.#offsetMs;
    if (!(Math.abs(t - wall) <= 50)) {
      this.#offsetMs = wall - mono;
      t = wall;
    }
    const seconds = Math.max(t / 1000, this.#last);
    this.#last = seconds;
    return seconds;
  }
}

/** How far back the channel's newest point may be and still start the spread, in seconds. */
export const SPREAD_WINDOW_S = 10;
/** A newest point this close after the receive time is taken as at the same time, in seconds. */
const SAME_TIME_S = 0.001;
/** The spacing when there is no recent point to spread from, in seconds. */
export const DEFAULT_SPACING_S = 0.001;

/** `n` increasing x values (seconds) ending at `nowSeconds`, after `previousX` when recent. */
export function receiveTimes(
  n: number,
  nowSeconds: number,
  previousX: number | null | undefined,
): Float64Array {
  const x = new Float64Array(n);
  if (n === 1) {
    x[0] = nowSeconds;
    return x;
  }
  // the newest point at this very time (a clock's resolution): these come with it, not a
  // second before it
  if (
    previousX !== null && previousX !== undefined && previousX >= nowSeconds &&
    previousX - nowSeconds <= SAME_TIME_S
  ) {
    return x.fill(previousX);
  }
  const recent = previousX !== null && previousX !== undefined &&
    previousX < nowSeconds && nowSeconds - previousX <= SPREAD_WINDOW_S;
  if (recent) {
    const step = (nowSeconds - previousX) / n;
    for (let i = 0; i < n; i++) x[i] = previousX + step * (i + 1);
    x[n - 1] = nowSeconds;
  } else {
    for (let i = 0; i < n; i++) {
      x[i] = nowSeconds - (n - 1 - i) * DEFAULT_SPACING_S;
    }
  }
  return x;
}
