import { type AppendResult, Channels } from "./channels.ts";
import type { Config } from "./config.ts";
import { Hub, type Schedule } from "./hub.ts";
import type { Values } from "./ring_buffer.ts";
import type { Viewer } from "./viewer.ts";
import { encodePoints } from "./wire.ts";

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

/** One snapshot message per channel (its newest `snapshotPoints` points), oldest channel first. */
export function snapshotMessages(state: State): string[] {
  return state.channels.names().map((name) => {
    const slice = state.channels.get(name)!.latest(state.config.snapshotPoints);
    return encodePoints("snapshot", name, slice.seq, slice.x, slice.y);
  });
}
