/**
 * M4 decimation (Jugel et al., VLDB 2014): split the x range into `columns` equal columns and
 * keep, per column, the first, last, lowest and highest point, in their original order. A line
 * drawn through them at one column per pixel is the same picture as the line through every
 * point, with at most 4 points per column when x ascends.
 * Returns the indices of the kept points, ascending.
 */
export function m4Indices(
  x: Float64Array,
  y: Float64Array,
  columns: number,
): Uint32Array {
  const n = x.length;
  if (n <= 4 * columns) return Uint32Array.from({ length: n }, (_, i) => i);
  // scan for the range: a buffer's x need not ascend (a sender may restart its counter)
  let xMin = Infinity;
  let xMax = -Infinity;
  for (let i = 0; i < n; i++) {
    if (x[i] < xMin) xMin = x[i];
    if (x[i] > xMax) xMax = x[i];
  }
  const half = xMax / 2 - xMin / 2; // halves: no overflow near the float64 limit
  return keepExtremes(
    x,
    y,
    (v) =>
      half > 0
        ? Math.min(
          columns - 1,
          Math.floor(((v / 2 - xMin / 2) / half) * columns),
        )
        : 0,
  );
}

/**
 * M4 on buckets of a fixed width aligned to multiples of it (bucket = floor(x / width)), the
 * way the island buckets points (two grid steps wide). Buckets of a power-of-ten width nest in
 * the island's buckets whenever its 1-2-5 step is at least that power of ten, so the island's
 * per-bucket min and max — the picture — come out exactly as from every point.
 */
export function alignedIndices(
  x: Float64Array,
  y: Float64Array,
  width: number,
): Uint32Array {
  return keepExtremes(x, y, (v) => Math.floor(v / width));
}

/**
 * Indices of the first, last, lowest and highest point of each run of points that fall in one
 * bucket, ascending. x going backwards starts a new run, so such data can keep more than 4
 * points per bucket; the output grows as needed.
 */
function keepExtremes(
  x: Float64Array,
  y: Float64Array,
  bucketOf: (x: number) => number,
): Uint32Array {
  const n = x.length;
  const out: number[] = [];
  let i = 0;
  while (i < n) {
    const bucket = bucketOf(x[i]);
    const first = i;
    let lo = i;
    let hi = i;
    while (i < n && bucketOf(x[i]) === bucket) {
      if (y[i] < y[lo]) lo = i;
      if (y[i] > y[hi]) hi = i;
      i++;
    }
    const picks = [first, lo, hi, i - 1].sort((a, b) => a - b);
    for (let k = 0; k < 4; k++) {
      if (k === 0 || picks[k] !== picks[k - 1]) out.push(picks[k]);
    }
  }
  return Uint32Array.from(out);
}

/** The points at `keep` (ascending indices) of a slice, with each one's seq. */
export function pick(
  x: Float64Array,
  y: Float64Array,
  lastSeq: number,
  keep: Uint32Array,
): { x: Float64Array; y: Float64Array; seqs: Float64Array } {
  const first = lastSeq - x.length + 1;
  const out = {
    x: new Float64Array(keep.length),
    y: new Float64Array(keep.length),
    seqs: new Float64Array(keep.length),
  };
  for (let k = 0; k < keep.length; k++) {
    out.x[k] = x[keep[k]];
    out.y[k] = y[keep[k]];
    out.seqs[k] = first + keep[k];
  }
  return out;
}
