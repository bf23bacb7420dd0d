import type { Channels } from "../store/channels.ts";
import { makeGrid } from "../shared/grid.ts";
import type { PointSlice } from "../shared/ring_buffer.ts";
import { encodeFrame, type Encoding, type Frame } from "../shared/wire.ts";
import { alignedIndices, m4Indices, pick } from "./m4.ts";

/**
 * One snapshot message per channel (its newest `points` points), oldest channel first.
 * With `slots` — the number of grid slots the viewer draws on — a longer channel is cut down
 * to the extremes of buckets that nest in the viewer's own: the same picture for a fraction of
 * the bytes. Such a snapshot is marked `reduced`: measured, it would be an estimate, so the
 * page fetches the full points after it has drawn this.
 */
export function snapshotMessages(
  channels: Channels,
  points: number,
  slots?: number,
  encoding: Encoding = "json",
): Frame[] {
  return channels.names().map((name) => {
    const full = channels.get(name)!.latest(points);
    const slice = forGrid(full, slots);
    return encodeFrame(
      encoding,
      "snapshot",
      name,
      slice.seq,
      slice.x,
      slice.y,
      slice !== full,
    );
  });
}

type Decimated = PointSlice & { seqs?: Float64Array };

/** A slice cut down with M4 to about `maxPoints` (pixel columns × 4) when it is longer. */
export function decimated(slice: PointSlice, maxPoints?: number): Decimated {
  if (maxPoints === undefined || slice.x.length <= maxPoints) return slice;
  const keep = m4Indices(
    slice.x,
    slice.y,
    Math.max(1, Math.floor(maxPoints / 4)),
  );
  return { seq: slice.seq, ...pick(slice.x, slice.y, slice.seq, keep) };
}

/** A slice cut down to the extremes of buckets that nest in those of a viewer's `slots` grid. */
function forGrid(slice: PointSlice, slots?: number): Decimated {
  if (slots === undefined || slice.x.length <= 2 * slots) return slice;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const v of slice.x) {
    if (v < xMin) xMin = v;
    if (v > xMax) xMax = v;
  }
  // the viewer's step for this range is a 1, 2 or 5 times 10^e; 10^e divides any such step
  // from there up, so these buckets nest in the viewer's even when its range grows
  const decade = 10 ** makeGrid(xMin, xMax, slots).exponent;
  const keep = alignedIndices(slice.x, slice.y, 2 * decade);
  return { seq: slice.seq, ...pick(slice.x, slice.y, slice.seq, keep) };
}
