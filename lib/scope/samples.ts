/**
 * Read-only access to one trace's points, oldest first with x ascending (never decreasing).
 * `RingBuffer` and `Trace.ring` satisfy it as they are, so the scope's math reads the buffer in
 * place instead of copying 100k points every frame.
 */
export interface Samples {
  readonly size: number;
  xAt(i: number): number;
  yAt(i: number): number;
}

/**
 * Index of the first sample in [lo, hi) with x >= `x` (binary search), or `hi` (by default
 * `s.size`) when there is none; a NaN `x` matches nothing.
 */
export function lowerBound(s: Samples, x: number, lo = 0, hi = s.size): number {
  // every comparison with NaN is false, which would make the search stop at index lo
  if (Number.isNaN(x)) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.xAt(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first sample in [lo, hi) with x > `x`, or `hi` (by default `s.size`); NaN gives `hi`. */
export function upperBound(s: Samples, x: number, lo = 0, hi = s.size): number {
  if (Number.isNaN(x)) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.xAt(mid) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Wraps two arrays as Samples without copying them (so later writes show through); throws a
 * RangeError when their lengths differ.
 */
export function arraySamples(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): Samples {
  if (x.length !== y.length) {
    throw new RangeError(
      `x and y must have the same length, got ${x.length} and ${y.length}`,
    );
  }
  return {
    get size() {
      return x.length;
    },
    xAt: (i) => x[i],
    yAt: (i) => y[i],
  };
}
