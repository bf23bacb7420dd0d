/**
 * The chart's linear mapping, in device pixels: slot i sits at column `x0 + i * perSlot`, and
 * value v at row `y0 + (v - p0) * perValue`.
 */
export interface ColumnMap {
  x0: number;
  perSlot: number;
  p0: number;
  y0: number;
  perValue: number;
  /** device pixels per CSS pixel, across and down */
  hpr: number;
  vpr: number;
}

/** How a trace is drawn: the line's width and the half-size of a square marker at each point (0: none), in CSS pixels. */
export interface TraceStyle {
  lineWidth: number;
  marker: number;
}

/**
 * A trace as one filled rectangle per device pixel column, over the rows a line through the
 * slot values (min, max, min, …) crosses in that column: the line's picture, at a fraction of
 * its cost. A software-rendered canvas strokes a zigzag of thousands of near-vertical segments
 * several times slower than it fills the same pixels as whole-pixel rectangles. Each column
 * covers the rows the line's segments cross in it, so a stretch between two far-apart points is
 * the line the series would draw there; a marker adds its square around each point.
 *
 * Writes column c's rectangle as rows `top[c]` to `top[c] + height[c]` (height 0: nothing in
 * that column) for the slots `from..to` of `values` (NaN: an empty slot), for `columns` columns.
 * Integer rows, so two pictures can be compared column by column before any pixel is touched.
 */
export function columnRows(
  values: Float64Array,
  from: number,
  to: number,
  map: ColumnMap,
  columns: number,
  top: Int32Array,
  height: Int32Array,
  scratch: { lo: Float32Array; hi: Float32Array },
  style: TraceStyle = { lineWidth: 1, marker: 0 },
): void {
  const lo = scratch.lo.fill(Infinity, 0, columns);
  const hi = scratch.hi.fill(-Infinity, 0, columns);
  // a line covers half its width either side of its path, across as well as up: each device
  // pixel column gets the rows of the path within that reach of it
  const reach = (map.hpr * style.lineWidth) / 2;
  const mx = map.hpr * style.marker;
  const my = map.vpr * style.marker;
  /** A marker's square around (x, y). */
  const mark = (x: number, y: number) => {
    const first = Math.max(0, Math.floor(x - mx));
    const last = Math.min(columns - 1, Math.floor(x + mx));
    for (let c = first; c <= last; c++) {
      if (y - my < lo[c]) lo[c] = y - my;
      if (y + my > hi[c]) hi[c] = y + my;
    }
  };
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
      const a = ya < yb ? ya : yb;
      const b = ya < yb ? yb : ya;
      if (a < lo[c]) lo[c] = a;
      if (b > hi[c]) hi[c] = b;
    }
  };
  let px = NaN;
  let py = 0;
  for (let i = Math.max(0, from); i <= to && i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    const x = (map.x0 + i * map.perSlot) * map.hpr;
    const y = (map.y0 + (v - map.p0) * map.perValue) * map.vpr;
    if (Number.isNaN(px)) cover(x, y, x, y);
    else cover(px, py, x, y);
    if (mx > 0) mark(x, y);
    px = x;
    py = y;
  }
  const half = (map.vpr * style.lineWidth) / 2;
  for (let c = 0; c < columns; c++) {
    if (!(lo[c] <= hi[c])) {
      top[c] = 0;
      height[c] = 0;
      continue;
    }
    const t = Math.round(lo[c] - half);
    const b = Math.round(hi[c] + half);
    top[c] = t;
    height[c] = Math.max(1, b - t);
  }
}

// how far a trace's span may shrink inside the autoscaled range before the range follows it
const SHRINK = 0.9;

/**
 * The range the autoscale is given for a trace whose values span `data`, having been given
 * `held`: the data's range as soon as it leaves the held one, or once it spans less than 90 %
 * of it; otherwise the held range. A live signal's peaks move a little with every frame (the
 * highest sample leaves the window, a new one arrives), and following each of them would move
 * the axis, and repaint the whole chart, at every frame for a picture no one could tell apart.
 */
export function stickyRange(
  held: { min: number; max: number } | null,
  data: { min: number; max: number } | null,
): { min: number; max: number } | null {
  if (held === null || data === null) return data;
  if (data.min < held.min || data.max > held.max) return data;
  if (data.max - data.min < SHRINK * (held.max - held.min)) return data;
  return held;
}
