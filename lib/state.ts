import { type AppendResult, Channels } from "./channels.ts";
import { LazyStore, MemoryStore, type Mirror, type Store } from "./store.ts";
import { KvStore } from "./store_kv.ts";
import type { Config } from "./config.ts";
import { Hub, type Schedule } from "./hub.ts";
import { makeGrid } from "./grid.ts";
import { alignedIndices, m4Indices, pick } from "./m4.ts";
import type { PointSlice, Values } from "./ring_buffer.ts";
import type { Viewer, ViewerEvent } from "./viewer.ts";
import { createLogger, type Logger } from "./log.ts";
import { Metrics } from "./metrics.ts";
import { Deadlines } from "./deadlines.ts";
import { LoadShedder } from "./load_shedder.ts";
import { RateLimiter } from "./rate_limit.ts";
import { encodeFrame, type Encoding, type Frame } from "./wire.ts";

/** What the server counts as it goes, for /metrics. */
export interface Counts {
  accepted(points: number): void;
  rejected(
    reason:
      | "invalid"
      | "too_large"
      | "channel_limit"
      | "rate_limited"
      | "unauthorized"
      | "timeout"
      | "store_unavailable",
    message?: string,
  ): void;
  viewer(
    event:
      | ViewerEvent
      | "refused_total"
      | "refused_address"
      | "refused_origin"
      | "message_too_big",
  ): void;
}

/** Everything one running oscilloscope holds; created per app so tests can run many at once. */
export interface State {
  config: Config;
  /** where accepted points are kept (memory, Deno KV or Redis Streams) */
  store: Store;
  /** this instance's copy of every channel, which the store keeps current */
  channels: Channels;
  hub: Hub;
  viewers: Set<Viewer>;
  /** open viewers per client address, for OSC_MAX_VIEWERS_PER_ADDRESS */
  viewersByAddress: Map<string, number>;
  metrics: Metrics;
  count: Counts;
  log: Logger;
  /** time limits on request bodies, swept by the app's timer */
  deadlines: Deadlines;
  /** bytes of large request bodies being received now (OSC_BODIES_MAX_TOTAL bounds it) */
  bodies: { bytes: number };
  /** set once a shutdown has begun */
  draining: boolean;
  /** requests being served now (read by the load shedder and the shutdown drain) */
  inFlight: number;
  /** refuses the heaviest publishers while the server is saturated */
  shedder: LoadShedder;
  /** wrong tokens per client address, view and publish alike, on every route */
  guesses: RateLimiter;
  /** publish requests refused, and the latest reason, for /status */
  refused: {
    requests: number;
    last: { reason: string; message: string } | null;
  };
}

export interface StateOptions {
  schedule?: Schedule;
  /** where log lines go (console.log by default) */
  writeLog?: (line: string) => void;
}

export function createState(config: Config, options: StateOptions = {}): State {
  const channels = new Channels(config.capacity, config.maxChannels);
  const viewers = new Set<Viewer>();
  const metrics = new Metrics();
  const accepted = metrics.counter(
    "osc_points_accepted_total",
    "Points stored.",
  );
  const rejected = metrics.counter(
    "osc_publish_rejected_total",
    "Publish requests refused, by reason.",
  );
  const viewerEvents = metrics.counter(
    "osc_viewer_events_total",
    "Viewer events: frames skipped for a slow viewer, resyncs, closes, refusals.",
  );
  metrics.gauge(
    "osc_viewers",
    "Connected WebSocket viewers.",
    () => [[{}, viewers.size]],
  );
  metrics.gauge(
    "osc_channels",
    "Channels holding a buffer.",
    () => [[{}, channels.count]],
  );
  metrics.gauge(
    "osc_buffer_capacity_points",
    "Points each channel's buffer holds when full.",
    () => [[
      {},
      config.capacity,
    ]],
  );
  metrics.gauge(
    "osc_buffer_points",
    "Points held per channel.",
    () =>
      channels.names().map((
        name,
      ) => [{ channel: name }, channels.get(name)!.size]),
  );
  metrics.gauge(
    "process_resident_memory_bytes",
    "Resident memory of the process.",
    () => [[
      {},
      Deno.memoryUsage().rss,
    ]],
  );
  const hub = new Hub({
    tickMs: config.tickMs,
    maxDeltaPoints: config.snapshotPoints,
    schedule: options.schedule,
  });
  const log = createLogger(config.logLevel, options.writeLog);
  const store = createStore(config, {
    channels,
    hub,
    // pages keep their own last seq; reconnecting gets them fresh snapshots
    reset: () => {
      for (const v of viewers) v.close(1012, "the store was reset");
    },
  }, log);
  metrics.gauge(
    "osc_store_up",
    "1 while the store answers, 0 while publishes are refused with 503.",
    () => [[{ store: store.kind }, store.health === "ok" ? 1 : 0]],
  );
  const refused: State["refused"] = { requests: 0, last: null };
  return {
    config,
    store,
    channels,
    hub,
    viewers,
    viewersByAddress: new Map(),
    metrics,
    count: {
      accepted: (n) => accepted({}, n),
      rejected: (reason, message) => {
        rejected({ reason });
        refused.requests++;
        refused.last = { reason, message: message ?? reason };
      },
      viewer: (event) => viewerEvents({ event }),
    },
    log,
    deadlines: new Deadlines(),
    bodies: { bytes: 0 },
    draining: false,
    inFlight: 0,
    // 10 wrong tokens, then one every 6 s
    guesses: new RateLimiter(1 / 6, 10),
    shedder: new LoadShedder({
      maxLagMs: config.overloadLagMs,
      maxInFlight: config.overloadInFlight,
    }),
    refused,
  };
}

function createStore(
  config: Config,
  mirror: Mirror,
  log: Logger,
): Store {
  const limits = {
    capacity: config.capacity,
    maxChannels: config.maxChannels,
    log,
  };
  switch (config.store) {
    case "memory":
      return new MemoryStore(mirror);
    case "kv":
      return new KvStore(mirror, {
        path: config.kvPath,
        pollMs: config.kvPollMs,
        ...limits,
      });
    case "redis":
      return new LazyStore("redis", async () => {
        const { RedisStore } = await import("./store_redis.ts");
        return new RedisStore(mirror, {
          url: config.redisUrl,
          prefix: config.redisPrefix,
          ...limits,
        });
      });
  }
}

/**
 * Stores a validated batch; viewers get it through the mirror. Stores nothing when refused;
 * throws StoreUnavailable when the store cannot take it.
 */
export function publish(
  state: State,
  channel: string,
  x: Values,
  y: Values,
): AppendResult | Promise<AppendResult> {
  return state.store.append(channel, x, y);
}

/**
 * Removes one channel, or all when `channel` is null, freeing their slots; resolves with the
 * points each held.
 */
export function removeChannels(
  state: State,
  channel: string | null,
): Promise<Record<string, number>> {
  return state.store.remove(channel);
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
