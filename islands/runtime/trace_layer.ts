import type {
  IChartApiBase,
  IPanePrimitive,
  IPrimitivePaneView,
  ISeriesApi,
} from "lightweight-charts";
import {
  type ColumnMap,
  columnRows,
  type TraceStyle,
} from "./trace_columns.ts";
import type { Grid } from "../../lib/shared/grid.ts";

/** A trace the layer draws: its colour, the series whose price scale places it, its slots. */
interface Layered {
  color: string;
  series: ISeriesApi<"Line", number>;
  /** one value per grid slot (NaN: none); null draws nothing */
  values: Float64Array | null;
  style: TraceStyle;
  /** where the last render put its values (a change of scale draws everything again) */
  yKey: string;
  /** the rectangle drawn in each device column now, and the one the next render wants */
  top: Int32Array;
  height: Int32Array;
  nextTop: Int32Array;
  nextHeight: Int32Array;
}

/**
 * The traces, on a canvas of their own between the chart pane's canvas and its crosshair
 * canvas, drawn column by column: a render compares each device column's rectangles with the
 * ones on the canvas and touches only the columns that differ. A rolling screen then costs the
 * few columns its new points and its shift change (a solid band that shifts changes none of
 * its middle), and the chart itself (axes, grid, labels) repaints only when they change, not at
 * every frame: each canvas a frame changes costs a software compositor a whole copy of it, and
 * the chart's six canvases at 60 Hz were most of a rolling page's main thread.
 *
 * The chart's own paint renders the layer again (a pane primitive), so a change of scale is
 * drawn with the mapping the axes show in the same frame. Drawn in the frame a point arrives,
 * where a series would wait for the chart's own animation frame, the next one; but for a new
 * x range, which is on screen only from that paint on (`hold`).
 */
export class TraceLayer {
  readonly canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #traces = new Map<string, Layered>();
  /** names and colours in drawing order at the last render: any change redraws everything */
  #drawnKey = "";
  #width = 0;
  #height = 0;
  #scratch = { lo: new Float32Array(0), hi: new Float32Array(0) };
  /** the grid the traces' slots are on, and the one and the x mapping of the last render */
  #grid: Grid | null = null;
  #drawnGrid: Grid | null = null;
  #drawnX = "";
  /** what a shift is copied through: a canvas drawn onto itself is copied first anyway */
  #back: HTMLCanvasElement | null = null;
  readonly #hook: IPanePrimitive<number>;
  #onTrace: (() => void) | null;

