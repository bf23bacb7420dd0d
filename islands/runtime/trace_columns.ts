import type {
  AutoscaleInfo,
  IChartApiBase,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
  Logical,
  SeriesAttachedParameter,
} from "lightweight-charts";

/** what the chart hands a renderer: a canvas with its pixel ratios (fancy-canvas's type) */
type Target = Parameters<IPrimitivePaneRenderer["draw"]>[0];

/**
 * A dense trace drawn as one filled rectangle per pixel column, over the rows a 1 px line through
 * the slot values (min, max, min, …) crosses in that column: the line's picture, at a fraction of
 * its cost. A software-rendered canvas strokes a zigzag of thousands of near-vertical segments
 * several times slower than it fills the same pixels as whole-pixel rectangles, and that raster,
 * at every frame of a rolling screen, was the biggest part of the page's main thread. Each column covers the rows the line's segments cross
 * in it, so a stretch between two far-apart points is the line the series would draw there.
 *
 * A primitive of the line series, drawn with it (its z-order, visibility and price scale), and
 * the source of its autoscaled range: the series itself holds only its newest point then, for
 * the last-value label and the price mapping, with its own line off.
 */
export class TraceColumns implements ISeriesPrimitive<number> {
  #chart: IChartApiBase<number> | null = null;
  #series: ISeriesApi<"Line", number> | null = null;
  /** one value per grid slot (NaN: none), the ones the series holds; null draws nothing */
  #values: Float64Array | null = null;
  /** per device pixel column, the highest and lowest row the line reaches: kept, not per frame */
  #top = new Float32Array(0);
  #bottom = new Float32Array(0);
  readonly #view: IPrimitivePaneView;

  constructor(readonly color: string) {
    const renderer: IPrimitivePaneRenderer = {
      draw: (target) => this.#draw(target),
    };
    this.#view = { renderer: () => (this.#values === null ? null : renderer) };
  }

  attached(p: SeriesAttachedParameter<number>): void {
    this.#chart = p.chart;
    this.#series = p.series as ISeriesApi<"Line", number>;
  }

  detached(): void {
    this.#chart = null;
    this.#series = null;
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return [this.#view];
  }

  /** The range of the values between two slots (logical indices), for the autoscale. */
  autoscaleInfo(from: Logical, to: Logical): AutoscaleInfo | null {
    const values = this.#values;
    if (values === null) return null;
    let min = Infinity;
    let max = -Infinity;
    const end = Math.min(values.length - 1, Math.ceil(to));
    for (let i = Math.max(0, Math.floor(from)); i <= end; i++) {
      const v = values[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return min <= max ? { priceRange: { minValue: min, maxValue: max } } : null;
  }

  /** Draws `values` (slot i at logical index i) from the next paint on, or nothing (null). */
  show(values: Float64Array | null): void {
    this.#values = values;
  }

  #draw(target: Target): void {
    const values = this.#values;
    const chart = this.#chart;
    const series = this.#series;
    if (values === null || chart === null || series === null) return;
    const ts = chart.timeScale();
    const last = values.length - 1;
    const x0 = ts.logicalToCoordinate(0 as never);
    const x1 = ts.logicalToCoordinate(last as never);
    const range = ts.getVisibleLogicalRange();
    const prices = series.priceScale().getVisibleRange();
    if (x0 === null || x1 === null || range === null || prices === null) {
      return;
    }
    // the price scale is linear: two points of it map every value
    const p0 = prices.from;
    const p1 = prices.to === prices.from ? prices.from + 1 : prices.to;
    const y0 = series.priceToCoordinate(p0);
    const y1 = series.priceToCoordinate(p1);
    if (y0 === null || y1 === null) return;
    const perSlot = last > 0 ? (x1 - x0) / last : 0;
    const perPrice = (y1 - y0) / (p1 - p0);
    const from = Math.max(0, Math.floor(range.from) - 1);
    const to = Math.min(last, Math.ceil(range.to) + 1);
    target.useBitmapCoordinateSpace(
      (
        {
          context: ctx,
          bitmapSize,
          horizontalPixelRatio: hpr,
          verticalPixelRatio: vpr,
        },
      ) => {
        const columns = bitmapSize.width;
        if (this.#top.length < columns) {
          this.#top = new Float32Array(columns);
          this.#bottom = new Float32Array(columns);
        }
        const tops = this.#top.fill(Infinity, 0, columns);
        const bottoms = this.#bottom.fill(-Infinity, 0, columns);
        // a 1 px line covers half a pixel either side of its path, across as well as up: each
        // device pixel column gets the rows of the path within that reach of it
        const reach = hpr / 2;
        /** Rows from y at xa to y2 at xb (xa <= xb) into the columns they reach. */
        const cover = (xa: number, y: number, xb: number, y2: number) => {
          const first = Math.max(0, Math.floor(xa - reach));
          const last = Math.min(columns - 1, Math.floor(xb + reach));
          const slope = xb > xa ? (y2 - y) / (xb - xa) : 0;
          for (let c = first; c <= last; c++) {
            const ca = Math.max(xa, c - reach);
            const cb = Math.min(xb, c + 1 + reach);
            const ya = y + (ca - xa) * slope;
            const yb = y + (cb - xa) * slope;
            const lo = ya < yb ? ya : yb;
            const hi = ya < yb ? yb : ya;
            if (lo < tops[c]) tops[c] = lo;
            if (hi > bottoms[c]) bottoms[c] = hi;
          }
        };
        let px = NaN;
        let py = 0;
        for (let i = from; i <= to; i++) {
          const v = values[i];
          if (Number.isNaN(v)) continue;
          const x = (x0 + i * perSlot) * hpr;
          const y = (y0 + (v - p0) * perPrice) * vpr;
          if (Number.isNaN(px)) cover(x, y, x, y);
          else cover(px, py, x, y);
          px = x;
          py = y;
        }
        ctx.fillStyle = this.color;
        const half = vpr / 2;
        for (let c = 0; c < columns; c++) {
          if (!(tops[c] <= bottoms[c])) continue;
          const t = Math.round(tops[c] - half);
          const b = Math.round(bottoms[c] + half);
          ctx.fillRect(c, t, 1, Math.max(1, b - t));
        }
      },
    );
  }
}
