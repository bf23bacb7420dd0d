import type { Counts } from "./counts.ts";
import type { Metrics } from "./metrics.ts";

/**
 * The ways in that are not a request (MQTT, UDP): whether each is up, for `/status`, the page's
 * status line and `/metrics`, and what each took and dropped. A sender on these gets no reply,
 * so a drop is never silent only if it is counted here and shown.
 */

export type WayName = "mqtt" | "udp";

/**
 * `connecting`: trying (the broker is away, or not answered yet); `connected`: subscribed;
 * `listening`: a socket bound; `down`: stopped, with the reason.
 */
export type WayState = "connecting" | "connected" | "listening" | "down";

export interface WayStatus {
  name: WayName;
  state: WayState;
  /** where (broker without credentials, or host:port) and, when not up, why */
  detail: string;
  /** when it entered this state, ms since the epoch */
  since: number;
}

/** What became of one message (MQTT) or line (UDP). */
export type WayResult = "stored" | "bad" | "refused" | "skipped";

export class WaysIn {
  readonly #ways = new Map<WayName, WayStatus>();
  readonly #counted: (labels: Record<string, string>, by?: number) => void;

  constructor(
    metrics: Metrics,
    readonly count: Counts,
    readonly now: () => number = Date.now,
  ) {
    this.#counted = metrics.counter(
      "osc_way_in_total",
      "Messages (mqtt) and lines (udp) taken in, by what became of them: stored, bad (not points), refused (the channel limit; for udp also points the store was down for), skipped (retained).",
    );
    metrics.gauge(
      "osc_way_in_up",
      "1 while a way in is connected or listening, 0 while it is connecting or down.",
      () =>
        [...this.#ways.values()].map((w) => [
          { way: w.name, state: w.state },
          w.state === "connected" || w.state === "listening" ? 1 : 0,
        ]),
    );
  }

  /** Records a change of state; the time is kept only when the state changes. */
  set(name: WayName, state: WayState, detail: string): void {
    const had = this.#ways.get(name);
    this.#ways.set(name, {
      name,
      state,
      detail,
      since: had?.state === state ? had.since : this.now(),
    });
  }

  get(name: WayName): WayStatus | undefined {
    return this.#ways.get(name);
  }

  list(): WayStatus[] {
    return [...this.#ways.values()];
  }

  /** Counts `n` messages or lines of one way with one result, and stored points as accepted. */
  took(name: WayName, result: WayResult, n = 1): void {
    if (n > 0) this.#counted({ way: name, result }, n);
  }

  /** Counts points stored through a way (they count as accepted, like a publish's). */
  stored(points: number): void {
    this.count.accepted(points);
  }
}
