import { lowerBound, type Samples, upperBound } from "./samples.ts";

/** The automatic measurements of a scope, over the samples in a range. */
export interface Measurements {
  count: number;
  /** y units */
  min: number;
  max: number;
  /** average of the samples (not weighted by time: uneven sampling leans towards dense parts) */
  mean: number;
  /** root mean square of the samples, weighted the same way as `mean` */
  rms: number;
  peakToPeak: number;
  /** cycles per x unit (Hz when x is seconds); null with fewer than two rising edges */
  frequency: number | null;
  /** x units: mean interval between successive rising crossings of the mid-level */
  period: number | null;
  /** fraction (0..1) of the time above the mid-level, over whole periods */
  dutyCycle: number | null;
  /**
   * samples per x unit (S/s when x is seconds), from the samples' own x: what the signal was
   * sampled at, however it was sent; null with fewer than two samples or no x extent
   */
  sampleRate: number | null;
}

export interface MeasureOptions {
  /**
   * the band around the mid-level a crossing must clear to count, as a fraction of
   * peak-to-peak (default 0.1): noise smaller than this does not add edges
   */
  hysteresisFraction?: number;
}

/**
 * Measurements of the samples with fromX <= x <= toX (NaN bounds mean unbounded), or null when
 * there is none. Edges are where y crosses the mid-level (max+min)/2, interpolated between
 * samples, and count only once y has gone past mid ± hysteresis; of several crossings on one
 * noisy edge, the last before it clears the band is the edge. Two passes, no allocation.
 */
export function measure(
  s: Samples,
  fromX = -Infinity,
  toX = Infinity,
  opts: MeasureOptions = {},
): Measurements | null {
  const a = Number.isNaN(fromX) ? 0 : lowerBound(s, fromX);
  const b = Number.isNaN(toX) ? s.size : upperBound(s, toX);
  const count = b - a;
  if (count <= 0) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSq = 0;
  for (let i = a; i < b; i++) {
    const y = s.yAt(i);
    if (y < min) min = y;
    if (y > max) max = y;
    sum += y;
    sumSq += y * y;
  }
  const f = opts.hysteresisFraction;
  const fraction = f !== undefined && f >= 0 && f < 0.5 ? f : 0.1;
  const peakToPeak = max - min;
  const cycles = peakToPeak > 0
    ? edges(s, a, b, (max + min) / 2, fraction * peakToPeak)
    : null;
  const period = cycles === null || cycles.rises < 2
    ? null
    : (cycles.lastRise - cycles.firstRise) / (cycles.rises - 1);
  return {
    count,
    min,
    max,
    mean: sum / count,
    rms: Math.sqrt(sumSq / count),
    peakToPeak,
    frequency: period !== null && period > 0 ? 1 / period : null,
    period: period !== null && period > 0 ? period : null,
    dutyCycle: period !== null && period > 0
      ? cycles!.highX / (cycles!.lastRise - cycles!.firstRise)
      : null,
    sampleRate: count > 1 && s.xAt(b - 1) > s.xAt(a)
      ? (count - 1) / (s.xAt(b - 1) - s.xAt(a))
      : null,
  };
}

interface Edges {
  rises: number;
  firstRise: number;
  lastRise: number;
  /** time above the mid-level within [firstRise, lastRise] */
  highX: number;
}

/** Rising edges and high time of samples [a, b) around `mid`, with a ±`band` Schmitt trigger. */
function edges(
  s: Samples,
  a: number,
  b: number,
  mid: number,
  band: number,
): Edges {
  const hi = mid + band;
  const lo = mid - band;
  const out: Edges = { rises: 0, firstRise: NaN, lastRise: NaN, highX: 0 };
  // -1 low, +1 high, 0 not yet known (the first samples sat inside the band)
  let state = 0;
  // latest crossing of mid each way since the state last changed
  let upX = NaN;
  let downX = NaN;
  // high time after the latest rise, counted once the next rise closes its period
  let pendingHigh = 0;
  let prevX = s.xAt(a);
  let prevY = s.yAt(a);
  if (prevY > hi) state = 1;
  else if (prevY < lo) state = -1;
  for (let i = a + 1; i < b; i++) {
    const x = s.xAt(i);
    const y = s.yAt(i);
    if (prevY < mid && y >= mid) {
      upX = prevX + ((mid - prevY) / (y - prevY)) * (x - prevX);
    } else if (prevY >= mid && y < mid) {
      downX = prevX + ((mid - prevY) / (y - prevY)) * (x - prevX);
    }
    if (state !== 1 && y > hi) {
      if (state === -1) {
        if (out.rises === 0) out.firstRise = upX;
        else out.highX += pendingHigh;
        out.lastRise = upX;
        out.rises++;
        pendingHigh = 0;
      }
      state = 1;
      downX = NaN;
    } else if (state !== -1 && y < lo) {
      if (state === 1 && out.rises > 0) pendingHigh = downX - out.lastRise;
      state = -1;
      upX = NaN;
    }
    prevX = x;
    prevY = y;
  }
  return out;
}
