import { type Grid, makeGrid } from "../shared/grid.ts";
import type { XWindow } from "./timebase.ts";

/**
 * The sampling grid of a rolling window drawn `plotPx` CSS pixels wide, whose slot count stays
 * the same from one frame to the next (the first slot always even, which keeps the decimator's
 * buckets). `exact`: two slots per pixel exactly, so a frame that moves the window by whole slot
 * pairs moves the picture by whole device pixels, and the trace layer shifts what it drew
 * instead of drawing it again; the step is then the span over that many slots (a few to spare
 * at the ends), not a 1-2-5 value, and the axis labels its ticks at the slots nearest them.
 * Otherwise, or where x is too large for such a step to keep slots apart, a 1-2-5 step.
 * Self-contained but for makeGrid: the page's inline script carries its source (first_paint.ts).
 */
export function rollGrid(
  window: XWindow,
  plotPx: number,
  exact = true,
): Grid {
  const slots = Math.min(8000, 2 * Math.max(50, Math.round(plotPx)));
  const nice = makeGrid(window.from, window.to, slots);
  // the span the view asked for: `to - from` of epoch seconds carries float noise, and a step
  // that moved by an ulp would have the decimator count everything again
  const span = Number((window.to - window.from).toPrecision(10));
  const step = span / (slots - 6);
  const far = Math.max(Math.abs(window.from), Math.abs(window.to));
  if (exact && step > far * 1e-13 && step > 0) {
    const first = 2 * Math.floor((Math.ceil(window.from / step) - 2) / 2);
    return { ...nice, step, first, slots };
  }
  const steps = Math.ceil(span / nice.step - 1e-6);
  const fixed = steps + (steps % 2 === 0 ? 4 : 3);
  const first = 2 *
    Math.floor((Math.ceil(window.to / nice.step) - fixed + 2) / 2);
  return { ...nice, first, slots: fixed };
}
