/** Shared between the server, which renders the island, and the browser, which hydrates it. */

/** What the page knows of a channel when it is rendered. */
export interface ChannelSummary {
  name: string;
  /** points held on the server */
  count: number;
  lastSeq: number;
  lastY: number | null;
}

export interface ScopeProps {
  /** the full URL a sender posts to, for the empty state's curl command */
  publishUrl: string;
  /** whether publishing needs a bearer token (the command then shows where it goes) */
  tokenRequired: boolean;
  /** most points per channel the page keeps and draws */
  windowPoints: number;
  channels: ChannelSummary[];
  /** the channels the page's link hides (?hide=): no measurement row waits for them */
  hidden: string[];
  /** the page carries a first picture of its traces, shown until the chart draws them */
  firstPicture: boolean;
}

/** GET /status: what the page's status line shows about the server. */
/** One stretch of a window answer and where it came from (GET /data?from=&to=). */
export interface WindowPiece {
  from: number;
  to: number;
  /** bucket width in x units (seconds); 0: every point */
  resolution: number;
}

/** One channel of a window answer: at most max_points points, and what the server holds. */
export interface WindowChannel {
  seq: number;
  x: number[];
  y: number[];
  resolution: WindowPiece[];
  /** the points the window had before M4 cut them to max_points */
  samples: number;
  /** the oldest and newest x the channel holds, in its ring and its history */
  held: { from: number; to: number } | null;
}

export interface StatusBody {
  /** WebSocket viewers connected now */
  viewers: number;
  /** points each channel's buffer holds when full */
  capacity: number;
  channels: {
    name: string;
    count: number;
    capacity: number;
    lastSeq: number;
    /** the oldest and newest x held, history included (null: none) */
    held: { from: number; to: number } | null;
  }[];
  /** points stored per second, over the time since the previous sample (null on the first) */
  pointsPerSecond: number | null;
  /**
   * Publish requests this instance refused (any 4xx or 503): in all, per second over the same
   * window as the rate, and the latest one's reason, so a refusal is never silent
   */
  refused: {
    total: number;
    perSecond: number | null;
    last: { reason: string; message: string } | null;
  };
  /** where points are kept, and whether it takes them now (publishes get 503 while "down") */
  store: { kind: "memory" | "kv" | "redis"; health: "ok" | "down" };
  /**
   * The ways in besides HTTP that are configured (MQTT, UDP): whether each is up, where, and
   * while it is not, why; `since` in ms since the epoch
   */
  ways: {
    name: "mqtt" | "udp";
    state: "connecting" | "connected" | "listening" | "down";
    detail: string;
    since: number;
  }[];
}
