import type {
  IChartApiBase,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesApi,
  ISeriesPrimitive,
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
 * A primitive of the line series, drawn with it (its z-order, visibility and price scale), while
 * the series keeps the points for the axis, the last-value label and the mapping; the series'
 * own line is off while the columns are on.
 */
export class TraceColumns implements ISeriesPrimitive<number> {
  #chart: IChartApiBase<number> | null = null;
  #series: ISeriesApi<"Line", number> | null = null;
  /** one value per grid slot (NaN: none), the ones the series holds; null draws nothing */
  #values: Float64Array | null = null;
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
        { context: ctx, horizontalPixelRatio: hpr, verticalPixelRatio: vpr },
      ) => {
        ctx.fillStyle = this.color;
        // a 1 px line covers half a pixel either side of its path: in rows, and in columns (a
        // column is a device pixel wide, so steps stay fine on a high-density screen)
        const half = vpr / 2;
        const width = Math.max(1, Math.round(hpr));
        const left = Math.floor((width - 1) / 2);
        let col = NaN; // the device pixel column being gathered, and the rows the line covers in it
        let top = 0;
        let bottom = 0;
        const flush = () => {
          const t = Math.round(top - half);
          const b = Math.round(bottom + half);
          ctx.fillRect(col - left, t, width, Math.max(1, b - t));
        };
        /** The rows from y to y2 in column c: gathered with the column's, or a column of its own. */
        const cover = (c: number, y: number, y2: number) => {
          const lo = y < y2 ? y : y2;
          const hi = y < y2 ? y2 : y;
          if (c === col) {
            if (lo < top) top = lo;
            if (hi > bottom) bottom = hi;
            return;
          }
          if (!Number.isNaN(col)) flush();
          col = c;
          top = lo;
          bottom = hi;
        };
        let px = NaN;
        let py = 0;
        for (let i = from; i <= to; i++) {
          const v = values[i];
          if (Number.isNaN(v)) continue;
          const x = (x0 + i * perSlot) * hpr;
          const y = (y0 + (v - p0) * perPrice) * vpr;
          if (Number.isNaN(px) || !(x > px)) {
            cover(Math.floor(x), y, y);
          } else {
            // the segment from the previous point, column by column: the rows it crosses in each
            const slope = (y - py) / (x - px);
            const last = Math.floor(x);
            for (let c = Math.floor(px); c <= last; c++) {
              const xa = c > px ? c : px;
              const xb = c + 1 < x ? c + 1 : x;
              cover(c, py + (xa - px) * slope, py + (xb - px) * slope);
            }
          }
          px = x;
          py = y;
        }
        if (!Number.isNaN(col)) flush();
      },
    );
  }
}
