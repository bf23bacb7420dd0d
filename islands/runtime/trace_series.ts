import {
  type AutoscaleInfo,
  type IChartApiBase,
  type ISeriesApi,
  type ISeriesPrimitive,
  LineSeries,
} from "lightweight-charts";
import { Decimator } from "../../lib/scope/decimator.ts";
import { type Grid, slotX } from "../../lib/shared/grid.ts";
import { windowRuns } from "../../lib/scope/record.ts";
import { resampleMinMax } from "../../lib/scope/resample.ts";
import type { RingBuffer } from "../../lib/shared/ring_buffer.ts";
import { DIVISIONS_Y } from "../../lib/scope/timebase.ts";
import { priceFormat } from "./chart_style.ts";
import { stickyRange, type TraceStyle } from "./trace_columns.ts";
import type { TraceLayer } from "./trace_layer.ts";

// a 1 px line where the trace is dense, 2 px where it is not, and markers on single samples
const STYLES: Record<"dots" | "thick" | "thin", TraceStyle> = {
  dots: { lineWidth: 2, marker: 2 },
  thick: { lineWidth: 2, marker: 0 },
  thin: { lineWidth: 1, marker: 0 },
};

// the last-value label of a trace is a readout: a few times a second is as fast as anyone
// reads it, and each change repaints the whole chart
const LABEL_MS = 250;

/** A fixed vertical setting: `voltsPerDiv` y units per division, the trace moved up by `offset`. */
export interface Vertical {
  voltsPerDiv: number;
  offset: number;
}

/** What the chart draws of one channel. */
export interface ChannelDraw {
  name: string;
  color: string;
  ring: RingBuffer;
  visible: boolean;
  /** a fixed scale, or null to share the autoscaled axis with the other auto channels */
  fixed: Vertical | null;
  /** x up to which the ring holds a reduced snapshot's bucket extremes (-Infinity: none) */
  reducedToX: number;
}

/**
 * A channel on the chart: its slot values, resampled by a decimator that counts only new
 * points, handed to the trace layer to draw; and a line series that holds only the newest point
 * (the last-value label and the channel's price scale), told of a frame only when its autoscaled
 * range moves or its label is due. The scale and visibility last applied are kept, so a setting
 * that did not change costs no call into the chart.
 */
export class TraceSeries {
  readonly series: ISeriesApi<"Line", number>;
  /** the slot values' range, the autoscale's source */
  #range: { min: number; max: number } | null = null;
  /** the newest point the series was given, and when */
  #anchorTime = NaN;
  #anchorValue = NaN;
  #anchorAtMs = -Infinity;
  /** the trace's newest slot, which the series' one point moves to on the beat */
  #label: { time: number; value: number } | null = null;
  #decimator = new Decimator();
  /** the ring the decimator has counted: a different one (a capture) needs a fresh count */
  #ring: RingBuffer | null = null;
  /** the price scale and fixed range last applied */
  #scaleKey = "right";
  #visible = true;
  #empty = true;
  /** what the last draw was of: the same ring unchanged on the same grid draws nothing new */
  #drawnKey = "";
  /** the grid and slot values the layer holds now, to see that a draw would change nothing */
  #heldGrid = "";
  #held = new Float64Array(0);
  /** the series holds one point, the newest, while the layer draws the trace */
  #anchored = false;

  constructor(
    readonly chart: IChartApiBase<number>,
    readonly name: string,
    readonly color: string,
    readonly layer: TraceLayer,
  ) {
    this.series = chart.addSeries(LineSeries, {
      color,
      lineWidth: 2,
      // the layer draws the trace; the series is its label and its price scale
      lineVisible: false,
      pointMarkersVisible: false,
      priceLineVisible: false,
      lastValueVisible: true,
      crosshairMarkerVisible: false,
      title: "",
      // `?.`: no series yet if the format is asked for while addSeries runs
      priceFormat: priceFormat(() =>
        this.series?.priceScale().getVisibleRange() ?? null
      ),
    });
    const autoscale: ISeriesPrimitive<number> = {
      autoscaleInfo: (): AutoscaleInfo | null =>
        this.#range === null ? null : {
          priceRange: { minValue: this.#range.min, maxValue: this.#range.max },
        },
    };
    this.series.attachPrimitive(autoscale);
  }

  /** Shows or hides the series, calling into the chart only on a change. */
  show(visible: boolean): void {
    if (visible === this.#visible) return;
    this.series.applyOptions({ visible });
    this.#visible = visible;
    if (!visible) this.#layered(false);
    // shown again, the next draw gives the layer its values
    this.#drawnKey = "";
    this.#heldGrid = "";
  }

  /** Hands the layer the slot values to draw in `style`, or takes the trace off it. */
  #layered(on: boolean, style?: TraceStyle): void {
    this.layer.set(
      this.name,
      this.color,
      this.series,
      on ? this.#held : null,
      style,
    );
    if (!on) this.#range = null;
  }

