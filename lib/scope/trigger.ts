import { niceStep } from "../shared/grid.ts";
import { lowerBound, type Samples, upperBound } from "./samples.ts";

export type Edge = "rising" | "falling";
export type TriggerMode = "auto" | "normal" | "single";

/** An edge trigger as a bench scope sets it up. */
export interface TriggerSpec {
  /** y units */
  level: number;
  edge: Edge;
  /**
   * y units, >= 0: the signal must first go beyond level ∓ hysteresis (arming) before a
   * crossing counts, so noise around the level does not retrigger
   */
  hysteresis: number;
  /** x units, >= 0: after a trigger, no new trigger until x has advanced this much */
  holdoffX: number;
}

/**
 * The edge detector and what it carries from one sample to the next, so a scan can resume.
 * A falling edge of y is a rising edge of -y: y and the level are multiplied by `sign`.
 * Exported for TriggerScanner (trigger_scanner.ts), which keeps one across frames.
 */
export class Detector {
  readonly sign: number;
  readonly level: number;
  readonly armBelow: number;
  readonly holdoffX: number;
  armed = false;
  lastTriggerX = -Infinity;
  prevX = NaN;
  prevY = NaN;

  constructor(spec: TriggerSpec) {
    this.sign = spec.edge === "falling" ? -1 : 1;
    this.level = this.sign * spec.level;
    this.armBelow = this.level - (spec.hysteresis > 0 ? spec.hysteresis : 0);
    this.holdoffX = spec.holdoffX > 0 ? spec.holdoffX : 0;
  }

  /**
   * Puts the detector in its state just before sample `i` by looking back instead of scanning
   * from the start: it is armed exactly when the latest sample that was either below the arming
   * bound or at/above the level was the former. Holdoff history is not recovered.
   */
  seek(s: Samples, i: number): this {
    if (i <= 0) return this;
    const { sign, level, armBelow } = this;
    this.prevX = s.xAt(i - 1);
    this.prevY = sign * s.yAt(i - 1);
    for (let j = i - 1; j >= 0; j--) {
      const y = sign * s.yAt(j);
      if (y >= level) break;
      if (y < armBelow) {
        this.armed = true;
        break;
      }
    }
    return this;
  }

  /** Runs over samples [from, to), appending each trigger's x to `out`. */
  scan(s: Samples, from: number, to: number, out: number[]): void {
    const { sign, level, armBelow, holdoffX } = this;
    // locals instead of fields in the loop that runs over every new sample
    let { armed, lastTriggerX, prevX, prevY } = this;
    for (let i = from; i < to; i++) {
      const x = s.xAt(i);
      const y = sign * s.yAt(i);
      if (armed && y >= level) {
        // a crossing disarms even inside the holdoff, so the trigger after the holdoff is a
        // fresh edge and not the signal merely still being above the level
        armed = false;
        // prevY < level: every sample since arming was below it, or it would have fired
        const dy = y - prevY;
        const t = dy > 0 ? prevX + ((level - prevY) / dy) * (x - prevX) : x;
        if (t - lastTriggerX >= holdoffX) {
          out.push(t);
          lastTriggerX = t;
        }
      } else if (y < armBelow) {
        armed = true;
      }
      prevX = x;
      prevY = y;
    }
    Object.assign(this, { armed, lastTriggerX, prevX, prevY });
  }
}

/**
 * x positions (linearly interpolated between the two samples) of every trigger event whose
 * crossing completes at a sample in [from, to), oldest first; empty when there is none.
 * Arming before `from` is taken into account, holdoff only from `from` on.
 */
export function findTriggers(
  s: Samples,
  spec: TriggerSpec,
  from = 0,
  to: number = s.size,
): number[] {
  const a = Math.max(0, Math.floor(from));
  const b = Math.min(s.size, Math.ceil(to));
  const out: number[] = [];
  if (a < b) new Detector(spec).seek(s, a).scan(s, a, b, out);
  return out;
}

/**
 * The trigger's hysteresis for a source swinging `peakToPeak`: the 1-2-5 value at or just
 * above 2 % of the swing, so noise on an edge cannot retrigger, and a value that changes seldom
 * (a change restarts the trigger's scan). 0 for a flat source.
 */
export function hysteresisFor(peakToPeak: number): number {
  return peakToPeak > 0 ? niceStep(peakToPeak * 0.02).step : 0;
}

/** `p` clamped to [0, 1], with NaN read as 0. */
export function clampFraction(p: number): number {
  return p >= 0 ? (p <= 1 ? p : 1) : 0;
}

/**
 * Newest trigger x t whose sweep window (spanX wide, preFraction of it before t) lies within
 * the data: t - preFraction*spanX >= first x and t + (1-preFraction)*spanX <= last x; null when
 * there is none; the same trigger findTriggers over the whole source would give. Without a
 * holdoff it scans back from the newest usable point in growing windows, so a periodic signal
 * costs about one span of samples. A holdoff chain depends on every trigger before it, so with
 * one the whole source is scanned: per frame, use TriggerScanner (or TriggerControl) instead.
 */
export function latestSweep(
  s: Samples,
  spec: TriggerSpec,
  spanX: number,
  preFraction: number,
): number | null {
  const n = s.size;
  if (n < 2 || !(spanX > 0 && spanX < Infinity)) return null;
  const pre = clampFraction(preFraction);
  const tMin = s.xAt(0) + pre * spanX;
  const tMax = s.xAt(n - 1) - (1 - pre) * spanX;
  if (!(tMin <= tMax)) return null;
  // a crossing at t <= tMax completes at the first sample past tMax at the latest
  const end = Math.min(n, upperBound(s, tMax) + 1);
  let count = spec.holdoffX > 0
    ? end
    : Math.max(64, end - lowerBound(s, tMax - spanX));
  const found: number[] = [];
  for (;;) {
    const start = Math.max(0, end - count);
    found.length = 0;
    new Detector(spec).seek(s, start).scan(s, start, end, found);
    let k = found.length - 1;
    while (k >= 0 && found[k] > tMax) k--;
    if (k >= 0) return found[k] >= tMin ? found[k] : null;
    // a trigger in [tMin, tMax] would complete at a sample inside a window reaching back past
    // tMin, and seek gets the arming right, so finding none there means there is none
    if (start === 0 || s.xAt(start) < tMin) return null;
    count *= 2;
  }
}
