import { lowerBound, type Samples, upperBound } from "./samples.ts";

/** Points of an XY plot: channel A's value on x, channel B's on y, at the same instants. */
export interface XYPoints {
  a: Float64Array;
  b: Float64Array;
}

/**
 * Pairs two channels sampled at their own x values for an XY plot: at each sample of `a` with
 * fromX <= x <= toX that lies within `b`'s x extent, `b` is interpolated linearly. At most
 * `maxPoints` pairs, the newest (a scope's XY screen shows the latest part of the record).
 * Empty when the channels do not overlap in x.
 */
export function pairXY(
  a: Samples,
  b: Samples,
  fromX = -Infinity,
  toX = Infinity,
  maxPoints = 4096,
): XYPoints {
  const empty = { a: new Float64Array(0), b: new Float64Array(0) };
  if (a.size === 0 || b.size === 0 || !(maxPoints >= 1)) return empty;
  const from = Math.max(fromX, b.xAt(0));
  const to = Math.min(toX, b.xAt(b.size - 1));
  const hi = upperBound(a, to);
  const lo = Math.max(lowerBound(a, from), hi - Math.floor(maxPoints));
  if (hi <= lo) return empty;
  const outA = new Float64Array(hi - lo);
  const outB = new Float64Array(hi - lo);
  // both ascend in x, so one walk through b serves every sample of a
  let j = Math.max(0, lowerBound(b, a.xAt(lo)) - 1);
  for (let i = lo; i < hi; i++) {
    const x = a.xAt(i);
    while (j + 1 < b.size && b.xAt(j + 1) <= x) j++;
    const x0 = b.xAt(j);
    const y0 = b.yAt(j);
    let y = y0;
    if (x0 < x && j + 1 < b.size) {
      const x1 = b.xAt(j + 1);
      y = y0 + ((b.yAt(j + 1) - y0) * (x - x0)) / (x1 - x0);
    }
    outA[i - lo] = a.yAt(i);
    outB[i - lo] = y;
  }
  return { a: outA, b: outB };
}
