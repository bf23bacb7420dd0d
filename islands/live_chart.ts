import {
  ColorType,
  createChartEx,
  CrosshairMode,
  type IChartApiBase,
  type InternalHorzScaleItem,
  type IPriceLine,
  type ISeriesApi,
  type LineData,
  LineSeries,
  LineStyle,
  type WhitespaceData,
} from "lightweight-charts";
import {
  formatY,
  type Grid,
  looksLikeEpochSeconds,
  makeGrid,
  niceStep,
  slotX,
} from "../lib/grid.ts";
import { Decimator } from "../lib/decimator.ts";
import { windowRuns } from "../lib/record.ts";
import { resampleMinMax } from "../lib/resample.ts";
import type { RingBuffer } from "../lib/ring_buffer.ts";
import { lowerBound } from "../lib/samples.ts";
import { DIVISIONS_Y } from "../lib/timebase.ts";
import { tickStep, XScaleBehavior, type XView } from "../lib/x_scale.ts";

/** A visible x range in x units. */
export interface XWindow {
  from: number;
  to: number;
}

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
}

/** A channel's series and what keeps its resampling incremental. */
interface Line {
  series: ISeriesApi<"Line", number>;
  decimator: Decimator;
  /** the ring the decimator has counted: a different one (a capture) needs a fresh count */
  ring: RingBuffer | null;
  /** the drawing style last applied: dots, thick or thin */
  style: string;
  /** the price scale and fixed range last applied */
  scaleKey: string;
  visible: boolean;
  fixed: Vertical | null;
  empty: boolean;
}

export interface Readout {
  x: number;
  /** nearest sample of each channel to the cursor: [name, y] */
  values: [string, number][];
}

/**
 * The price format of a series on a scale: formatY, with float noise around zero (a tick at
 * -2.8e-16 on a ±2 scale) written as 0 — "around zero" measured against the scale's range.
 */
function priceFormat(range: () => { from: number; to: number } | null) {
  return {
    type: "custom",
    minMove: 1e-12,
    formatter: (v: number) => {
      const r = range();
      const noise = r === null ? 0 : Math.abs(r.to - r.from) * 1e-9;
      return formatY(Math.abs(v) < noise ? 0 : v);
    },
  } as const;
}

// slots per CSS pixel: two, so each pixel column gets its own min/max bucket
const SLOTS_PER_PX = 2;
const AUTO_MARGIN = 0.08;
export const TRIGGER_COLOR = "#ff8a3d";

/**
 * The chart: one line series per channel over an invisible series of whitespace that holds every
 * grid slot, so the horizontal scale is uniform in x. Each `draw()` resamples the traces onto a
 * grid as wide as the chart, so its cost follows the chart's width, not the points held. A draw
 * shows everything held (`window` null) or a window of x: the newest span (roll, incremental),
 * a triggered sweep, a zoomed range or a frozen capture.
 */