  /** Puts the channel on the shared autoscaled axis, or on a fixed range of its own. */
  setScale(c: ChannelDraw, onRight: boolean): void {
    const id = c.fixed === null || onRight ? "right" : `v:${c.name}`;
    const key = c.fixed === null
      ? id
      : `${id}/${c.fixed.voltsPerDiv}/${c.fixed.offset}`;
    if (key === this.#scaleKey) return;
    this.#scaleKey = key;
    const fixed = c.fixed;
    this.series.applyOptions({
      priceScaleId: id,
      // a fixed range: DIVISIONS_Y divisions of voltsPerDiv, the trace moved up by offset
      autoscaleInfoProvider: fixed === null ? undefined : () => ({
        priceRange: {
          minValue: -fixed.offset - (fixed.voltsPerDiv * DIVISIONS_Y) / 2,
          maxValue: -fixed.offset + (fixed.voltsPerDiv * DIVISIONS_Y) / 2,
        },
      }),
    });
    if (id !== "right") {
      this.chart.priceScale(id).applyOptions({
        scaleMargins: { top: 0, bottom: 0 },
      });
    }
  }

  /**
   * Resamples `ring` onto `grid` through `values` (one entry per slot) and hands the points to
   * the series or the layer. `window` null draws the ring's newest points with the incremental
   * decimator; otherwise the samples in that x range, moved left by `origin` onto the grid.
   * `shown` is the grid the axis labels (slot i at its x), when it counts from elsewhere.
   */
  draw(
    ring: RingBuffer,
    grid: Grid,
    values: Float64Array,
    window: { from: number; to: number } | null,
    origin: number,
    shown: Grid = grid,
  ): void {
    if (this.#ring !== ring) {
      this.#decimator = new Decimator();
      this.#ring = ring;
      this.#drawnKey = "";
    }
    // a channel that got no points since it was drawn, on the same grid and window: its
    // picture is the one on screen (a still reference trace beside a live one costs nothing)
    const key =
      `${grid.first}/${grid.step}/${grid.slots}/${shown.first}/${window?.from}/${window?.to}/${origin}/${ring.lastSeq}/${ring.size}`;
    if (key === this.#drawnKey) return;
    this.#drawnKey = key;
    if (window === null) {
      this.#decimator.update(ring, grid.step);
      this.#decimator.fill(grid, values);
    } else {
      let runs = windowRuns(ring, window.from, window.to);
      if (origin !== 0) {
        runs = runs.map(([xs, ys]) => [xs.map((x) => x - origin), ys]);
      }
      values.set(resampleMinMax(runs, grid));
    }
    // new points that left every slot as it was (a bucket's min and max already reached, the
    // usual case for a periodic signal between two buckets): the same picture, so no setData,
    // and the chart, with nothing invalidated, paints nothing either
    const gridKey = `${grid.first}/${grid.step}/${grid.slots}/${shown.first}`;
    if (gridKey === this.#heldGrid && sameValues(values, this.#held)) return;
    this.#heldGrid = gridKey;
    if (this.#held.length !== values.length) {
      this.#held = new Float64Array(values.length);
    }
    this.#held.set(values);
    let count = 0;
    let last = -1;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      count++;
      last = i;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // sparse traces get dots so single samples stay visible; dense ones a 1 px line, which
    // software-rendered canvases draw several times faster than 2 px over a min/max zigzag
    const style = count * 24 < grid.slots
      ? "dots"
      : count * 4 < grid.slots
      ? "thick"
      : "thin";
    this.#empty = count === 0;
    // the layer draws the trace in the frame its data arrives, whatever its style, and the
    // autoscale takes its range from the values; the series holds only its newest point, for
    // the last-value label and the price mapping. The chart, which paints in a frame of its own,
    // is told only when what it shows moves: its range at once, its label a few times a second
    this.#layered(true, STYLES[style]);
    if (count === 0) {
      if (this.#anchored) this.series.setData([]);
      this.#anchored = false;
      this.#label = null;
      this.#range = null;
      return;
    }
    const range = stickyRange(this.#range, { min, max });
    const moved = range !== this.#range;
    this.#range = range;
    this.#label = { time: slotX(shown, last), value: values[last] };
    this.settle(moved);
  }

  /**
   * Moves the series' one point, and with it the last-value label, to the trace's newest slot:
   * on a beat all traces share, so their labels move in one repaint of the chart, or at once
   * with `now` (the autoscaled range moved). Called on frames that draw nothing new as well, so
   * a label is never left behind when the data stops. Returns whether the point moved.
   */
  settle(now = false): boolean {
    const p = this.#label;
    if (p === null) return false;
    const same = this.#anchored && p.time === this.#anchorTime &&
      p.value === this.#anchorValue;
    const ms = performance.now();
    if (!now) {
      if (same) return false;
      const due = Math.floor(ms / LABEL_MS) !==
        Math.floor(this.#anchorAtMs / LABEL_MS);
      if (this.#anchored && !due) return false;
    }
    if (!this.#anchored) {
      this.series.setData([p]);
    } else {
      // replaced in place (pop and update), not setData: see draw
      if (!same) this.series.pop(1);
      this.series.update(p);
    }
    this.#anchorTime = p.time;
    this.#anchorValue = p.value;
    this.#anchorAtMs = ms;
    this.#anchored = true;
    return true;
  }

  /** Drops every point (the next draw sets them again). */
  clear(): void {
    this.series.setData([]);
    this.#layered(false);
    this.#anchored = false;
    this.#label = null;
    this.#empty = true;
    this.#drawnKey = "";
    this.#heldGrid = "";
  }

  /** Pixel row of y on the channel's scale, or null when it has nothing drawn. */
  yToPx(y: number): number | null {
    if (!this.#visible || this.#empty) return null;
    return this.series.priceToCoordinate(y);
  }

  /** y on the channel's scale at a pixel row, or null when it has nothing drawn. */
  pxToY(px: number): number | null {
    if (!this.#visible || this.#empty) return null;
    return this.series.coordinateToPrice(px);
  }
}

/**
 * Slot for slot the same values, NaN (an empty slot) equal to NaN. From the right: that is where
 * a live trace's new points change it.
 */
function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) {
      return false;
    }
  }
  return true;
}
