import {
  type IChartApiBase,
  type InternalHorzScaleItem,
  type IPriceLine,
  type ISeriesApi,
  LineSeries,
  type WhitespaceData,
} from "lightweight-charts";
import {
  type Grid,
  looksLikeEpochSeconds,
  makeGrid,
  niceStep,
  slotX,
} from "../../lib/shared/grid.ts";
import {
  tickStep,
  XScaleBehavior,
  type XView,
} from "../../lib/scope/x_scale.ts";
import {
  AUTO_MARGIN,
  createScopeChart,
  priceFormat,
  triggerLine,
} from "./chart_style.ts";
import { type Readout, readoutAt } from "./crosshair_readout.ts";
import { type ChannelDraw, TraceSeries } from "./trace_series.ts";
import { TraceLayer } from "./trace_layer.ts";
import type { XWindow } from "../../lib/scope/timebase.ts";
import { rollGrid } from "../../lib/scope/roll_grid.ts";

export type { XWindow };

/**
 * The chart: one line series per channel (its label and price scale) over an invisible series of
 * whitespace that holds every grid slot, so the horizontal scale is uniform in x, and the trace
 * layer that draws the traces over its pane. Each `draw()` resamples the traces onto a grid as
 * wide as the chart, so its cost follows the chart's width, not the points held. A draw shows
 * everything held (`window` null) or a window of x: the newest span (roll, incremental, counted
 * back from its right edge), a triggered sweep, a zoomed range or a frozen capture.
 */
export class LiveChart {
  readonly chart: IChartApiBase<number>;
  readonly #traces = new Map<string, TraceSeries>();
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
  /** the traces, drawn over the pane by columns */
  readonly #layer: TraceLayer;
  /** the plot area changed size since the last draw */
  #resized = false;

