import type { ReceiveClock } from "../ingest/receive_time.ts";
import type { Channels } from "../store/channels.ts";
import type { Store } from "../store/store.ts";
import type { Config } from "./config.ts";
import type { Counts } from "./counts.ts";
import type { Deadlines } from "./deadlines.ts";
import type { Hub } from "./hub.ts";
import type { LoadShedder } from "./load_shedder.ts";
import type { Logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";
import type { RateLimiter } from "./rate_limit.ts";
import type { Requests } from "./requests.ts";
import type { Viewers } from "./viewers.ts";
import type { WaysIn } from "./ways_in.ts";

/**
 * Everything one running oscilloscope holds, as the routes see it. `createApp` (app.ts) builds
 * one per app, so tests can run many at once.
 */
export interface State {
  config: Config;
  /** where accepted points are kept (memory, Deno KV or Redis Streams) */
  store: Store;
  /** this instance's copy of every channel, which the store keeps current */
  channels: Channels;
  hub: Hub;
  viewers: Viewers;
  metrics: Metrics;
  count: Counts;
  log: Logger;
  /** time limits on request bodies, swept by the app's timer */
  deadlines: Deadlines;
  /** bytes of large request bodies being received now (OSC_BODIES_MAX_TOTAL bounds it) */
  bodies: { bytes: number };
  /** requests being served now, and the shutdown drain that waits for them */
  requests: Requests;
  /** refuses the heaviest publishers while the server is saturated */
  shedder: LoadShedder;
  /** wrong tokens per client address, view and publish alike, on every route */
  guesses: RateLimiter;
  /** the ways in besides HTTP (MQTT, UDP): their state and counts */
  ways: WaysIn;
  /** the receive time of points that come without x */
  clock: ReceiveClock;
}
