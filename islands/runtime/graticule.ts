// The furniture of the XY and FFT canvas, drawn around the traces: a bench scope's 10 x 8
// graticule, the value at each division, and captions in the corners.
import { DIVISIONS_X, DIVISIONS_Y } from "../../lib/scope/timebase.ts";
import type { AxisRange } from "./plot_axes.ts";

const BG = "#05080b";
const GRID = "rgba(110, 140, 170, 0.16)";
const AXIS = "rgba(150, 175, 200, 0.42)";
const TEXT = "#8fa1b3";
export const FONT =
  "11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
const MARGIN = { left: 62, right: 18, top: 16, bottom: 28 };

/** The plot area inside the margins, in CSS pixels. */
export interface PlotArea {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The plot area of a canvas `width` x `height` CSS pixels: the canvas less the label margins. */
export function plotArea(width: number, height: number): PlotArea {
  return {
    x: MARGIN.left,
    y: MARGIN.top,
    w: width - MARGIN.left - MARGIN.right,
    h: height - MARGIN.top - MARGIN.bottom,
  };
}

/** Background, divisions, the centre axes with their minor ticks, and the frame. */
export function drawGraticule(
  ctx: CanvasRenderingContext2D,
  width: number,
  height: number,
): void {
  const p = plotArea(width, height);
  ctx.fillStyle = BG;
  ctx.fillRect(0, 0, width, height);
  ctx.strokeStyle = GRID;
  ctx.lineWidth = 1;
  ctx.setLineDash([1, 3]);
  ctx.beginPath();
  for (let i = 1; i < DIVISIONS_X; i++) {
    const x = Math.round(p.x + (p.w * i) / DIVISIONS_X) + 0.5;
    ctx.moveTo(x, p.y);
    ctx.lineTo(x, p.y + p.h);
  }
  for (let i = 1; i < DIVISIONS_Y; i++) {
    const y = Math.round(p.y + (p.h * i) / DIVISIONS_Y) + 0.5;
    ctx.moveTo(p.x, y);
    ctx.lineTo(p.x + p.w, y);
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = AXIS;
  ctx.beginPath();
  const cx = Math.round(p.x + p.w / 2) + 0.5;
  const cy = Math.round(p.y + p.h / 2) + 0.5;
  for (let i = 0; i <= DIVISIONS_X * 5; i++) {
    const x = Math.round(p.x + (p.w * i) / (DIVISIONS_X * 5)) + 0.5;
    const len = i % 5 === 0 ? 6 : 3;
    ctx.moveTo(x, cy - len);
    ctx.lineTo(x, cy + len);
  }
  for (let i = 0; i <= DIVISIONS_Y * 5; i++) {
    const y = Math.round(p.y + (p.h * i) / (DIVISIONS_Y * 5)) + 0.5;
    const len = i % 5 === 0 ? 6 : 3;
    ctx.moveTo(cx - len, y);
    ctx.lineTo(cx + len, y);
  }
  ctx.stroke();
  ctx.strokeStyle = "#1d2833";
  ctx.strokeRect(p.x + 0.5, p.y + 0.5, p.w - 1, p.h - 1);
}

/** The value at each division along the bottom (x) and the left (y) of the plot area. */
export function drawLabels(
  ctx: CanvasRenderingContext2D,
  p: PlotArea,
  x: AxisRange,
  y: AxisRange,
  fx: (v: number) => string,
  fy: (v: number) => string,
): void {
  ctx.font = FONT;
  ctx.fillStyle = TEXT;
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const every = p.w / DIVISIONS_X < 70 ? 2 : 1;
  for (let i = 0; i <= DIVISIONS_X; i += every) {
    const v = x.min + ((x.max - x.min) * i) / DIVISIONS_X;
    const px = p.x + (p.w * i) / DIVISIONS_X;
    ctx.textAlign = i === 0 ? "left" : i === DIVISIONS_X ? "right" : "center";
    ctx.fillText(fx(v), px, p.y + p.h + 7);
  }
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let i = 0; i <= DIVISIONS_Y; i++) {
    const v = y.max - ((y.max - y.min) * i) / DIVISIONS_Y;
    ctx.fillText(fy(v), p.x - 7, p.y + (p.h * i) / DIVISIONS_Y);
  }
}

/** Small labels in the corners: what is on the y axis (top left) and the x axis (bottom). */
export function drawCaption(
  ctx: CanvasRenderingContext2D,
  p: PlotArea,
  topLeft: string,
  bottom: string,
): void {
  ctx.font = FONT;
  ctx.globalAlpha = 1;
  ctx.textBaseline = "top";
  ctx.textAlign = "left";
  ctx.fillStyle = "#c9d6e2";
  ctx.fillText(topLeft, p.x + 8, p.y + 6);
  if (bottom) {
    ctx.textAlign = "right";
    ctx.textBaseline = "bottom";
    ctx.fillText(bottom, p.x + p.w - 8, p.y + p.h - 6);
  }
}
