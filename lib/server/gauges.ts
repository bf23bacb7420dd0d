import type { Channels } from "../store/channels.ts";
import type { Store } from "../store/store.ts";
import type { Metrics } from "./metrics.ts";

/** What the gauges read, each time /metrics is scraped. */
export interface GaugeSources {
  viewers: { readonly size: number };
  channels: Channels;
  store: Store;
  /** points each channel's buffer holds when full */
  capacity: number;
  /** resident memory of the process in bytes */
  memoryBytes: () => number;
  /** the worst event-loop delay in ms since the last scrape */
  worstLagMs: () => number;
}

/** Registers the server's gauges on `metrics`. */
export function registerGauges(metrics: Metrics, s: GaugeSources): void {
  metrics.gauge(
    "osc_viewers",
    "Connected WebSocket viewers.",
    () => [[{}, s.viewers.size]],
  );
  metrics.gauge(
    "osc_channels",
    "Channels holding a buffer.",
    () => [[{}, s.channels.count]],
  );
  metrics.gauge(
    "osc_history_bytes",
    "Bytes the channels' history buckets hold (OSC_HISTORY), all channels together.",
    () => [[{}, s.channels.historyBytes]],
  );
  metrics.gauge(
    "osc_buffer_capacity_points",
    "Points each channel's buffer holds when full.",
    () => [[{}, s.capacity]],
  );
  metrics.gauge(
    "osc_buffer_points",
    "Points held per channel.",
    () =>
      s.channels.names().map((name) => [
        { channel: name },
        s.channels.get(name)!.size,
      ]),
  );
  metrics.gauge(
    "process_resident_memory_bytes",
    "Resident memory of the process.",
    () => [[{}, s.memoryBytes()]],
  );
  metrics.gauge(
    "osc_store_up",
    "1 while the store answers, 0 while publishes are refused with 503.",
    () => [[{ store: s.store.kind }, s.store.health === "ok" ? 1 : 0]],
  );
  metrics.gauge(
    "osc_event_loop_lag_seconds",
    "Worst event-loop delay since the last scrape.",
    () => [[{}, Math.round(s.worstLagMs() * 1000) / 1e6]],
  );
}