  /** `onTrace`: called once, when a render first puts a trace on the canvas */
  constructor(
    readonly chart: IChartApiBase<number>,
    onTrace: () => void = () => {},
  ) {
    this.#onTrace = onTrace;
    this.canvas = document.createElement("canvas");
    this.canvas.className = "trace-layer";
    this.canvas.style.cssText =
      "position:absolute;left:0;top:0;z-index:1;pointer-events:none";
    this.#ctx = this.canvas.getContext("2d")!;
    const view: IPrimitivePaneView = {
      renderer: () => ({ draw: () => this.render() }),
    };
    this.#hook = { paneViews: () => [view] };
    chart.panes()[0].attachPrimitive(this.#hook);
  }

  /** Draws `values` for trace `name` from the next render on, or nothing for it (null). */
  set(
    name: string,
    color: string,
    series: ISeriesApi<"Line", number>,
    values: Float64Array | null,
    style: TraceStyle = { lineWidth: 1, marker: 0 },
  ): void {
    const t = this.#traces.get(name);
    if (t) {
      t.values = values;
      t.style = style;
      return;
    }
    if (values === null) return;
    const empty = () => new Int32Array(0);
    this.#traces.set(name, {
      color,
      series,
      values,
      style,
      yKey: "",
      top: empty(),
      height: empty(),
      nextTop: empty(),
      nextHeight: empty(),
    });
  }

  /** Forgets trace `name` (its channel is gone); the next render takes it off. */
  delete(name: string): void {
    this.#traces.delete(name);
  }

  /**
   * Keeps `grid` as the traces' grid without drawing: the chart's mapping is about to change,
   * and its next paint renders the layer with the new one.
   */
  hold(grid: Grid): void {
    this.#grid = grid;
  }

  /**
   * Brings the canvas up to the traces' values, touching only the columns that changed. `grid`
   * is the one their slots are on now (kept for the chart's own repaints): when it is the last
   * one moved by slots that make whole device pixels, on the same scales, the canvas is moved
   * by them first, and what is left to draw is what the shift does not explain.
   */
  render(grid: Grid | null = this.#grid): void {
    this.#grid = grid;
    const main = this.#paneCanvas();
    if (main === null) return;
    const cssWidth = main.clientWidth;
    if (cssWidth === 0 || main.width === 0 || main.height === 0) return;
    let full = false;
    if (main.width !== this.#width || main.height !== this.#height) {
      this.canvas.width = this.#width = main.width;
      this.canvas.height = this.#height = main.height;
      this.canvas.style.width = main.style.width;
      this.canvas.style.height = main.style.height;
      full = true;
    }
    const columns = this.#width;
    const hpr = columns / cssWidth;
    const vpr = this.#height / (main.clientHeight || this.#height);
    const ts = this.chart.timeScale();
    const range = ts.getVisibleLogicalRange();
    let key = "";
    let sameY = true;
    let xKey = "";
    let perSlot = 0;
    const drawn: Layered[] = [];
    for (const [name, t] of this.#traces) {
      if (t.values === null || range === null) continue;
      const map = this.#map(t, hpr, vpr);
      if (map === null) continue;
      xKey = `${map.x0}/${map.perSlot}/${hpr}/${vpr}/${columns}`;
      perSlot = map.perSlot;
      const yKey = `${map.p0}/${map.y0}/${map.perValue}`;
      sameY &&= yKey === t.yKey;
      t.yKey = yKey;
      if (t.top.length !== columns) {
        t.top = new Int32Array(columns);
        t.height = new Int32Array(columns);
        t.nextTop = new Int32Array(columns);
        t.nextHeight = new Int32Array(columns);
        full = true;
      }
      if (this.#scratch.lo.length < columns) {
        this.#scratch = {
          lo: new Float32Array(columns),
          hi: new Float32Array(columns),
        };
      }
      columnRows(
        t.values,
        Math.floor(range.from) - 1,
        Math.ceil(range.to) + 1,
        map,
        columns,
        t.nextTop,
        t.nextHeight,
        this.#scratch,
        t.style,
      );
      key += `${name}\n${t.color}\n${t.style.lineWidth}/${t.style.marker}\n`;
      drawn.push(t);
    }
    if (key !== this.#drawnKey) full = true;
    this.#drawnKey = key;
    const ctx = this.#ctx;
    const shift = full || !sameY || xKey !== this.#drawnX
      ? 0
      : this.#shiftPx(grid, perSlot * hpr);
    this.#drawnGrid = grid;
    this.#drawnX = xKey;
    if (full) {
      ctx.clearRect(0, 0, this.#width, this.#height);
      for (const t of drawn) t.height.fill(0);
    } else if (shift > 0 && shift < columns) {
      this.#shift(shift, drawn);
    }
    // runs of columns where some trace's rectangle moved: cleared, then every trace refilled
    const runs: number[] = [];
    let start = -1;
    for (let c = 0; c <= columns; c++) {
      let dirty = false;
      if (c < columns) {
        for (const t of drawn) {
          if (
            t.nextHeight[c] !== t.height[c] ||
            (t.nextHeight[c] !== 0 && t.nextTop[c] !== t.top[c])
          ) {
            dirty = true;
            break;
          }
        }
      }
      if (dirty && start < 0) start = c;
      else if (!dirty && start >= 0) {
        runs.push(start, c);
        start = -1;
      }
    }
    if (!full) {
      for (let r = 0; r < runs.length; r += 2) {
        ctx.clearRect(runs[r], 0, runs[r + 1] - runs[r], this.#height);
      }
    }
    let filled = false;
    for (const t of drawn) {
      if (runs.length > 0) ctx.fillStyle = t.color;
      const top = t.nextTop;
      const height = t.nextHeight;
      for (let r = 0; r < runs.length; r += 2) {
        const end = runs[r + 1];
        // neighbouring columns with the same rows are one rectangle (a solid band is one)
        for (let c = runs[r]; c < end;) {
          const h = height[c];
          let e = c + 1;
          if (h === 0) {
            c = e;
            continue;
          }
          while (e < end && height[e] === h && top[e] === top[c]) e++;
          ctx.fillRect(c, top[c], e - c, h);
          c = e;
          filled = true;
        }
      }
      t.nextTop = t.top;
      t.nextHeight = t.height;
      t.top = top;
      t.height = height;
    }
    if (filled && this.#onTrace !== null) {
      const once = this.#onTrace;
      this.#onTrace = null;
      once();
    }
  }

  /**
   * Device pixels the picture moved left since the last render: a whole number, or 0 when the
   * grid changed in some other way (or by slots that are not whole pixels).
   */
  #shiftPx(grid: Grid | null, pxPerSlot: number): number {
    const was = this.#drawnGrid;
    if (
      grid === null || was === null || grid.step !== was.step ||
      grid.slots !== was.slots || grid.first <= was.first
    ) return 0;
    const px = (grid.first - was.first) * pxPerSlot;
    const whole = Math.round(px);
    return Math.abs(px - whole) < 1e-6 ? whole : 0;
  }

  /** Moves the canvas and what it holds `px` device columns left; the right end is left empty. */
  #shift(px: number, drawn: Layered[]): void {
    const w = this.#width;
    const h = this.#height;
    if (this.#back === null) this.#back = document.createElement("canvas");
    const back = this.#back;
    if (back.width !== w || back.height !== h) {
      back.width = w;
      back.height = h;
    }
    const b = back.getContext("2d")!;
    b.globalCompositeOperation = "copy";
    b.drawImage(this.canvas, -px, 0);
    const ctx = this.#ctx;
    ctx.globalCompositeOperation = "copy";
    ctx.drawImage(back, 0, 0);
    ctx.globalCompositeOperation = "source-over";
    ctx.clearRect(w - px, 0, px, h);
    for (const t of drawn) {
      t.top.copyWithin(0, px);
      t.height.copyWithin(0, px);
      t.height.fill(0, w - px);
    }
  }

  dispose(): void {
    this.chart.panes()[0]?.detachPrimitive(this.#hook);
    this.canvas.remove();
  }

  /** The pane's main canvas, with the layer placed just above it (below the crosshair's). */
  #paneCanvas(): HTMLCanvasElement | null {
    const main = this.chart.panes()[0]?.getHTMLElement()?.querySelector(
      "canvas",
    );
    if (!main) return null;
    if (this.canvas.previousElementSibling !== main) main.after(this.canvas);
    return main;
  }

  /** Where the chart puts trace `t`'s slots and values now, in device pixels. */
  #map(t: Layered, hpr: number, vpr: number): ColumnMap | null {
    const values = t.values!;
    const ts = this.chart.timeScale();
    const last = values.length - 1;
    const x0 = ts.logicalToCoordinate(0 as never);
    const x1 = ts.logicalToCoordinate(last as never);
    const prices = t.series.priceScale().getVisibleRange();
    if (x0 === null || x1 === null || prices === null) return null;
    // the price scale is linear: two points of it map every value
    const p0 = prices.from;
    const p1 = prices.to === prices.from ? prices.from + 1 : prices.to;
    const y0 = t.series.priceToCoordinate(p0);
    const y1 = t.series.priceToCoordinate(p1);
    if (y0 === null || y1 === null) return null;
    return {
      x0,
      perSlot: last > 0 ? (x1 - x0) / last : 0,
      p0,
      y0,
      perValue: (y1 - y0) / (p1 - p0),
      hpr,
      vpr,
    };
  }
}
