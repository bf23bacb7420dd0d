import {
  arraySamples,
  lowerBound,
  type Samples,
  upperBound,
} from "./samples.ts";

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
 */
class Detector {
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

/**
 * Follows one source's triggers incrementally: each `update` scans only the samples that
 * arrived since the previous one (x greater than the newest seen), so a trace with no triggers
 * costs nothing per frame. A new source, a changed spec, or x going back starts over.
 */
export class TriggerScanner {
  #source: Samples | null = null;
  #spec: TriggerSpec | null = null;
  #detector: Detector | null = null;
  #doneX = -Infinity;
  // trigger x values, ascending; those before #head fell out of the source
  readonly #times: number[] = [];
  // the same list as Samples, for the binary searches
  readonly #list = arraySamples(this.#times, this.#times);
  #head = 0;

  /** Scans what arrived in `s` since the last call; never throws. */
  update(s: Samples, spec: TriggerSpec): void {
    const n = s.size;
    const old = this.#spec;
    const same = old !== null && old.level === spec.level &&
      old.edge === spec.edge && old.hysteresis === spec.hysteresis &&
      old.holdoffX === spec.holdoffX;
    // x going back is a restarted sender; x0 past the last scanned x means more arrived than
    // the source holds, so the detector's state no longer fits it
    if (
      !same || s !== this.#source || n === 0 || s.xAt(n - 1) < this.#doneX ||
      s.xAt(0) > this.#doneX
    ) {
      this.#source = s;
      this.#spec = { ...spec };
      this.#detector = new Detector(spec);
      this.#doneX = -Infinity;
      this.#times.length = 0;
      this.#head = 0;
    }
    if (n === 0) return;
    const from = upperBound(s, this.#doneX);
    if (from < n) {
      this.#detector!.scan(s, from, n, this.#times);
      this.#doneX = s.xAt(n - 1);
    }
    const x0 = s.xAt(0);
    while (this.#head < this.#times.length && this.#times[this.#head] < x0) {
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Trigger x values still inside the source, oldest first (a copy). */
  triggers(): number[] {
    return this.#times.slice(this.#head);
  }

  /** Newest trigger in [minX, maxX], or null. */
  newest(minX: number, maxX: number): number | null {
    const i = upperBound(this.#list, maxX, this.#head) - 1;
    return i >= this.#head && this.#times[i] >= minX ? this.#times[i] : null;
  }

  /** Oldest trigger with x > afterX and x >= minX, or null. */
  firstAfter(afterX: number, minX: number): number | null {
    const i = Math.max(
      upperBound(this.#list, afterX, this.#head),
      lowerBound(this.#list, minX, this.#head),
    );
    return i < this.#times.length ? this.#times[i] : null;
  }
}

export type SweepStatus = "trig'd" | "auto" | "ready" | "stopped";

export interface SweepDecision {
  /** left edge of the window to draw (x units), null = keep showing the previous sweep */
  startX: number | null;
  status: SweepStatus;
}

/**
 * Run/stop/single with auto and normal modes, as a pure state machine: the UI calls `step`
 * every frame and draws what it says. Setting `mode` directly is allowed; a mode change
 * re-arms, and `run()` with mode "single" arms one capture just as `single()` does.
 */
export class TriggerControl {
  readonly autoTimeoutMs: number;
  mode: TriggerMode = "auto";
  running = true;
  readonly #scanner = new TriggerScanner();
  #lastMode: TriggerMode = "auto";
  /** trigger x of the sweep last handed out, so the same trigger is not handed out again */
  #shownX: number | null = null;
  /** clock of the last new trigger, or of the start of waiting */
  #sinceMs: number | null = null;
  /** single: only triggers after this x count (the newest x when the capture was armed) */
  #armX: number | null = null;

  constructor(opts: { autoTimeoutMs?: number } = {}) {
    const ms = opts.autoTimeoutMs;
    this.autoTimeoutMs = ms !== undefined && ms >= 0 && ms < Infinity
      ? ms
      : 200;
  }

  /** Starts (or restarts) acquiring; any trigger not yet shown counts as new. */
  run(): void {
    this.running = true;
    this.#rearm();
  }

  /** Freezes the display: `step` answers "stopped" until `run` or `single`. */
  stop(): void {
    this.running = false;
  }

  /** Arms one capture: the next trigger gives one sweep, then `running` turns false. */
  single(): void {
    this.mode = "single";
    this.run();
  }

  /**
   * What to draw now; `nowMs` is a monotonic clock, spanX the sweep width in x units and
   * preFraction (clamped to 0..1) the part of it before the trigger.
   */
  step(
    s: Samples,
    spec: TriggerSpec,
    spanX: number,
    preFraction: number,
    nowMs: number,
  ): SweepDecision {
    if (!this.running) return { startX: null, status: "stopped" };
    if (this.mode !== this.#lastMode) {
      this.#lastMode = this.mode;
      this.#rearm();
    }
    this.#sinceMs ??= nowMs;
    this.#scanner.update(s, spec);
    const n = s.size;
    const pre = clampFraction(preFraction);
    const usable = n > 0 && spanX > 0 && spanX < Infinity;
    const lastX = n > 0 ? s.xAt(n - 1) : NaN;
    const minX = usable ? s.xAt(0) + pre * spanX : NaN;
    const maxX = usable ? lastX - (1 - pre) * spanX : NaN;
    if (this.mode === "single") {
      // armed before any data: everything that arrives is after arming
      this.#armX ??= n > 0 ? lastX : -Infinity;
      const t = usable ? this.#scanner.firstAfter(this.#armX, minX) : null;
      if (t !== null && t <= maxX) {
        this.running = false;
        return { startX: t - pre * spanX, status: "trig'd" };
      }
      return { startX: null, status: "ready" };
    }
    const t = usable ? this.#scanner.newest(minX, maxX) : null;
    if (t !== null && t !== this.#shownX) {
      this.#shownX = t;
      this.#sinceMs = nowMs;
      return { startX: t - pre * spanX, status: "trig'd" };
    }
    const quietMs = nowMs - this.#sinceMs;
    if (this.mode === "auto" && quietMs >= this.autoTimeoutMs && usable) {
      return { startX: lastX - spanX, status: "auto" };
    }
    // between triggers of a slow signal the label stays "trig'd" instead of flickering
    const recent = this.#shownX !== null && quietMs < this.autoTimeoutMs;
    return { startX: null, status: recent ? "trig'd" : "ready" };
  }

  #rearm(): void {
    this.#shownX = null;
    this.#sinceMs = null;
    this.#armX = null;
  }
}
