import type { Samples } from "./samples.ts";
import {
  clampFraction,
  type TriggerMode,
  type TriggerSpec,
} from "./trigger.ts";
import { TriggerScanner } from "./trigger_scanner.ts";

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
   * preFraction (clamped to 0..1) the part of it before the trigger. `untilX` caps the sweep's
   * end: the newest x every channel on screen has reached, so none is left without samples.
   */
  step(
    s: Samples,
    spec: TriggerSpec,
    spanX: number,
    preFraction: number,
    nowMs: number,
    untilX = Infinity,
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
    const lastX = n > 0 ? Math.min(s.xAt(n - 1), untilX) : NaN;
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
