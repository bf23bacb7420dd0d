import { batch } from "@preact/signals";
import { niceStep } from "../../lib/shared/grid.ts";
import { measure, type Measurements } from "../../lib/scope/measure.ts";
import { DIVISIONS_X, snap125 } from "../../lib/scope/timebase.ts";
import type { ScopeState } from "./scope_state.ts";

// Settings chosen from the signal itself, as a bench scope's Autoset and 50% buttons do: they read
// the measurements of what the page holds, where the other front panel actions only set what the
// user asked for.

/** The level's arrow-key step: a tenth of a division of the source channel. */
export function levelStep(s: ScopeState): number {
  const v = s.view.value;
  const source = s.triggerSource();
  const fixed = source === null ? undefined : v.vertical[source];
  if (fixed) return fixed.voltsPerDiv / 10;
  const m = source === null ? null : s.measureOf(source);
  return niceStep(Math.max(m?.peakToPeak ?? 1, 1e-9) / 80).step;
}

/** The fixed setting that fits a channel's swing in about 6 of the 8 divisions. */
export function fitVertical(
  s: ScopeState,
  name: string,
): { voltsPerDiv: number; offset: number } {
  const m = s.measureOf(name);
  if (!m) return { voltsPerDiv: 1, offset: 0 };
  const perDiv = snap125(
    Math.max(m.peakToPeak, Math.abs(m.mean) * 1e-3, 1e-12) / 6,
  );
  const offset = -tidy(Math.round(((m.max + m.min) / 2) / perDiv) * perDiv);
  return { voltsPerDiv: perDiv, offset: offset === 0 ? 0 : offset };
}

/**
 * Autoset: a timebase showing about three periods of the source, trigger on at the middle of
 * its swing, every channel autoscaled, running live.
 */
export function autoset(s: ScopeState): void {
  const source = s.triggerSource();
  if (source === null) return;
  const ring = s.port.records().get(source);
  const m = ring ? measure(ring) : null;
  if (!m || !ring || ring.size < 2) return;
  const perDiv = m.period !== null
    ? snap125((m.period * 3) / DIVISIONS_X)
    : snap125((ring.xAt(ring.size - 1) - ring.xAt(0)) / DIVISIONS_X);
  batch(() => {
    s.update({
      timePerDiv: Number.isFinite(perDiv) ? perDiv : null,
      roll: false,
      zoom: null,
      vertical: {},
      view: "yt",
      running: true,
    });
    s.updateTrigger({
      enabled: true,
      source,
      mode: "auto",
      edge: "rising",
      level: middle(m),
      preFraction: 0.5,
    });
  });
  s.say(
    m.period !== null
      ? `Autoset on ${source}: ${formatPeriods(perDiv, m.period)}`
      : `Autoset on ${source}: no period found, showing the record`,
  );
}

/** Something needed for triggering: a timebase (from the data when there is none yet). */
export function ensureTriggerable(s: ScopeState): void {
  const v = s.view.value;
  if (v.timePerDiv !== null) return;
  const source = s.triggerSource();
  const m = source === null ? null : s.measureOf(source);
  let perDiv = m?.period != null ? snap125((m.period * 3) / DIVISIONS_X) : NaN;
  if (!Number.isFinite(perDiv)) {
    const shown = s.shownPerDiv();
    perDiv = shown === null ? NaN : snap125(shown / 4);
  }
  if (Number.isFinite(perDiv)) s.update({ timePerDiv: perDiv });
  if (v.trigger.level === 0 && m && (m.min > 0 || m.max < 0)) {
    // a level outside the signal would never trigger: start in the middle of the swing
    s.updateTrigger({ level: middle(m) });
  }
}

/** A number without float noise: 0.30000000000000004 becomes 0.3. */
export function tidy(v: number): number {
  return Number(v.toPrecision(12));
}

/** The middle of a swing, rounded to a 200th of it: a level that reads as a number. */
export function middle(m: Measurements): number {
  const q = niceStep(Math.max(m.peakToPeak, 1e-12) / 200).step;
  return tidy(Math.round((m.max + m.min) / 2 / q) * q);
}

function formatPeriods(perDiv: number, period: number): string {
  return `${((perDiv * DIVISIONS_X) / period).toFixed(1)} periods on screen`;
}
