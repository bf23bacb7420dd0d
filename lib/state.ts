import { type AppendResult, Channels } from "./channels.ts";
import type { Config } from "./config.ts";
import { Hub, type Schedule } from "./hub.ts";
import { makeGrid } from "./grid.ts";
import { alignedIndices, m4Indices, pick } from "./m4.ts";
import type { PointSlice, Values } from "./ring_buffer.ts";
import type { Viewer } from "./viewer.ts";
import { encodeFrame, type Encoding, type Frame } from "./wire.ts";

/** Everything one running oscilloscope holds; created per app so tests can run many at once. */
export interface State {
  config: Config;
  channels: Channels;
  hub: Hub;
  viewers: Set<Viewer>;
}

export function createState(config: Config, schedule?: Schedule): State {
  return {
    config,
    channels: new Channels(config.capacity, config.maxChannels),
    hub: new Hub({
      tickMs: config.tickMs,
      maxDeltaPoints: config.snapshotPoints,
      schedule,
    }),
    viewers: new Set(),
  };
}

/** Stores a validated batch and queues it for viewers; stores nothing when refused. */
export function publish(
  state: State,
  channel: string,
  x: Values,
  y: Values,
): AppendResult {
  const result = state.channels.append(channel, x, y);
  if (result.ok) state.hub.publish(channel, x, y, result.seq);
  return result;
}

/** Clears one channel, or all when `channel` is null; returns the points removed per channel. */
export function clearChannels(
  state: State,
  channel: string | null,
): Record<string, number> {
  const cleared: Record<string, number> = {};
  for (const name of channel === null ? state.channels.names() : [channel]) {
    const buffer = state.channels.get(name);
    if (!buffer) continue;
    cleared[name] = buffer.size;
    buffer.clear();
    state.hub.clear(name, buffer.lastSeq);
  }
  return cleared;
}

/**
 * One snapshot message per channel (its newest `snapshotPoints` points), oldest channel first.
 * With `slots` — the number of grid slots the viewer draws on — a longer channel is cut down
 * to the extremes of buckets that nest in the viewer's own: the same picture for a fraction of
 * the bytes.
 */
export function snapshotMessages(
  state: State,
  slots?: number,
  encoding: Encoding = "json",
): Frame[] {
  return state.channels.names().map((name) => {
    const slice = forGrid(
      state.channels.get(name)!.latest(state.config.snapshotPoints),
      slots,
    );
    return encodeFrame(encoding, "snapshot", name, slice.seq, slice.x, slice.y);
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
