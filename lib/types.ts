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
}
