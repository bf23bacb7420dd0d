// The trace a page shows before its bundle has run: the server draws the record's envelope in
// the page itself, as rows of min/max buckets across the fit-all window, and the page's inline
// script paints them onto a canvas over the plot area while the bundle downloads, compiles,
// hydrates and sets up the chart (most of a joining page's first 300 ms). The chart's own
// first trace takes its place: the same window, scale and rows (see first_paint.ts).
import { fitExtent } from "./acquisition.ts";
import { formatY } from "../shared/grid.ts";
import type { RingBuffer } from "../shared/ring_buffer.ts";

/**
 * The picture: the fit-all window `from`..`to` in `columns` equal buckets, and per trace its
 * colour, the points the page will hold of it, and each bucket's (low, high), oldest first
 * ("": a trace on the picture's scale that the chart draws in a way the picture does not).
 */
export interface FirstPicture {
  from: number;
  to: number;
  columns: number;
  traces: { color: string; count: number; rows: string }[];
}

/** A channel the page will draw: its colour and the newest `points` of its ring. */
export interface PictureSource {
  color: string;
  ring: RingBuffer;
}

// buckets across the window: more than the device columns of a full-HD plot, so every column
// takes its rows from at least one whole bucket
export const PICTURE_COLUMNS = 2048;
// a bucket's low and high as 0..LEVELS of the shared range; EMPTY: no point in it
export const LEVELS = 65534;
export const EMPTY = 65535;
// the work a page request may cost: a picture of more is not drawn (the chart's comes anyway)
const MAX_TRACES = 4;
const MAX_POINTS = 1_000_000;
// the longest y label the chart's price axis holds at its minimum width (88 px), e.g.
// -0.0942478 (measured in Chromium's monospace at 11 px; -0.00012345 widens it by 6 px): a
// longer one widens the axis, and the plot would not be where the picture is
const MAX_LABEL = 10;

/**
 * The picture of `sources`' newest `points` each, on the chart's shared autoscaled axis and its
 * fit-all window; null where it could not be the chart's picture: nothing to draw, a flat
 * trace (its scale is the chart's choice), x that steps back (the chart's window and scale
 * then come from other points), labels that widen the axis, or too much of it. A trace too
 * sparse to fill its buckets (the chart draws those with thicker lines and dots) is left out;
 * with nothing left, there is no picture.
 */
export function firstPicture(
  sources: PictureSource[],
  points: number,
  columns = PICTURE_COLUMNS,
): FirstPicture | null {
  const held = sources.filter((s) => s.ring.size > 0);
  if (held.length === 0 || held.length > MAX_TRACES) return null;
  const counts = held.map((s) => Math.min(s.ring.size, points));
  if (counts.reduce((a, b) => a + b, 0) > MAX_POINTS) return null;
  let first = Infinity;
  let last = -Infinity;
  for (let k = 0; k < held.length; k++) {
    const ring = held[k].ring;
    for (let i = ring.size - counts[k] + 1; i < ring.size; i++) {
      if (!(ring.xAt(i) >= ring.xAt(i - 1))) return null;
    }
    first = Math.min(first, ring.xAt(ring.size - counts[k]));
    last = Math.max(last, ring.xAt(ring.size - 1));
  }
  const fit = fitExtent(first, last);
  if (fit === null || !Number.isFinite(fit.to - fit.from)) return null;
  const inWindow = (x: number) => x >= fit.from && x <= fit.to;
  // the autoscale's range: what is on screen
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let k = 0; k < held.length; k++) {
    const ring = held[k].ring;
    for (let i = ring.size - counts[k]; i < ring.size; i++) {
      if (!inWindow(ring.xAt(i))) continue;
      const y = ring.yAt(i);
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  if (!(yMax > yMin) || !Number.isFinite(yMax - yMin)) return null;
  const span = fit.to - fit.from;
  const bucketOf = (x: number) =>
    Math.min(columns - 1, Math.floor(((x - fit.from) / span) * columns));
  const labels = [yMin, yMax];
  const traces: FirstPicture["traces"] = [];
  for (let k = 0; k < held.length; k++) {
    const ring = held[k].ring;
    const rows = new Uint16Array(2 * columns).fill(EMPTY);
    const lastBucket = bucketOf(ring.xAt(ring.size - 1));
    let lastLow = Infinity;
    let lastHigh = -Infinity;
    for (let i = ring.size - counts[k]; i < ring.size; i++) {
      const x = ring.xAt(i);
      if (!inWindow(x)) continue;
      const c = bucketOf(x);
      const y = ring.yAt(i);
      const level = Math.round(((y - yMin) / (yMax - yMin)) * LEVELS);
      if (rows[2 * c] === EMPTY || level < rows[2 * c]) rows[2 * c] = level;
      if (rows[2 * c + 1] === EMPTY || level > rows[2 * c + 1]) {
        rows[2 * c + 1] = level;
      }
      if (c === lastBucket) {
        lastLow = Math.min(lastLow, y);
        lastHigh = Math.max(lastHigh, y);
      }
    }
    // the last-value label shows the newest slot's value: one of its bucket's extremes
    labels.push(lastLow, lastHigh);
    // a sparse trace is the chart's to draw (dots, thicker lines): left out of the picture,
    // on whose scale it still is, it joins the screen with the chart's first trace
    const dense = denseEnough(rows, columns);
    traces.push({
      color: held[k].color,
      count: counts[k],
      rows: dense ? base64(rows) : "",
    });
  }
  if (labels.some((y) => formatY(y).length > MAX_LABEL)) return null;
  if (traces.every((t) => t.rows === "")) return null;
  return { from: fit.from, to: fit.to, columns, traces };
}

/**
 * Whether the chart draws the trace as the picture does, a 1 px line: buckets filled without a
 * gap between, over more than a third of the window (the chart thickens a trace filling less
 * than a quarter of its slots).
 */
function denseEnough(rows: Uint16Array, columns: number): boolean {
  let filled = 0;
  for (let c = 0; c < columns; c++) if (rows[2 * c] !== EMPTY) filled++;
  return filled * 3 > columns && !hasGap(rows, columns);
}

/** Whether an empty bucket lies between two filled ones. */
function hasGap(rows: Uint16Array, columns: number): boolean {
  let seen = false;
  let gap = false;
  for (let c = 0; c < columns; c++) {
    if (rows[2 * c] === EMPTY) {
      gap ||= seen;
      continue;
    }
    if (gap) return true;
    seen = true;
  }
  return false;
}

/** Little-endian bytes of `rows`, as base64. */
function base64(rows: Uint16Array): string {
  let s = "";
  for (let i = 0; i < rows.length; i++) {
    s += String.fromCharCode(rows[i] & 0xff, rows[i] >> 8);
  }
  return btoa(s);
}
