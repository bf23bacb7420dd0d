import {
  batch,
  computed,
  type ReadonlySignal,
  type Signal,
  signal,
} from "@preact/signals";
import { niceStep } from "../lib/grid.ts";
import { measure, type Measurements } from "../lib/measure.ts";
import type { RingBuffer } from "../lib/ring_buffer.ts";
import { DIVISIONS_X, snap125, step125 } from "../lib/timebase.ts";
import type { Edge, TriggerMode } from "../lib/trigger.ts";
import type { ChannelSummary, StatusBody } from "../lib/types.ts";
import { defaultView, type ViewState } from "../lib/view_state.ts";
import type { AcqStatus } from "./acquisition.ts";
import type { XWindow } from "./live_chart.ts";
import type { Connection } from "./live_feed.ts";
import { traceColor } from "../lib/palette.ts";

/** A channel as the legend shows it. */
export interface ChannelInfo {
  name: string;
  color: string;
  lastY: number | null;
  /** points held by the page */
  count: number;
  /** points per second arriving, over the last second or two */
  rate: number;
}

/** One row of the measurement table. */
export interface MeasureRow {
  name: string;
  color: string;
  m: Measurements | null;
  rate: number;
}

/**
 * Two vertical (x) and two horizontal (y) cursors. x in axis units — counted from the trigger
 * in a triggered view, so a cursor stays put on screen from sweep to sweep — and y on `ref`'s
 * scale.
 */
export interface Cursors {
  x1: number;
  x2: number;
  y1: number;
  y2: number;
  ref: string;
}

/** The strongest frequency of each channel in the FFT view. */
export interface FftPeak {
  name: string;
  color: string;
  frequency: number;
  db: number;
}

export type Panel = "acquire" | "timebase" | "trigger" | "vertical" | "display";

/**
 * The scope's state as signals, and the front panel's actions on it. Everything a shared link
 * restores lives in `view` (lib/view_state.ts); the rest is what the page measured or the user
 * has open. No DOM here: the island wires it to the chart, the feed and the keyboard.
 */
export class ScopeModel {
  readonly view: Signal<ViewState> = signal(defaultView());
  readonly connection = signal<Connection>("connecting");
  readonly retrySeconds = signal(0);
  readonly channels: Signal<ChannelInfo[]>;
  /**
   * Channel names in order of appearance: what lists of channels render from, so they do not
   * re-render each time a value or a rate changes
   */
  readonly names: ReadonlySignal<string[]>;
  /** whether any channel holds a point (the empty screen shows until one does) */
  readonly hasPoints: ReadonlySignal<boolean>;
  readonly measurements = signal<MeasureRow[]>([]);
  readonly status = signal<AcqStatus>("roll");
  /** x range on screen (null before the first draw) */
  readonly shown = signal<XWindow | null>(null);
  readonly readout = signal<
    { x: string; values: [string, string, string][] } | null
  >(null);
  readonly cursors = signal<Cursors | null>(null);
  /** x the time axis counts from (the trigger in a triggered view, else 0) */
  readonly origin = signal(0);
  readonly fftPeaks = signal<FftPeak[]>([]);
  readonly server = signal<StatusBody | null>(null);
  readonly serverError = signal<string | null>(null);
  readonly helpOpen = signal(false);
  readonly drawerOpen = signal(false);
  /** a short message for the user (export done, clear refused...) */
  readonly notice = signal<{ text: string; bad: boolean } | null>(null);
  /** presses of Single: the acquisition arms one capture per press */
  readonly arm = signal(0);
  /** the x range on screen right now (the island points this at the chart) */
  windowNow: () => XWindow | null = () => this.shown.value;
  /** the live traces' rings, set by the island once the feed exists */
  records: () => Map<string, RingBuffer> = () => new Map();
  readonly #colors = new Map<string, string>();
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  #clearArmedUntil = 0;

  constructor(initial: ChannelSummary[]) {
    for (const c of initial) this.colorOf(c.name);
    this.channels = signal(initial.map((c) => ({
      name: c.name,
      color: this.colorOf(c.name),
      lastY: c.lastY,
      count: c.count,
      rate: 0,
    })));
    let names: string[] = [];
    this.names = computed(() => {
      const next = this.channels.value.map((c) => c.name);
      // the same array while the names are the same: a computed notifies only on a new value
      if (next.join("\n") !== names.join("\n")) names = next;
      return names;
    });
    this.hasPoints = computed(() =>
      this.channels.value.some((c) => c.count > 0)
    );
  }

