import { niceStep } from "../shared/grid.ts";
import { copyRing } from "./record.ts";
import type { RingBuffer } from "../shared/ring_buffer.ts";
import { DIVISIONS_X } from "./timebase.ts";
import type { Trace } from "./trace.ts";
import type { TriggerSpec } from "./trigger.ts";
import { TriggerControl } from "./trigger_control.ts";
import type { ViewState } from "./view_state.ts";
import type { XWindow } from "./timebase.ts";

/**
 * A channel whose newest x is behind the source's (a sender that started later, or whose clock
 * lags) still counts as acquired with it while its points keep arriving (within this long), or
 * while it lags by at most MAX_LAG_SWEEPS sweeps. Otherwise it has stopped, and waiting for it
 * would freeze the screen.
 */
const LIVE_MS = 2000;
const MAX_LAG_SWEEPS = 10;

/**
 * The newest x that every visible channel acquired with the source has reached: a triggered
 * sweep ends there, so a lagging channel is on screen and measured like the rest (a scope
 * acquires its channels together). `now` is the clock of `Trace.receivedAtMs`.
 */
export function commonNewestX(
  traces: Map<string, Trace>,
  hidden: readonly string[],
  sourceLastX: number,
  span: number,
  now: number,
): number {
  let until = Infinity;
  for (const [name, trace] of traces) {
    const ring = trace.ring;
    if (ring.size === 0 || hidden.includes(name)) continue;
    const last = ring.xAt(ring.size - 1);
    if (!(last < sourceLastX)) continue;
    const arriving = now - trace.receivedAtMs <= LIVE_MS;
    if (arriving || sourceLastX - last <= MAX_LAG_SWEEPS * span) {
      until = Math.min(until, last);
    }
  }
  return until;
}

// a fitted timebase holds while the record outgrows it by up to this fraction, and gives way
// to a smaller one only when the record fits that with this much to spare
const FIT_GROW = 0.01;
const FIT_SHRINK = 0.05;

/**
 * "Fit all" on a real timebase: the smallest 1-2-5 time/div whose ten divisions hold every
 * visible point, ending at the newest, so the knob reads 500 ms/div rather than ≈412 ms/div.
 * `held` is the time/div fitted last: a full buffer whose span sits at a 1-2-5 boundary (20,000
 * points at 100,000/s is 0.2 s, give or take the senders' jitter) keeps it rather than flip
 * between two timebases every frame; while it holds, up to 1 % of the oldest points may be past
 * the left edge. Null while nothing has an x extent.
 */
export function fitWindow(
  records: Map<string, RingBuffer>,
  hidden: readonly string[],
  held: number | null = null,
): (XWindow & { perDiv: number }) | null {
  let first = Infinity;
  let last = -Infinity;
  for (const [name, ring] of records) {
    if (ring.size === 0 || hidden.includes(name)) continue;
    first = Math.min(first, ring.xAt(0));
    last = Math.max(last, ring.xAt(ring.size - 1));
  }
  return fitExtent(first, last, held);
}

/** fitWindow for a record whose visible points span `first` to `last` (its oldest and newest x). */
export function fitExtent(
  first: number,
  last: number,
  held: number | null = null,
): (XWindow & { perDiv: number }) | null {
  if (!(last > first)) return null;
  const raw = (last - first) / DIVISIONS_X;
  let perDiv = niceStep(raw).step;
  if (held !== null && perDiv !== held) {
    const keep = perDiv > held
      ? raw <= held * (1 + FIT_GROW)
      : raw > perDiv * (1 - FIT_SHRINK);
    if (keep) perDiv = held;
  }
  return { from: last - perDiv * DIVISIONS_X, to: last, perDiv };
}

/** What the front panel's status badge says. */
export type AcqStatus =
  | "roll" // scrolling, untriggered
  | "trig'd" // a triggered sweep on screen
  | "auto" // auto mode free-running: no trigger within the timeout
  | "ready" // armed, waiting for a trigger
  | "stop" // stopped: the capture on screen is held
  | "hold"; // zoomed or panned: the view is held while acquisition goes on

/** What to draw and measure this frame. */
export interface Shown {
  /** per channel: the live ring, or a capture held while the live buffer moves on */
  record: Map<string, RingBuffer>;
  /**
   * the whole record the screen is a window of: the live rings, or a held capture with what
   * was around it. The FFT takes its own, longer record from here, up to the screen's right edge
   */
  source: Map<string, RingBuffer>;
  /** x range on screen; null fits everything in the record */
  window: XWindow | null;
  /** the window holds the rings' newest points (incremental decimation can draw it) */
  follow: boolean;
  /** x of the trigger event on screen, or null */
  triggerX: number | null;
  /**
   * x the time axis counts from: the trigger position of a triggered view (the event, or
   * where it would be on an auto sweep), 0 for a roll view
   */
  origin: number;
  status: AcqStatus;
  /** something on screen changed since the previous step */
  changed: boolean;
  /**
   * per channel of `record`, the newest x that holds a reduced snapshot's extremes rather than
   * every sample (-Infinity: every sample): a capture keeps what its trace had when it was
   * taken, so its readings stay estimates after the live trace gets every sample
   */
  reducedToX: ReadonlyMap<string, number>;
}