  /** `onTrace`: called once, when the chart first shows a trace */
  constructor(
    readonly element: HTMLElement,
    onReadout: (r: Readout | null) => void,
    onTrace: () => void = () => {},
  ) {
    this.chart = createScopeChart(element, this.#behavior);
    this.#layer = new TraceLayer(this.chart, onTrace);
    this.chart.timeScale().subscribeSizeChange(() => (this.#resized = true));
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
      onReadout(readoutAt(this.#drawn, param.time as number, this.#origin));
    });
  }

  /** How many grid slots the chart draws on at its current width. */
  slotCount(): number {
    return slotsFor(this.element.clientWidth);
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
    this.#resized = false;
    // the incremental decimators count absolute x: a shifted axis is drawn from the window,
    // but for a rolling one, which counts back from its right edge (set below)
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
      this.#clearAll();
      return;
    }
    const width = Math.max(100, this.element.clientWidth);
    let grid: Grid;
    /** the grid the axis labels: the sampling grid, or in a rolling view the same slots counted back from its right edge */
    let shown: Grid;
    if (window === null) {
      // a little room right of the newest point, so it and its marker are not cut by the axis
      const pad = xMax > xMin ? (xMax / 2 - xMin / 2) * 0.03 : 0;
      grid = makeGrid(
        xMin,
        Number.isFinite(xMax + pad) ? xMax + pad : xMax,
        this.slotCount(),
      );
      shown = grid;
    } else if (follow) {
      // a rolling screen counts time back from its right edge, as a bench scope's roll does:
      // its slots keep their labels while the trace moves under them, so the axes, the grid
      // and the chart's index of slots stay as they are (nothing of the chart repaints), and
      // the slot count is fixed by the span, not by where the window's ends fall between slots.
      // A joining page's reduced snapshot holds the extremes of buckets that nest in a 1-2-5
      // grid (the server's), which only such a grid draws as they were: it rolls on one until
      // the reduced points have left its record.
      grid = rollGrid(
        window,
        this.chart.timeScale().width() || this.element.clientWidth,
        !reducedIn(channels, window),
      );
      shown = { ...grid, first: 1 - grid.slots };
      origin = slotX(grid, grid.slots - 1);
      this.#origin = origin;
    } else {
      grid = makeGrid(
        window.from - origin,
        window.to - origin,
        this.slotCount(),
      );
      shown = grid;
    }
    // the plot area, without the price axis; the chart lays out labels ~75 px apart at most
    const plotWidth = this.chart.timeScale().width() || width;
    const tick = tickStep(shown, plotWidth, 100);
    if (tick.step !== this.#view.tick.step) {
      // tick weights are computed once per slot value and kept while the value stays on the
      // scale, by any series: drop every series' points so all of them get the new weights
      this.#clearAll();
    }
    const clock = origin !== 0 || shown !== grid
      ? false
      : xMin === Infinity
      ? this.#view.clock
      : looksLikeEpochSeconds(xMin, xMax);
    this.#view = { grid: shown, tick, clock };
    const key = `${shown.first}/${shown.step}/${shown.slots}`;
    if (key !== this.#gridKey) {
      const slots: WhitespaceData<number>[] = new Array(shown.slots);
      for (let i = 0; i < shown.slots; i++) {
        slots[i] = { time: slotX(shown, i) };
      }
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
    this.#dropGone(channels);
    for (const c of channels) {
      const trace = this.#trace(c);
      trace.setScale(c, c.name === onRight);
      trace.show(c.visible);
      if (!c.visible) continue;
      trace.draw(
        c.ring,
        grid,
        values,
        window === null || follow ? null : window,
        follow ? 0 : origin,
        shown,
      );
    }
    // now, with the mapping on screen; a chart told of a change repaints next frame and
    // renders the layer again with its new mapping. A new x range is not on screen until that
    // paint: drawn now, the traces would land where the old range puts them (a joining page's
    // first trace over the last sixth of the plot, then moved a frame later)
    if (this.#keepRange()) this.#layer.hold(grid);
    else this.#layer.render(grid);
  }

  /**
   * On a frame that draws nothing new: moves the last-value labels that are due, and says
   * whether the plot area changed size since the last draw (a price axis that grew for wider
   * labels), which a rolling grid of two slots a pixel has to be drawn again for.
   */
  settle(): boolean {
    let moved = false;
    for (const trace of this.#traces.values()) moved = trace.settle() || moved;
    if (moved) this.#keepRange();
    const resized = this.#resized;
    this.#resized = false;
    return resized;
  }

  /** Shows the trigger level as a dashed line on `name`'s scale, or hides it (null). */
  setTriggerLevel(name: string | null, level: number): void {
    if (this.#trigger && (name === null || this.#trigger.name !== name)) {
      this.#traces.get(this.#trigger.name)?.series.removePriceLine(
        this.#trigger.line,
      );
      this.#trigger = null;
    }
    if (name === null) return;
    const trace = this.#traces.get(name);
    if (!trace) return;
    if (this.#trigger === null) {
      this.#trigger = { name, line: triggerLine(trace.series, level) };
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
    return this.#traces.get(name)?.yToPx(y) ?? null;
  }

  /** y on `name`'s scale at a pixel row, or null when the channel has nothing drawn. */
  pxToY(name: string, px: number): number | null {
    return this.#traces.get(name)?.pxToY(px) ?? null;
  }

  /** The plot area in CSS pixels (without the price axis and the time axis). */
  plotSize(): { width: number; height: number } {
    const size = this.chart.paneSize(0);
    return { width: size.width, height: size.height };
  }

  /** The chart as one canvas, for a PNG. */
  screenshot(): HTMLCanvasElement {
    const shot = this.chart.takeScreenshot();
    // the pane is the chart's top left; the layer is as many device pixels as its canvas
    this.#layer.render();
    shot.getContext("2d")?.drawImage(this.#layer.canvas, 0, 0);
    return shot;
  }

  dispose(): void {
    this.#layer.dispose();
    this.chart.remove();
  }

  /**
   * Puts the grid's slots back across the plot (true: it had moved, and the chart applies the
   * range when it next paints): the chart keeps its range relative to the last
   * point of any series, so a series' one point moving along the slots moves the range too.
   * Only a range that differs: setting the same one again invalidates the whole chart, which
   * then repaints every canvas in a frame whose traces did not change.
   */
  #keepRange(): boolean {
    const slots = this.#view.grid.slots;
    const ts = this.chart.timeScale();
    const range = ts.getVisibleLogicalRange();
    if (range !== null && range.from === 0 && range.to === slots - 1) {
      return false;
    }
    ts.setVisibleLogicalRange({ from: 0, to: slots - 1 });
    return true;
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

  #trace(c: ChannelDraw): TraceSeries {
    let trace = this.#traces.get(c.name);
    if (!trace) {
      trace = new TraceSeries(this.chart, c.name, c.color, this.#layer);
      this.#traces.set(c.name, trace);
    }
    return trace;
  }

  /** Takes off the chart the series of channels no longer drawn (removed on the server). */
  #dropGone(channels: ChannelDraw[]): void {
    for (const [name, trace] of this.#traces) {
      let drawn = false;
      for (const c of channels) drawn ||= c.name === name;
      if (drawn) continue;
      if (this.#trigger?.name === name) this.#trigger = null;
      this.chart.removeSeries(trace.series);
      this.#traces.delete(name);
      this.#layer.delete(name);
    }
  }

  /** Empties every series and the slots, so the next draw sets them all again. */
  #clearAll(): void {
    for (const trace of this.#traces.values()) trace.clear();
    this.#slots.setData([]);
    this.#gridKey = "";
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

/** Whether a visible channel still holds reduced snapshot points (its oldest) inside `window`. */
function reducedIn(channels: ChannelDraw[], window: XWindow): boolean {
  return channels.some((c) =>
    c.visible && c.ring.size > 0 &&
    c.reducedToX >= Math.max(window.from, c.ring.xAt(0))
  );
}

/**
 * Grid slots for a chart `widthPx` CSS pixels wide (what /ws?slots= asks snapshots for). Self-
 * contained: the page's inline script carries its source (early_socket.ts, first_paint.ts).
 */
export function slotsFor(widthPx: number): number {
  // two slots per CSS pixel, so each pixel column gets its own min/max bucket
  return Math.min(8000, Math.round(Math.max(100, widthPx) * 2));
}
