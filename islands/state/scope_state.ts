import {
  computed,
  type ReadonlySignal,
  type Signal,
  signal,
} from "@preact/signals";
import { measure, type Measurements } from "../../lib/scope/measure.ts";
import { traceColor } from "../../lib/scope/palette.ts";
import { DIVISIONS_X } from "../../lib/scope/timebase.ts";
import type { ChannelSummary, StatusBody } from "../../lib/shared/types.ts";
import { defaultView, type ViewState } from "../../lib/scope/view_state.ts";
import type { AcqStatus } from "../../lib/scope/acquisition.ts";
import type { XWindow } from "../../lib/scope/timebase.ts";
import type { ScopePort } from "./scope_port.ts";
import type { Cursors } from "../../lib/scope/cursors.ts";

export type { Cursors };

/** The page's socket: opening, open, or waiting to reconnect. */
export type Connection = "connecting" | "live" | "reconnecting";

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
  /** taken over bucket extremes rather than every sample: shown as ≈ until they arrive */
  estimate: boolean;
  /**
   * part of the window came from the server's history, in buckets this many seconds wide:
   * shown as ≈ too, and says so (null: every sample)
   */
  summary?: number | null;
  /** not measured yet: the page holds the row's place from its first paint (dashes, no note) */
  pending?: boolean;
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
 * The scope's state as signals, and what the front panel asks of it. Everything a shared link
 * restores lives in `view` (lib/scope/view_state.ts); the rest is what the page measured or the user
 * has open. No DOM here: the island wires it to the chart, the feed and the keyboard. The
 * front panel's actions on this state are ScopeModel's (model.ts).
 */
export class ScopeState {
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
  /**
   * the x range on screen as the readouts show it: the chart's window (port.window()), sampled
   * a few times a second so text does not re-render every frame; null before the first draw
   */
  readonly shown = signal<XWindow | null>(null);
  /**
   * the widest history bucket on screen, in seconds, when part of a held view comes from the
   * server's summary rather than every sample; null otherwise
   */
  readonly summary = signal<number | null>(null);
  readonly readout = signal<
    { x: string; values: [string, string, string][] } | null
  >(null);
  readonly cursors = signal<Cursors | null>(null);
  /** x the time axis counts from (the trigger in a triggered view, else 0) */
  readonly origin = signal(0);
  readonly fftPeaks = signal<FftPeak[]>([]);
  /** the FFT's record: samples transformed and the frequency resolution they give */
  readonly fftRecord = signal<{ count: number; resolution: number } | null>(
    null,
  );
  readonly server = signal<StatusBody | null>(null);
  /**
   * the page's first picture (painted by its inline script from the server's rows) shows
   * until the chart has drawn a trace, or has had the time to
   */
  readonly firstPicture: Signal<boolean>;
  readonly serverError = signal<string | null>(null);
  readonly helpOpen = signal(false);
  readonly drawerOpen = signal(false);
  /** a short message for the user (export done, clear refused...) */
  readonly notice = signal<{ text: string; bad: boolean } | null>(null);
  /** presses of Single: the acquisition arms one capture per press */
  readonly arm = signal(0);
  readonly #colors = new Map<string, string>();
  #noticeTimer: ReturnType<typeof setTimeout> | undefined;
  #clearArmedUntil = 0;

  /**
   * `port` is the running scope: the chart's window and the feed's records, once the island's
   * runtime has connected them.
   */
  constructor(
    initial: ChannelSummary[],
    readonly port: ScopePort,
    hidden: readonly string[] = [],
    firstPicture = false,
  ) {
    this.firstPicture = signal(firstPicture);
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
    // the table the first measurements fill is there from the server's render: appearing with
    // them, it would shrink the chart (a layout shift, and a whole redraw) just after it drew
    this.measurements.value = initial.filter((c) =>
      c.count > 0 && !hidden.includes(c.name)
    ).map((c) => ({
      name: c.name,
      color: this.colorOf(c.name),
      m: null,
      estimate: false,
      pending: true,
    }));
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

  /** The channel the trigger watches: the chosen one, or the first channel. */
  triggerSource(): string | null {
    const v = this.view.value;
    const names = this.names.value;
    if (v.trigger.source !== null && names.includes(v.trigger.source)) {
      return v.trigger.source;
    }
    return names.find((n) => !v.hidden.includes(n)) ?? names[0] ?? null;
  }

  /** Measurements of a channel over everything the page holds (for autoset and 50%). */
  measureOf(name: string): Measurements | null {
    // peek: what renders a level step must not re-render with every measurement
    const row = this.measurements.peek().find((r) => r.name === name);
    if (row?.m) return row.m;
    const ring = this.port.records().get(name);
    return ring ? measure(ring) : null;
  }

  /** time/div of the window on screen, or null before the first draw */
  shownPerDiv(): number | null {
    const w = this.port.window();
    return w === null ? null : (w.to - w.from) / DIVISIONS_X;
  }
}
