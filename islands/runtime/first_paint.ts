// The first picture's painter (see lib/scope/first_picture.ts): runs in the page's inline
// script, from its source, as soon as the body is parsed, so a joining page shows its trace
// with its first paint rather than after the bundle has set the chart up. It draws as the
// trace layer does (trace_columns.ts): one rectangle per device column over the rows a 1 px
// line crosses there, on the grid the chart will roll on (roll_grid.ts, the same source) and
// its autoscale mapping, over the plot area the stylesheet gives the canvas (the chart's box
// less its price and time axes). The chart's first trace takes its place (Screen.tsx).
import { AUTO_MARGIN } from "./chart_style.ts";
import { slotsFor } from "./live_chart.ts";
import { EMPTY, LEVELS } from "../../lib/scope/first_picture.ts";
import { makeGrid, niceStep } from "../../lib/shared/grid.ts";
import { rollGrid } from "../../lib/scope/roll_grid.ts";

type GridFor = (
  window: { from: number; to: number },
  plotPx: number,
  exact: boolean,
) => { first: number; step: number; slots: number };

/**
 * Paints the page's first picture, if it has one, onto its canvas. Self-contained: it may use
 * nothing but its arguments and globals.
 */
export function paintFirstPicture(
  margin: number,
  levels: number,
  empty: number,
  gridFor: GridFor,
  slotsFor: (widthPx: number) => number,
): void {
  const data = document.getElementById("first-picture");
  const canvas = document.querySelector<HTMLCanvasElement>(
    "canvas.first-trace",
  );
  const box = document.querySelector<HTMLElement>(".chart");
  if (data === null || canvas === null || box === null) return;
  const picture = JSON.parse(data.textContent ?? "null") as {
    from: number;
    to: number;
    columns: number;
    traces: { color: string; count: number; rows: string }[];
  } | null;
  const ctx = canvas.getContext("2d");
  if (picture === null || ctx === null) return;
  const ratio = globalThis.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (w === 0 || h === 0) return;
  const columns = canvas.width = Math.round(w * ratio);
  canvas.height = Math.round(h * ratio);
  // the snapshots this page asks for are its grid's bucket extremes where a channel holds more
  // than two points a slot, and the chart then rolls on a 1-2-5 grid until they are refined
  const slots = slotsFor(box.clientWidth);
  const reduced = picture.traces.some((t) => t.count > 2 * slots);
  const { from, to, columns: n } = picture;
  const grid = gridFor({ from, to }, w, !reduced);
  // the bucket at device column px: slot i sits at (i + 0.5) bar spacings less a pixel, and
  // buckets are linear in x, so in px too
  const perSlot = w / grid.slots;
  const bucket = (px: number) =>
    ((((px / ratio + 1) / perSlot - 0.5 + grid.first) * grid.step - from) /
      (to - from)) * n;
  const b0At = bucket(0);
  const perPx = bucket(1) - b0At;
  // the price scale's mapping: its margins, then height - 1 across the range, bottom up
  const top = margin * h;
  const inner = h - 2 * top - 1;
  const row = (level: number) =>
    (h - 1 - (top + (inner * level) / levels)) * ratio;
  // a 1 px line covers half a pixel either side of its path, across as well as up
  const half = ratio / 2;
  const rows = new Uint16Array(2 * n);
  for (const trace of picture.traces) {
    if (trace.rows === "") continue;
    const bytes = atob(trace.rows);
    for (let i = 0; i < rows.length; i++) {
      rows[i] = bytes.charCodeAt(2 * i) | (bytes.charCodeAt(2 * i + 1) << 8);
    }
    let prevLo = -1;
    let prevHi = -1;
    ctx.beginPath();
    for (let c = 0; c < columns; c++) {
      const b0 = Math.max(0, Math.floor(b0At + (c - half) * perPx));
      const b1 = Math.min(n, Math.ceil(b0At + (c + 1 + half) * perPx));
      let lo = Infinity;
      let hi = -Infinity;
      for (let b = b0; b < b1; b++) {
        if (rows[2 * b] === empty) continue;
        if (rows[2 * b] < lo) lo = rows[2 * b];
        if (rows[2 * b + 1] > hi) hi = rows[2 * b + 1];
      }
      if (!(lo <= hi)) continue;
      const ownLo = lo;
      const ownHi = hi;
      // the line from the column before reaches into this one
      if (prevHi >= 0 && prevHi < lo) lo = prevHi;
      if (prevLo >= 0 && prevLo > hi) hi = prevLo;
      prevLo = ownLo;
      prevHi = ownHi;
      const t = Math.round(row(hi) - half);
      const bottom = Math.round(row(lo) + half);
      ctx.rect(c, t, 1, Math.max(1, bottom - t));
    }
    // one fill of every column's rectangle: a software canvas fills one path faster than
    // a thousand rectangles one by one
    ctx.fillStyle = trace.color;
    ctx.fill();
  }
}

/**
 * The inline script's part that paints the first picture: the painter, given the chart's own
 * grid functions (declared in the block, where rollGrid finds makeGrid and niceStep; a block
 * of its own, so neither part's failure stops the other).
 */
export function firstPaintScript(): string {
  return `try {\n${niceStep}\n${makeGrid}\n${rollGrid}\n(${paintFirstPicture})(${AUTO_MARGIN}, ${LEVELS}, ${EMPTY}, rollGrid, ${slotsFor});\n} catch (e) { console.error(e); }\n`;
}
