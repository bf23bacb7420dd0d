import type { Run } from "./resample.ts";
import { RingBuffer } from "../shared/ring_buffer.ts";
import { lowerBound, upperBound } from "./samples.ts";

/**
 * Indexes [lo, hi) of the points a window [fromX, toX] needs to be drawn: the points inside it
 * and one neighbour each side, so a line leaving the window still leaves from the right place.
 */
export function windowIndices(
  ring: RingBuffer,
  fromX: number,
  toX: number,
): [lo: number, hi: number] {
  const lo = Math.max(0, lowerBound(ring, fromX) - 1);
  const hi = Math.min(ring.size, upperBound(ring, toX, lo) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * The points of `ring` that a window [fromX, toX] needs (see `windowIndices`) as at most two
 * views, without a copy: what `resampleMinMax` loops over. Valid until the next push.
 */
export function windowRuns(
  ring: RingBuffer,
  fromX: number,
  toX: number,
): Run[] {
  const [lo, hi] = windowIndices(ring, fromX, toX);
  let left = hi - lo;
  const runs: Run[] = [];
  for (const [xs, ys] of ring.runs(lo)) {
    if (left <= 0) break;
    const n = Math.min(left, xs.length);
    runs.push([xs.subarray(0, n), ys.subarray(0, n)]);
    left -= n;
  }
  return runs;
}

/**
 * A copy of the ring's points (all of them, or those a window [fromX, toX] needs) in a ring of
 * their own: what a display holds on to while the live buffer moves on.
 */
export function copyRing(
  ring: RingBuffer,
  fromX = -Infinity,
  toX = Infinity,
): RingBuffer {
  const [lo, hi] = fromX === -Infinity && toX === Infinity
    ? [0, ring.size]
    : windowIndices(ring, fromX, toX);
  const n = hi - lo;
  const copy = new RingBuffer(Math.max(1, n));
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  let at = 0;
  for (const [xs, ys] of ring.runs()) {
    // copy only the part of each run that falls in [lo, hi)
    const start = Math.max(0, lo - at);
    const end = Math.min(xs.length, hi - at);
    if (end > start) {
      x.set(xs.subarray(start, end), at + start - lo);
      y.set(ys.subarray(start, end), at + start - lo);
    }
    at += xs.length;
  }
  copy.pushBatch(x, y);
  return copy;
}