  /** A channel's trace colour: by the order channels appeared, as on a bench scope. */
  colorOf(name: string): string {
    let color = this.#colors.get(name);
    if (!color) this.#colors.set(name, color = traceColor(this.#colors.size));
    return color;
  }

  update(patch: Partial<ViewState>): void {
    this.view.value = { ...this.view.value, ...patch };
  }

  updateTrigger(patch: Partial<ViewState["trigger"]>): void {
    const v = this.view.value;
    this.view.value = { ...v, trigger: { ...v.trigger, ...patch } };
  }

  say(text: string, bad = false): void {
    this.notice.value = { text, bad };
    clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => (this.notice.value = null), 4000);
  }

  /** Clear deletes every viewer's data: it takes a second press within a few seconds. */
  confirmClear(clear: () => void): void {
    const now = Date.now();
    if (now < this.#clearArmedUntil) {
      this.#clearArmedUntil = 0;
      clear();
      return;
    }
    this.#clearArmedUntil = now + 4000;
    this.say("Press Clear again to delete every channel on the server", true);
  }

  // --- acquisition -------------------------------------------------------------------------

  run(): void {
    const v = this.view.value;
    batch(() => {
      // Run after a single capture goes back to continuous sweeps
      if (v.trigger.mode === "single") this.updateTrigger({ mode: "auto" });
      this.update({ running: true });
    });
  }

  stop(): void {
    this.update({ running: false });
  }

  toggleRun(): void {
    if (this.view.value.running === true) this.stop();
    else this.run();
  }

  /** Arms the trigger for one capture; turns triggering on if it was off. */
  single(): void {
    batch(() => {
      this.#ensureTriggerable();
      this.updateTrigger({ enabled: true, mode: "single" });
      this.update({ roll: false, running: true, zoom: null });
      this.arm.value++;
    });
  }

  /** Back to the live view: no zoom, running. */
  live(): void {
    batch(() => {
      this.update({ zoom: null });
      if (this.view.value.running !== true) this.run();
    });
  }

  // --- timebase ----------------------------------------------------------------------------

  /** One 1-2-5 step of time/div: dir -1 faster (less per division), 1 slower. */
  stepTimebase(dir: 1 | -1): void {
    const v = this.view.value;
    const current = v.timePerDiv ?? this.#shownPerDiv();
    if (current === null) return;
    const next = step125(current, dir);
    if (Number.isFinite(next)) this.setTimePerDiv(next);
  }

  /** Sets time/div (null: fit everything held); keeps a zoom's centre. */
  setTimePerDiv(perDiv: number | null): void {
    const v = this.view.value;
    let zoom = v.zoom;
    if (zoom !== null && perDiv !== null) {
      const mid = (zoom.fromX + zoom.toX) / 2;
      const half = (perDiv * DIVISIONS_X) / 2;
      zoom = { fromX: mid - half, toX: mid + half };
    } else if (perDiv === null) {
      zoom = null;
    }
    this.update({ timePerDiv: perDiv, zoom });
  }

  toggleRoll(): void {
    const v = this.view.value;
    if (v.roll === true) {
      batch(() => {
        this.#ensureTriggerable();
        this.update({ roll: false });
        this.updateTrigger({ enabled: true });
      });
    } else {
      batch(() => {
        this.update({ roll: true });
        this.updateTrigger({ enabled: false });
      });
    }
  }

  // --- trigger -----------------------------------------------------------------------------

  toggleTrigger(): void {
    const v = this.view.value;
    if (v.trigger.enabled === true && v.roll === false) {
      batch(() => {
        this.updateTrigger({ enabled: false });
        this.update({ roll: true });
      });
    } else {
      batch(() => {
        this.#ensureTriggerable();
        this.updateTrigger({ enabled: true });
        this.update({ roll: false });
      });
    }
  }

  setEdge(edge: Edge): void {
    this.updateTrigger({ edge });
  }

  toggleEdge(): void {
    this.setEdge(
      this.view.value.trigger.edge === "rising" ? "falling" : "rising",
    );
  }

  setMode(mode: TriggerMode): void {
    if (mode === "single") return this.single();
    batch(() => {
      this.updateTrigger({ mode });
      if (this.view.value.running !== true) this.update({ running: true });
    });
  }

  setLevel(level: number): void {
    if (Number.isFinite(level)) this.updateTrigger({ level: tidy(level) });
  }

  /** Moves the level by a tenth of a division of the source (a hundredth with `fine`). */
  nudgeLevel(dir: 1 | -1, fine = false): void {
    const step = this.levelStep() * (fine ? 0.1 : 1);
    this.setLevel(this.view.value.trigger.level + dir * step);
  }

  /** The level's arrow-key step: a tenth of a division of the source channel. */
  levelStep(): number {
    const v = this.view.value;
    const source = this.triggerSource();
    const fixed = source === null ? undefined : v.vertical[source];
    if (fixed) return fixed.voltsPerDiv / 10;
    const m = source === null ? null : this.measureOf(source);
    return niceStep(Math.max(m?.peakToPeak ?? 1, 1e-9) / 80).step;
  }

  /** The level at the middle of the source's swing (a scope's "50%" button). */
  levelToMiddle(): void {
    const source = this.triggerSource();
    const m = source === null ? null : this.measureOf(source);
    if (m) this.setLevel(middle(m));
  }

  /** The channel the trigger watches: the chosen one, or the first channel. */
  triggerSource(): string | null {
    const v = this.view.value;
    const names = this.names.value;
    if (v.trigger.source !== null && names.includes(v.trigger.source)) {
      return v.trigger.source;
    }
    return names.find((n) => !v.hidden.includes(n)) ?? names[0] ?? null;
  }

  // --- channels and vertical ---------------------------------------------------------------

  toggleChannel(name: string): void {
    const hidden = this.view.value.hidden;
    this.update({
      hidden: hidden.includes(name)
        ? hidden.filter((n) => n !== name)
        : [...hidden, name],
    });
  }

  /** Fixed volts/div and offset for a channel, or autoscale (null). */
  setVertical(
    name: string,
    setting: { voltsPerDiv: number; offset: number } | null,
  ): void {
    const vertical = { ...this.view.value.vertical };
    if (setting === null) delete vertical[name];
    else vertical[name] = setting;
    this.update({ vertical });
  }

  /** One 1-2-5 step of volts/div; from autoscale it starts at what fits the signal. */
  stepVolts(name: string, dir: 1 | -1): void {
    const fixed = this.view.value.vertical[name];
    if (fixed) {
      const next = step125(fixed.voltsPerDiv, dir);
      if (Number.isFinite(next)) {
        this.setVertical(name, { ...fixed, voltsPerDiv: next });
      }
      return;
    }
    this.setVertical(name, this.fitVertical(name));
  }

  /** The fixed setting that fits a channel's swing in about 6 of the 8 divisions. */
  fitVertical(name: string): { voltsPerDiv: number; offset: number } {
    const m = this.measureOf(name);
    if (!m) return { voltsPerDiv: 1, offset: 0 };
    const perDiv = snap125(
      Math.max(m.peakToPeak, Math.abs(m.mean) * 1e-3, 1e-12) / 6,
    );
    const offset = -tidy(Math.round(((m.max + m.min) / 2) / perDiv) * perDiv);
    return { voltsPerDiv: perDiv, offset: offset === 0 ? 0 : offset };
  }

  // --- display -----------------------------------------------------------------------------

  setDisplay(view: ViewState["view"]): void {
    const v = this.view.value;
    if (view === "xy" && v.xy === null) {
      const names = this.names.peek();
      if (names.length >= 2) {
        this.update({ view, xy: { x: names[0], y: names[1] } });
        return;
      }
    }
    this.update({ view });
  }

  /** Switches to a view, or back to Y-T if it is the one on. */
  toggleDisplay(view: "xy" | "fft"): void {
    this.setDisplay(this.view.value.view === view ? "yt" : view);
  }

  toggleCursors(): void {
    if (this.cursors.value !== null) {
      this.cursors.value = null;
      return;
    }
    const w = this.windowNow();
    const ref = this.triggerSource();
    if (w === null || ref === null) return;
    const m = this.measureOf(ref);
    const span = w.to - w.from;
    const o = this.origin.peek();
    const lo = m ? m.min : -1;
    const hi = m ? m.max : 1;
    this.cursors.value = {
      x1: tidy(w.from - o + span * 0.3),
      x2: tidy(w.from - o + span * 0.7),
      y1: tidy(lo + (hi - lo) * 0.25),
      y2: tidy(lo + (hi - lo) * 0.75),
      ref,
    };
  }

  // --- zoom --------------------------------------------------------------------------------

  /** Zooms x by `factor` (< 1 in) about `centerX`, from the window on screen. */
  zoomBy(factor: number, centerX?: number): void {
    const w = this.view.value.zoom === null
      ? this.windowNow()
      : { from: this.view.value.zoom.fromX, to: this.view.value.zoom.toX };
    if (w === null || !(factor > 0)) return;
    const c = centerX ?? (w.from + w.to) / 2;
    const from = c - (c - w.from) * factor;
    const to = c + (w.to - c) * factor;
    if (!(to - from > Math.max(Math.abs(c) * 1e-12, 1e-300))) return;
    this.update({ zoom: { fromX: from, toX: to } });
  }

  /** Moves the view by `dx` x units (freezing it if it was live). */
  panBy(dx: number): void {
    const w = this.view.value.zoom === null
      ? this.windowNow()
      : { from: this.view.value.zoom.fromX, to: this.view.value.zoom.toX };
    if (w === null || !Number.isFinite(dx)) return;
    this.update({ zoom: { fromX: w.from + dx, toX: w.to + dx } });
  }

  /**
   * Autoset: a timebase showing about three periods of the source, trigger on at the middle of
   * its swing, every channel autoscaled, running live.
   */
  autoset(): void {
    const source = this.triggerSource();
    if (source === null) return;
    const ring = this.records().get(source);
    const m = ring ? measure(ring) : null;
    if (!m || !ring || ring.size < 2) return;
    const perDiv = m.period !== null
      ? snap125((m.period * 3) / DIVISIONS_X)
      : snap125((ring.xAt(ring.size - 1) - ring.xAt(0)) / DIVISIONS_X);
    batch(() => {
      this.update({
        timePerDiv: Number.isFinite(perDiv) ? perDiv : null,
        roll: false,
        zoom: null,
        vertical: {},
        view: "yt",
        running: true,
      });
      this.updateTrigger({
        enabled: true,
        source,
        mode: "auto",
        edge: "rising",
        level: middle(m),
        preFraction: 0.5,
      });
    });
    this.say(
      m.period !== null
        ? `Autoset on ${source}: ${formatPeriods(perDiv, m.period)}`
        : `Autoset on ${source}: no period found, showing the record`,
    );
  }

  /** Measurements of a channel over everything the page holds (for autoset and 50%). */
  measureOf(name: string): Measurements | null {
    // peek: what renders a level step must not re-render with every measurement
    const row = this.measurements.peek().find((r) => r.name === name);
    if (row?.m) return row.m;
    const ring = this.records().get(name);
    return ring ? measure(ring) : null;
  }

  /** Something needed for triggering: a timebase (from the data when there is none yet). */
  #ensureTriggerable(): void {
    const v = this.view.value;
    if (v.timePerDiv !== null) return;
    const source = this.triggerSource();
    const m = source === null ? null : this.measureOf(source);
    let perDiv = m?.period != null
      ? snap125((m.period * 3) / DIVISIONS_X)
      : NaN;
    if (!Number.isFinite(perDiv)) {
      const shown = this.#shownPerDiv();
      perDiv = shown === null ? NaN : snap125(shown / 4);
    }
    if (Number.isFinite(perDiv)) this.update({ timePerDiv: perDiv });
    if (v.trigger.level === 0 && m && (m.min > 0 || m.max < 0)) {
      // a level outside the signal would never trigger: start in the middle of the swing
      this.updateTrigger({ level: middle(m) });
    }
  }

  #shownPerDiv(): number | null {
    const w = this.windowNow();
    return w === null ? null : (w.to - w.from) / DIVISIONS_X;
  }
}

/** A number without float noise: 0.30000000000000004 becomes 0.3. */
export function tidy(v: number): number {
  return Number(v.toPrecision(12));
}

/** The middle of a swing, rounded to a 200th of it: a level that reads as a number. */
function middle(m: Measurements): number {
  const q = niceStep(Math.max(m.peakToPeak, 1e-12) / 200).step;
  return tidy(Math.round((m.max + m.min) / 2 / q) * q);
}

function formatPeriods(perDiv: number, period: number): string {
  return `${((perDiv * DIVISIONS_X) / period).toFixed(1)} periods on screen`;
}
