import {
  ColorType,
  createChartEx,
  CrosshairMode,
  type IChartApiBase,
  type InternalHorzScaleItem,
  type ISeriesApi,
  type LineData,
  LineSeries,
  LineStyle,
  type WhitespaceData,
} from "lightweight-charts";
import {
  formatY,
  looksLikeEpochSeconds,
  makeGrid,
  niceStep,
  slotX,
} from "../lib/grid.ts";
import { Decimator } from "../lib/decimator.ts";
import type { Trace } from "../lib/trace.ts";
import { tickStep, XScaleBehavior, type XView } from "../lib/x_scale.ts";

/** A channel's series and what keeps its resampling incremental. */
interface Line {
  series: ISeriesApi<"Line", number>;
  decimator: Decimator;
  /** the drawing style last applied: dots, thick or thin */
  style: string;
}

export interface Readout {
  x: number;
  /** nearest sample of each channel to the cursor: [name, y] */
  values: [string, number][];
}

const PRICE_FORMAT = {
  type: "custom",
  formatter: formatY,
  minMove: 1e-12,
} as const;

// slots per CSS pixel: two, so each pixel column gets its own min/max bucket
const SLOTS_PER_PX = 2;

/**
 * The chart: one line series per channel over an invisible series of whitespace that holds every
 * grid slot, so the horizontal scale is uniform in x. Each `draw()` resamples the traces onto a
 * grid as wide as the chart, so its cost follows the chart's width, not the points held.
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
  #traces: Map<string, Trace> = new Map();
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
        scaleMargins: { top: 0.08, bottom: 0.08 },
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
      // zoom and pan arrive with the scope controls; until then the view always fits the data
      handleScroll: false,
      handleScale: false,
    });
    // the first series on the price scale sets the axis labels' format, so it gets formatY too
    this.#slots = this.chart.addSeries(LineSeries, {
      visible: false,
      lastValueVisible: false,
      priceLineVisible: false,
      priceFormat: PRICE_FORMAT,
    });
    this.chart.subscribeCrosshairMove((param) => {
      if (param.time === undefined || param.point === undefined) {
        return onReadout(null);
      }
      const x = param.time as number;
      const values: [string, number][] = [];
      for (const [name, trace] of this.#traces) {
        const y = nearestY(trace, x);
        if (y !== null) values.push([name, y]);
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

  /** The label the x axis would give a value, for readouts outside the chart. */
  formatX(x: number): string {
    return this.#behavior.formatHorzItem(x as unknown as InternalHorzScaleItem);
  }

  /** Redraws every trace; `colors` gives each channel's trace colour. */
  draw(traces: Map<string, Trace>, colors: (name: string) => string): void {
    this.#traces = traces;
    let xMin = Infinity;
    let xMax = -Infinity;
    for (const trace of traces.values()) {
      if (trace.ring.size === 0) continue;
      xMin = Math.min(xMin, trace.ring.xAt(0));
      xMax = Math.max(xMax, trace.lastX);
    }
    if (xMin === Infinity) {
      for (const line of this.#lines.values()) line.series.setData([]);
      this.#slots.setData([]);
      this.#gridKey = "";
      return;
    }
    const width = Math.max(100, this.element.clientWidth);
    // a little room right of the newest point, so it and its marker are not cut by the axis
    const pad = xMax > xMin ? (xMax / 2 - xMin / 2) * 0.03 : 0;
    const grid = makeGrid(
      xMin,
      Number.isFinite(xMax + pad) ? xMax + pad : xMax,
      this.slotCount(),
    );
    // the plot area, without the price axis; the chart lays out labels ~75 px apart at most
    const plotWidth = this.chart.timeScale().width() || width;
    const tick = tickStep(grid, plotWidth, 100);
    if (tick.step !== this.#view.tick.step) {
      // tick weights are computed once per slot value and kept while the value stays on the
      // scale, by any series: drop every series' points so all of them get the new weights
      for (const line of this.#lines.values()) line.series.setData([]);
      this.#slots.setData([]);
      this.#gridKey = "";
    }
    this.#view = { grid, tick, clock: looksLikeEpochSeconds(xMin, xMax) };
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
    for (const [name, trace] of traces) {
      let line = this.#lines.get(name);
      if (!line) {
        const series = this.chart.addSeries(LineSeries, {
          color: colors(name),
          lineWidth: 2,
          priceLineVisible: false,
          lastValueVisible: true,
          crosshairMarkerVisible: false,
          title: "",
          priceFormat: PRICE_FORMAT,
        });
        line = { series, decimator: new Decimator(), style: "" };
        this.#lines.set(name, line);
      }
      line.decimator.update(trace.ring, grid.step);
      line.decimator.fill(grid, values);
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
    }
    this.chart.timeScale().setVisibleLogicalRange({
      from: 0,
      to: grid.slots - 1,
    });
  }

  dispose(): void {
    this.chart.remove();
  }
}

/** y of the held sample whose x is nearest to `x`, by binary search (x ascends in a trace). */
function nearestY(trace: Trace, x: number): number | null {
  const ring = trace.ring;
  const n = ring.size;
  if (n === 0) return null;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ring.xAt(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(ring.xAt(lo - 1) - x) <= Math.abs(ring.xAt(lo) - x)) {
    lo--;
  }
  return ring.yAt(lo);
}
