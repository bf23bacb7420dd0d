import type { Grid } from "../shared/grid.ts";

/** A contiguous run of points, x ascending: the pieces a channel's ring buffer is made of. */
export type Run = readonly [x: Float64Array, y: Float64Array];

/**
 * Resamples points onto a grid: slots pair up into buckets (bucket j = slots 2j and 2j+1), and
 * each bucket keeps the minimum and the maximum of the points that fall in it, in the order they
 * occurred, so the drawn line covers exactly the vertical extent the raw points would — a single
 * spike among a million points survives. A bucket with one point puts it in the slot nearer its x.
 * Returns one value per slot, NaN where a slot has no point. Cost is O(points + slots).
 */
export function resampleMinMax(runs: readonly Run[], grid: Grid): Float64Array {
  const buckets = grid.slots >> 1;
  const min = new Float64Array(buckets).fill(Infinity);
  const max = new Float64Array(buckets).fill(-Infinity);
  // when (by arrival within the bucket) the current min and max were seen
  const minAt = new Uint32Array(buckets);
  const maxAt = new Uint32Array(buckets);
  const count = new Uint32Array(buckets);
  const firstX = new Float64Array(buckets);
  // positions in units of slots from the grid's first slot; dividing first keeps values near
  // ±1.8e308 finite where a subtraction would overflow
  const step = grid.step;
  const first = grid.first;
  for (const [xs, ys] of runs) {
    for (let i = 0; i < xs.length; i++) {
      const j = Math.floor((xs[i] / step - first) / 2);
      if (j < 0 || j >= buckets) continue;
      const y = ys[i];
      if (count[j] === 0) firstX[j] = xs[i];
      const order = ++count[j];
      if (y < min[j]) {
        min[j] = y;
        minAt[j] = order;
      }
      if (y > max[j]) {
        max[j] = y;
        maxAt[j] = order;
      }
    }
  }
  const out = new Float64Array(grid.slots).fill(NaN);
  for (let j = 0; j < buckets; j++) {
    const n = count[j];
    if (n === 0) continue;
    if (n === 1 || min[j] === max[j]) {
      const offset = firstX[j] / step - first - 2 * j;
      out[2 * j + (n === 1 && offset >= 0.5 ? 1 : 0)] = min[j];
      if (n > 1) out[2 * j + 1] = min[j];
      continue;
    }
    const minFirst = minAt[j] < maxAt[j];
    out[2 * j] = minFirst ? min[j] : max[j];
    out[2 * j + 1] = minFirst ? max[j] : min[j];
  }
  return out;
}