/** The trigger details the view does not hold: hysteresis follows the source's amplitude. */
export interface TriggerExtras {
  hysteresis: number;
}

/**
 * The acquisition system between the live traces and the screen: roll, triggered sweeps
 * (through lib/trigger's TriggerControl), stop and single captures, and a held view while the
 * user zooms. Captures are copies, so they stay on screen however much new data arrives.
 */
export class Acquisition {
  // longer than a stream's delivery jitter (batches every ~16-50 ms, late under load), so a steady
  // signal is never mistaken for a missing trigger; slower signals want Normal mode, as on a bench
  readonly control = new TriggerControl({ autoTimeoutMs: 1000 });
  #shown: Shown = {
    record: new Map(),
    source: new Map(),
    window: null,
    follow: true,
    reducedToX: new Map(),
    triggerX: null,
    origin: 0,
    status: "roll",
    changed: true,
  };
  /** a capture being held (stop, single, zoom), with the window it was taken with */
  /** the time/div "fit all" chose last, which it keeps at a 1-2-5 boundary (see fitWindow) */
  #fitted: number | null = null;
  #held: {
    record: Map<string, RingBuffer>;
    window: XWindow | null;
    reducedToX: Map<string, number>;
  } | null = null;
  #wasRunning = true;
  /** the source's newest x when the sweep on screen was taken */
  #sweepLastX = NaN;
  #live = new Map<string, RingBuffer>();
  #armSeen = 0;
  #key = "";

  /** True once a single capture has completed and stopped the acquisition. */
  singleDone = false;

  /** Arms one capture (the Single button). */
  single(): void {
    this.#held = null;
    this.singleDone = false;
    this.control.single();
  }

  /**
   * Decides what is on screen. `dataChanged` says new points arrived since the last step;
   * `arm` counts presses of Single; `now` is a monotonic clock in ms.
   */
  step(
    traces: Map<string, Trace>,
    view: ViewState,
    extras: TriggerExtras,
    dataChanged: boolean,
    arm: number,
    now: number,
  ): Shown {
    const live = this.#liveRecord(traces);
    const liveReduced = new Map<string, number>();
    for (const [name, trace] of traces) liveReduced.set(name, trace.reducedToX);
    const span = view.timePerDiv === null
      ? null
      : view.timePerDiv * DIVISIONS_X;
    const triggered = view.trigger.enabled && !view.roll && span !== null;
    // a change of settings redraws even a held capture
    const key = JSON.stringify([
      view.timePerDiv,
      view.roll,
      view.trigger,
      view.zoom,
      view.running,
      view.hidden,
      view.vertical,
    ]);
    const settingsChanged = key !== this.#key;
    this.#key = key;

    // the trigger control follows the front panel: mode, run and stop
    const control = this.control;
    if (control.mode !== view.trigger.mode && view.trigger.mode !== "single") {
      control.mode = view.trigger.mode;
    }
    if (arm !== this.#armSeen) {
      this.#armSeen = arm;
      this.single();
    } else if (view.running && !this.#wasRunning) {
      if (view.trigger.mode === "single") this.single();
      else control.run();
      this.#held = null;
    } else if (!view.running && control.running) {
      control.stop();
    }
    this.#wasRunning = view.running;

    const holding = !view.running || view.zoom !== null;
    if (holding) {
      if (this.#held === null) {
        // hold what is on screen now, with the whole live record around it while the buffer
        // still has it, so the user can pan and zoom around the capture
        const record = new Map<string, RingBuffer>();
        const reducedToX = new Map<string, number>();
        const w = this.#shown.window;
        for (const [name, ring] of live) {
          const onScreen = this.#shown.record.get(name);
          // a copy of the live ring when it is what the screen shows, or holds more than it
          const covers = ring.size > 0 && (w === null || ring.xAt(0) <= w.from);
          const copy = covers || onScreen === undefined || onScreen === ring;
          record.set(name, copy ? copyRing(ring) : onScreen);
          reducedToX.set(
            name,
            (copy ? liveReduced.get(name) : this.#shown.reducedToX.get(name)) ??
              -Infinity,
          );
        }
        this.#held = { record, window: this.#shown.window, reducedToX };
      }
      const window = view.zoom !== null
        ? { from: view.zoom.fromX, to: view.zoom.toX }
        : this.#heldWindow(span, triggered);
      return this.#show({
        record: this.#held.record,
        source: this.#held.record,
        reducedToX: this.#held.reducedToX,
        window,
        follow: false,
        triggerX: this.#shown.triggerX,
        origin: this.#shown.origin,
        status: view.running ? "hold" : "stop",
        changed: settingsChanged,
      });
    }
    this.#held = null;

    if (!triggered) {
      // roll: the newest span, or everything held on the 1-2-5 timebase that fits it
      let window: XWindow | null = null;
      if (span !== null) {
        let lastX = -Infinity;
        for (const [name, ring] of live) {
          if (ring.size > 0 && !view.hidden.includes(name)) {
            lastX = Math.max(lastX, ring.xAt(ring.size - 1));
          }
        }
        if (lastX > -Infinity) window = { from: lastX - span, to: lastX };
      } else {
        const fit = fitWindow(live, view.hidden, this.#fitted);
        this.#fitted = fit?.perDiv ?? null;
        window = fit === null ? null : { from: fit.from, to: fit.to };
      }
      return this.#show({
        record: live,
        source: live,
        window,
        follow: true,
        reducedToX: liveReduced,
        triggerX: null,
        origin: 0,
        status: "roll",
        changed: dataChanged || settingsChanged ||
          this.#shown.record !== live,
      });
    }

    const sourceName = view.trigger.source !== null &&
        traces.has(view.trigger.source)
      ? view.trigger.source
      : [...traces.keys()][0];
    const source = sourceName === undefined
      ? undefined
      : traces.get(sourceName);
    if (source === undefined) {
      return this.#show({
        ...this.#shown,
        status: "ready",
        changed: settingsChanged,
      });
    }
    const spec: TriggerSpec = {
      level: view.trigger.level,
      edge: view.trigger.edge,
      hysteresis: extras.hysteresis,
      holdoffX: view.trigger.holdoffX,
    };
    // new settings re-arm, so the newest trigger is shown again with them (a bench scope
    // re-triggers when you turn a knob, even on a signal that has stopped)
    if (
      settingsChanged && control.running && view.trigger.mode !== "single"
    ) {
      control.run();
    }
    const sourceLastX = source.ring.size > 0
      ? source.ring.xAt(source.ring.size - 1)
      : NaN;
    const decision = control.step(
      source.ring,
      spec,
      span,
      view.trigger.preFraction,
      now,
      commonNewestX(traces, view.hidden, sourceLastX, span, now),
    );
    if (!control.running && view.trigger.mode === "single") {
      this.singleDone = true;
    }
    // auto free-runs when triggers stop coming while data does; with no new data at all the
    // last sweep stays (free-running over the same points would only lose the alignment)
    const stale = decision.status === "auto" && !settingsChanged &&
      this.#shown.window !== null && sourceLastX === this.#sweepLastX;
    if (decision.startX === null || stale) {
      // keep the previous sweep on screen until the next trigger
      return this.#show({
        ...this.#shown,
        status: decision.status === "stopped" ? "stop" : decision.status,
        changed: settingsChanged,
      });
    }
    this.#sweepLastX = sourceLastX;
    const window = { from: decision.startX, to: decision.startX + span };
    const record = new Map<string, RingBuffer>();
    for (const [name, ring] of live) {
      record.set(name, copyRing(ring, window.from, window.to));
    }
    return this.#show({
      record,
      source: live,
      reducedToX: liveReduced,
      window,
      follow: false,
      triggerX: decision.status === "trig'd"
        ? decision.startX + view.trigger.preFraction * span
        : null,
      origin: decision.startX + view.trigger.preFraction * span,
      status: decision.status === "stopped" ? "stop" : decision.status,
      changed: true,
    });
  }

  /** The window for a held capture when the timebase changes while stopped. */
  #heldWindow(span: number | null, triggered: boolean): XWindow | null {
    const held = this.#held!;
    if (span === null) return fitWindow(held.record, []);
    const shown = this.#shown;
    const center = triggered && shown.triggerX !== null ? shown.triggerX : null;
    if (held.window === null && center === null) {
      let lastX = -Infinity;
      for (const ring of held.record.values()) {
        if (ring.size > 0) lastX = Math.max(lastX, ring.xAt(ring.size - 1));
      }
      return lastX > -Infinity ? { from: lastX - span, to: lastX } : null;
    }
    if (center !== null && held.window !== null) {
      // keep the trigger where it was on screen
      const pre = (center - held.window.from) /
        (held.window.to - held.window.from);
      return { from: center - pre * span, to: center + (1 - pre) * span };
    }
    const w = held.window!;
    return { from: w.to - span, to: w.to };
  }

  /** The live rings by name: the same Map while the channels are the same, so "changed" means it. */
  #liveRecord(traces: Map<string, Trace>): Map<string, RingBuffer> {
    let same = this.#live.size === traces.size;
    if (same) {
      for (const [name, t] of traces) {
        if (this.#live.get(name) !== t.ring) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      this.#live = new Map();
      for (const [name, t] of traces) this.#live.set(name, t.ring);
    }
    return this.#live;
  }

  #show(s: Shown): Shown {
    this.#shown = s;
    return s;
  }
}
