import type { Refusal } from "./http_error.ts";
import type { Metrics } from "./metrics.ts";
import type { ViewerEvent } from "./viewer.ts";

export type ViewerCount =
  | ViewerEvent
  | "refused_total"
  | "refused_address"
  | "refused_origin"
  | "message_too_big";

/** What the server counts as it goes, for /metrics and the status line. */
export interface Counts {
  accepted(points: number): void;
  rejected(reason: Refusal, message?: string): void;
  viewer(event: ViewerCount): void;
  /** publish requests refused so far, and the newest reason, for /status */
  readonly refused: {
    requests: number;
    last: { reason: string; message: string } | null;
  };
}

/** The counters behind `Counts`, registered on `metrics`. */
export function createCounts(metrics: Metrics): Counts {
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
  const refused: Counts["refused"] = { requests: 0, last: null };
  return {
    accepted: (n) => accepted({}, n),
    rejected: (reason, message) => {
      rejected({ reason });
      refused.requests++;
      refused.last = { reason, message: message ?? reason };
    },
    viewer: (event) => viewerEvents({ event }),
    refused,
  };
}