export class LiveChart {
  readonly chart: IChartApiBase<number>;
  readonly #lines = new Map<string, Line>();
  #values = new Float64Array(0);
  readonly #slots: ISeriesApi<"Line", number>;
  #view: XView = {
    grid: makeGrid(0, 1, 100),
    tick: niceStep(0.1),
    clock: false,
  };
  #gridKey = "";
  #drawn: ChannelDraw[] = [];
  #trigger: { line: IPriceLine; name: string } | null = null;
  #rightFixed = false;
  /** x that the axis shows as 0: the trigger point in a triggered view, else 0 */
  #origin = 0;
  readonly #behavior = new XScaleBehavior(() => this.#view);

  constructor(
    readonly element: HTMLElement,
    onReadout: (r: Readout | null) => void,
  ) {
    this.chart = createChartEx(element, this.#behavior, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: "#05080b" },
        textColor: "#8fa1b3",
        fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
        fontSize: 11,
        attributionLogo: false,
      },
      grid: {
        vertLines: {
          color: "rgba(110, 140, 170, 0.13)",
          style: LineStyle.Dotted,
        },
        horzLines: {
          color: "rgba(110, 140, 170, 0.13)",
          style: LineStyle.Dotted,
        },
      },
      crosshair: {
        mode: CrosshairMode.Normal,
        vertLine: {
          color: "rgba(200, 215, 230, 0.45)",
          labelBackgroundColor: "#26323f",
        },
        horzLine: {
          color: "rgba(200, 215, 230, 0.45)",
          labelBackgroundColor: "#26323f",
        },
      },
      rightPriceScale: {
        borderColor: "#1d2833",
        scaleMargins: { top: AUTO_MARGIN, bottom: AUTO_MARGIN },
      },
      timeScale: {
        borderColor: "#1d2833",
        minBarSpacing: 0.01,
        rightOffset: 0,
        fixLeftEdge: true,
        fixRightEdge: true,
        lockVisibleTimeRangeOnResize: true,
        // draw a level of ticks whole or not at all: evenly spaced divisions (see XScaleBehavior)
        uniformDistribution: true,
      },
      // zoom and pan are the island's own (see interaction.ts): they change the window drawn
      // rather than the chart's view of a fixed grid
      handleScroll: false,
      handleScale: false,
    });
    // the first series on the price scale sets the axis labels' format, so it gets formatY too
    this.#slots = this.chart.addSeries(LineSeries, {
      visible: false,
      lastValueVisible: false,
      priceLineVisible: false,
      priceFormat: priceFormat(() =>
        this.chart.priceScale("right").getVisibleRange()
      ),
    });
    this.chart.subscribeCrosshairMove((param) => {
      if (param.time === undefined || param.point === undefined) {
        return onReadout(null);
      }
      const x = param.time as number;
      const values: [string, number][] = [];
      for (const c of this.#drawn) {
        if (!c.visible) continue;
        const y = nearestY(c.ring, x + this.#origin);
        if (y !== null) values.push([c.name, y]);
      }
      onReadout({ x, values });
    });
  }

  /** How many grid slots the chart draws on at its current width. */
  slotCount(): number {
    return Math.min(
      8000,
      Math.round(Math.max(100, this.element.clientWidth) * SLOTS_PER_PX),
    );
  }

  /** The x the axis shows as 0 since the last draw. */
  get origin(): number {
    return this.#origin;
  }

  /** The label the x axis would give a value, for readouts outside the chart. */
  formatX(x: number): string {
    return this.#behavior.formatHorzItem(x as unknown as InternalHorzScaleItem);
  }

  /** The x range the chart shows now (the grid's first to last slot), in x units. */
  shown(): XWindow {
    const g = this.#view.grid;
    return {
      from: slotX(g, 0) + this.#origin,
      to: slotX(g, g.slots - 1) + this.#origin,
    };
  }

  /**
   * Redraws. `window` null fits everything held; otherwise that x range is drawn. `follow` says
   * the window holds the rings' newest points, so the incremental decimators can draw it.
   * `origin` is the x the axis labels 0: a triggered view counts time from its trigger, as a
   * bench scope does, and its grid then stays the same from one sweep to the next.
   */
  draw(
    channels: ChannelDraw[],
    window: XWindow | null,
    follow: boolean,
    origin = 0,
  ): void {
    this.#drawn = channels;
    // the incremental decimators count absolute x: a shifted axis is drawn from the window
    if (window === null || follow) origin = 0;
    this.#origin = origin;
    let xMin = Infinity;
    let xMax = -Infinity;
    for (const c of channels) {
      if (c.ring.size === 0 || !c.visible) continue;
      xMin = Math.min(xMin, c.ring.xAt(0));
      xMax = Math.max(xMax, c.ring.xAt(c.ring.size - 1));
    }
    if (window === null && xMin === Infinity) {
      for (const line of this.#lines.values()) this.#clearLine(line);
      this.#slots.setData([]);
      this.#gridKey = "";
      return;
    }
    const width = Math.max(100, this.element.clientWidth);
    let grid: Grid;
    if (window === null) {
      // a little room right of the newest point, so it and its marker are not cut by the axis
      const pad = xMax > xMin ? (xMax / 2 - xMin / 2) * 0.03 : 0;
      grid = makeGrid(
        xMin,
        Number.isFinite(xMax + pad) ? xMax + pad : xMax,
        this.slotCount(),
      );
    } else {
      grid = makeGrid(
        window.from - origin,
        window.to - origin,
        this.slotCount(),
      );
    }
    // the plot area, without the price axis; the chart lays out labels ~75 px apart at most
    const plotWidth = this.chart.timeScale().width() || width;
    const tick = tickStep(grid, plotWidth, 100);
    if (tick.step !== this.#view.tick.step) {
      // tick weights are computed once per slot value and kept while the value stays on the
      // scale, by any series: drop every series' points so all of them get the new weights
      for (const line of this.#lines.values()) this.#clearLine(line);
      this.#slots.setData([]);
      this.#gridKey = "";
    }
    const clock = origin !== 0
      ? false
      : xMin === Infinity
      ? this.#view.clock
      : looksLikeEpochSeconds(xMin, xMax);
    this.#view = { grid, tick, clock };
    const key = `${grid.first}/${grid.step}/${grid.slots}`;
    if (key !== this.#gridKey) {
      const slots: WhitespaceData<number>[] = new Array(grid.slots);
      for (let i = 0; i < grid.slots; i++) slots[i] = { time: slotX(grid, i) };
      this.#slots.setData(slots);
      this.#gridKey = key;
    }
    if (this.#values.length !== grid.slots) {
      this.#values = new Float64Array(grid.slots);
    }
    const values = this.#values;
    const anyAuto = channels.some((c) => c.visible && c.fixed === null);
    // with no autoscaled channel on screen, the axis shows the first fixed channel's scale
    const onRight = anyAuto
      ? null
      : channels.find((c) => c.visible && c.fixed !== null)?.name ?? null;
    this.#setRightFixed(!anyAuto && onRight !== null);
    for (const c of channels) {
      const line = this.#line(c);
      this.#applyScale(line, c, c.name === onRight);
      if (!c.visible) {
        if (line.visible) {
          line.series.applyOptions({ visible: false });
          line.visible = false;
        }
        continue;
      }
      if (!line.visible) {
        line.series.applyOptions({ visible: true });
        line.visible = true;
      }
      if (line.ring !== c.ring) {
        line.decimator = new Decimator();
        line.ring = c.ring;
      }
      if (window === null || follow) {
        line.decimator.update(c.ring, grid.step);
        line.decimator.fill(grid, values);
      } else {
        let runs = windowRuns(c.ring, window.from, window.to);
        if (origin !== 0) {
          runs = runs.map(([xs, ys]) => [xs.map((x) => x - origin), ys]);
        }
        values.set(resampleMinMax(runs, grid));
      }
      const data: LineData<number>[] = [];
      for (let i = 0; i < values.length; i++) {
        if (!Number.isNaN(values[i])) {
          data.push({ time: slotX(grid, i), value: values[i] });
        }
      }
      // sparse traces get dots so single samples stay visible; dense ones a 1 px line, which
      // software-rendered canvases draw several times faster than 2 px over a min/max zigzag
      const style = data.length * 24 < grid.slots
        ? "dots"
        : data.length * 4 < grid.slots
        ? "thick"
        : "thin";
      if (style !== line.style) {
        line.series.applyOptions({
          pointMarkersVisible: style === "dots",
          pointMarkersRadius: 2.5,
          lineWidth: style === "thin" ? 1 : 2,
        });
        line.style = style;
      }
      line.series.setData(data);
      line.empty = data.length === 0;
    }
    this.chart.timeScale().setVisibleLogicalRange({
      from: 0,
      to: grid.slots - 1,
    });
  }

  /** Shows the trigger level as a dashed line on `name`'s scale, or hides it (null). */
  setTriggerLevel(name: string | null, level: number): void {
    if (this.#trigger && (name === null || this.#trigger.name !== name)) {
      this.#lines.get(this.#trigger.name)?.series.removePriceLine(
        this.#trigger.line,
      );
      this.#trigger = null;
    }
    if (name === null) return;
    const line = this.#lines.get(name);
    if (!line) return;
    if (this.#trigger === null) {
      this.#trigger = {
        name,
        line: line.series.createPriceLine({
          price: level,
          color: TRIGGER_COLOR,
          lineWidth: 1,
          lineStyle: LineStyle.Dashed,
          axisLabelVisible: true,
          axisLabelColor: TRIGGER_COLOR,
          axisLabelTextColor: "#05080b",
          // the overlay's draggable tab marks the line; a title would print a second "T"
          title: "",
        }),
      };
    } else if (this.#trigger.line.options().price !== level) {
      this.#trigger.line.applyOptions({ price: level });
    }
  }

  /** Pixel column of x in the chart element, or null before the first draw. */
  xToPx(x: number): number | null {
    const m = this.#xMapping();
    if (m === null) return null;
    return m.c0 + ((x - this.#origin) / m.grid.step - m.grid.first) * m.perSlot;
  }

  /** x at a pixel column of the chart element, or null before the first draw. */
  pxToX(px: number): number | null {
    const m = this.#xMapping();
    if (m === null || m.perSlot === 0) return null;
    return ((px - m.c0) / m.perSlot + m.grid.first) * m.grid.step +
      this.#origin;
  }

  /** Pixel row of y on `name`'s scale, or null when the channel has nothing drawn. */
  yToPx(name: string, y: number): number | null {
    const line = this.#lines.get(name);
    if (!line || !line.visible || line.empty) return null;
    return line.series.priceToCoordinate(y);
  }

  /** y on `name`'s scale at a pixel row, or null when the channel has nothing drawn. */
  pxToY(name: string, px: number): number | null {
    const line = this.#lines.get(name);
    if (!line || !line.visible || line.empty) return null;
    return line.series.coordinateToPrice(px);
  }

  /** The plot area in CSS pixels (without the price axis and the time axis). */
  plotSize(): { width: number; height: number } {
    const size = this.chart.paneSize(0);
    return { width: size.width, height: size.height };
  }

  /** The chart as one canvas, for a PNG. */
  screenshot(): HTMLCanvasElement {
    return this.chart.takeScreenshot();
  }

  dispose(): void {
    this.chart.remove();
  }

  #xMapping(): { grid: Grid; c0: number; perSlot: number } | null {
    if (this.#gridKey === "") return null;
    const grid = this.#view.grid;
    const ts = this.chart.timeScale();
    const c0 = ts.logicalToCoordinate(0 as never);
    const c1 = ts.logicalToCoordinate((grid.slots - 1) as never);
    if (c0 === null || c1 === null || grid.slots < 2) return null;
    return { grid, c0, perSlot: (c1 - c0) / (grid.slots - 1) };
  }

  #line(c: ChannelDraw): Line {
    let line = this.#lines.get(c.name);
    if (!line) {
      const holder: { series?: ISeriesApi<"Line", number> } = {};
      const series = this.chart.addSeries(LineSeries, {
        color: c.color,
        lineWidth: 2,
        priceLineVisible: false,
        lastValueVisible: true,
        crosshairMarkerVisible: false,
        title: "",
        priceFormat: priceFormat(() =>
          holder.series?.priceScale().getVisibleRange() ?? null
        ),
      });
      holder.series = series;
      line = {
        series,
        decimator: new Decimator(),
        ring: null,
        style: "",
        scaleKey: "right",
        visible: true,
        fixed: null,
        empty: true,
      };
      this.#lines.set(c.name, line);
    }
    return line;
  }

  #clearLine(line: Line): void {
    line.series.setData([]);
    line.empty = true;
  }

  /** Puts a channel on the shared autoscaled axis, or on a fixed range of its own. */
  #applyScale(line: Line, c: ChannelDraw, onRight: boolean): void {
    const id = c.fixed === null || onRight ? "right" : `v:${c.name}`;
    const key = c.fixed === null
      ? id
      : `${id}/${c.fixed.voltsPerDiv}/${c.fixed.offset}`;
    if (key === line.scaleKey) return;
    line.scaleKey = key;
    line.fixed = c.fixed;
    const fixed = c.fixed;
    line.series.applyOptions({
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

  #setRightFixed(fixed: boolean): void {
    if (fixed === this.#rightFixed) return;
    this.#rightFixed = fixed;
    const margin = fixed ? 0 : AUTO_MARGIN;
    this.chart.priceScale("right").applyOptions({
      scaleMargins: { top: margin, bottom: margin },
    });
  }
}

/** y of the held sample whose x is nearest to `x`, by binary search (x ascends in a ring). */
export function nearestY(ring: RingBuffer, x: number): number | null {
  const n = ring.size;
  if (n === 0) return null;
  let lo = Math.min(n - 1, lowerBound(ring, x));
  if (lo > 0 && Math.abs(ring.xAt(lo - 1) - x) <= Math.abs(ring.xAt(lo) - x)) {
    lo--;
  }
  return ring.yAt(lo);
}
