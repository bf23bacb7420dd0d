import { measure } from "../../lib/scope/measure.ts";
import type { Trace } from "../../lib/scope/trace.ts";
import type { ViewState } from "../../lib/scope/view_state.ts";
import type { Shown } from "../../lib/scope/acquisition.ts";
import type { MeasureRow, ScopeState } from "../state/scope_state.ts";
import type { Summarised } from "./history_fill.ts";

/**
 * The numbers beside the screen, taken from the data when the frame loop asks (a few times a
 * second): the legend's last value, point count and arrival rate of each channel, and the
 * measurement table over what is on screen.
 */
export class Readings {
  // rate over a sliding window of received counts, sampled with each legend update
  readonly #rateHistory: { t: number; counts: Map<string, number> }[] = [];

  constructor(readonly model: ScopeState) {}

  /** Updates the legend from the live traces; an unchanged legend is not set again. */
  legend(traces: Map<string, Trace>): void {
    const model = this.model;
    const rateHistory = this.#rateHistory;
    const now = performance.now();
    const counts = new Map(
      [...traces].map(([name, t]) => [name, t.received]),
    );
    rateHistory.push({ t: now, counts });
    while (rateHistory.length > 1 && now - rateHistory[0].t > 2000) {
      rateHistory.shift();
    }
    const past = rateHistory[0];
    const seconds = (now - past.t) / 1000;
    const next = [...traces].map(([name, trace]) => ({
      name,
      color: model.colorOf(name),
      lastY: trace.ring.size > 0 ? trace.lastY : null,
      count: trace.ring.size,
      rate: seconds > 0
        ? (trace.received - (past.counts.get(name) ?? 0)) / seconds
        : 0,
    }));
    // an idle scope re-renders nothing: the same legend is not set again
    const before = model.channels.peek();
    const same = next.length === before.length &&
      next.every((c, i) =>
        c.name === before[i].name && c.lastY === before[i].lastY &&
        c.count === before[i].count &&
        Math.abs(c.rate - before[i].rate) <= 0.01 * c.rate
      );
    if (!same) model.channels.value = next;
  }

  /**
   * Measures each visible channel of `s` over its window on screen (all of it when none). A
   * window reaching into points of a reduced snapshot (`s.reducedToX`) is marked as an
   * estimate. False when it left the server-rendered rows for later.
   */
  measurements(
    s: Shown,
    v: ViewState,
    summarised: Map<string, Summarised> = new Map(),
    waiting = false,
  ): boolean {
    const model = this.model;
    // before the first snapshot (`waiting`: not live long enough to have had it), the
    // server-rendered rows keep their place
    if (
      waiting && s.record.size === 0 &&
      model.measurements.peek().every((r) => r.pending === true)
    ) return false;
    const rows: MeasureRow[] = [];
    for (const [name, ring] of s.record) {
      if (v.hidden.includes(name)) continue;
      const reducedToX = s.reducedToX.get(name) ?? -Infinity;
      const from = s.window?.from ?? (ring.size > 0 ? ring.xAt(0) : Infinity);
      const summary = summarised.get(name);
      const fromHistory = summary !== undefined && from < summary.toX;
      const m = s.window === null
        ? measure(ring)
        : measure(ring, s.window.from, s.window.to);
      rows.push({
        name,
        color: model.colorOf(name),
        // bucket extremes hold the swing (min, max, p-p) but not the timing: no frequency,
        // period, duty or sample rate is read from them
        m: m && fromHistory
          ? {
            ...m,
            frequency: null,
            period: null,
            dutyCycle: null,
            sampleRate: null,
          }
          : m,
        estimate: from <= reducedToX || fromHistory,
        summary: fromHistory ? summary.resolution : null,
      });
    }
    model.measurements.value = rows;
    return true;
  }
}
