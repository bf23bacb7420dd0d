import type { Spectrum } from "../../lib/scope/fft.ts";
import { formatY } from "../../lib/shared/grid.ts";
import { formatDb, formatSI } from "../../lib/scope/si.ts";
import {
  drawCaption,
  drawGraticule,
  drawLabels,
  FONT,
  plotArea,
} from "./graticule.ts";
import { axisLabel, type AxisRange } from "./plot_axes.ts";

export interface SpectrumDraw {
  name: string;
  color: string;
  sp: Spectrum;
  peak: { frequency: number; db: number } | null;
}

/**
 * The XY and FFT screens: a canvas with a bench scope's 10 x 8 graticule. lightweight-charts
 * draws time series; these two are plots of one value against another, which a canvas draws
 * more simply and faster (one path per frame, no per-point objects).
 */
export class PlotCanvas {
  readonly canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  #width = 0;
  #height = 0;

  constructor(readonly element: HTMLElement) {
    this.canvas = document.createElement("canvas");
    // the element around it is the image, named for what it shows (ui/Screen.tsx)
    this.canvas.setAttribute("aria-hidden", "true");
    element.append(this.canvas);
    this.#ctx = this.canvas.getContext("2d")!;
  }

  /** Sizes the canvas to its element at the device's pixel ratio; false when it has no size. */
  #fit(): boolean {
    const w = this.element.clientWidth;
    const h = this.element.clientHeight;
    if (w < 50 || h < 50) return false;
    const dpr = globalThis.devicePixelRatio || 1;
    if (this.#width !== w || this.#height !== h) {
      this.#width = w;
      this.#height = h;
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    this.#ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return true;
  }

  /** Channel A against channel B, newest points brightest, like a scope's XY persistence. */
  drawXY(opts: {
    a: Float64Array;
    b: Float64Array;
    color: string;
    xRange: AxisRange;
    yRange: AxisRange;
    xLabel: string;
    yLabel: string;
  }): void {
    if (!this.#fit()) return;
    const ctx = this.#ctx;
    const p = plotArea(this.#width, this.#height);
    drawGraticule(ctx, this.#width, this.#height);
    const { a, b, xRange, yRange } = opts;
    drawLabels(ctx, p, xRange, yRange, formatY, formatY);
    const sx = p.w / (xRange.max - xRange.min);
    const sy = p.h / (yRange.max - yRange.min);
    ctx.save();
    ctx.beginPath();
    ctx.rect(p.x, p.y, p.w, p.h);
    ctx.clip();
    ctx.strokeStyle = opts.color;
    ctx.lineJoin = "round";
    // older points fainter: four passes of quarters, the newest drawn last and brightest
    const n = a.length;
    const parts = 4;
    for (let k = 0; k < parts; k++) {
      const from = Math.floor((n * k) / parts);
      const to = Math.min(n, Math.floor((n * (k + 1)) / parts) + 1);
      if (to - from < 2) continue;
      ctx.globalAlpha = 0.35 + (0.65 * (k + 1)) / parts;
      ctx.lineWidth = k === parts - 1 ? 1.6 : 1.2;
      ctx.beginPath();
      for (let i = from; i < to; i++) {
        const px = p.x + (a[i] - xRange.min) * sx;
        const py = p.y + p.h - (b[i] - yRange.min) * sy;
        if (i === from) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      }
      ctx.stroke();
    }
    if (n === 1) {
      ctx.fillStyle = opts.color;
      ctx.fillRect(
        p.x + (a[0] - xRange.min) * sx - 2,
        p.y + p.h - (b[0] - yRange.min) * sy - 2,
        4,
        4,
      );
    }
    ctx.restore();
    drawCaption(ctx, p, opts.yLabel, opts.xLabel);
  }

  /**
   * Amplitude spectra in dB over 0..`maxFrequency`, each pixel column showing the strongest bin
   * in it (so a narrow peak survives however many bins share a pixel), with a peak marker.
   */
  drawSpectra(
    spectra: SpectrumDraw[],
    maxFrequency: number,
    dbRange: AxisRange,
    caption: string,
  ): void {
    if (!this.#fit()) return;
    const ctx = this.#ctx;
    const p = plotArea(this.#width, this.#height);
    drawGraticule(ctx, this.#width, this.#height);
    const xRange = { min: 0, max: maxFrequency };
    drawLabels(
      ctx,
      p,
      xRange,
      dbRange,
      (v) => axisLabel(v, "Hz"),
      (v) => `${Math.round(v)} dB`,
    );
    const columns = Math.max(1, Math.floor(p.w));
    const top = new Float64Array(columns);
    const yOf = (db: number) =>
      p.y +
      (p.h * (dbRange.max - Math.max(dbRange.min, Math.min(dbRange.max, db)))) /
        (dbRange.max - dbRange.min);
    ctx.save();
    ctx.beginPath();
    ctx.rect(p.x, p.y, p.w, p.h);
    ctx.clip();
    for (const s of spectra) {
      top.fill(-Infinity);
      const { frequency, db } = s.sp;
      for (let k = 1; k < db.length; k++) {
        const col = Math.floor((frequency[k] / maxFrequency) * columns);
        if (col >= columns) break;
        if (db[k] > top[col]) top[col] = db[k];
      }
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 1.3;
      ctx.globalAlpha = 0.95;
      ctx.beginPath();
      let started = false;
      for (let c = 0; c < columns; c++) {
        if (top[c] === -Infinity) continue;
        const y = yOf(top[c]);
        if (!started) ctx.moveTo(p.x + c + 0.5, y);
        else ctx.lineTo(p.x + c + 0.5, y);
        started = true;
      }
      ctx.stroke();
      // a faint fill under the curve reads as a spectrum at a glance
      if (started) {
        ctx.lineTo(p.x + p.w, p.y + p.h);
        ctx.lineTo(p.x, p.y + p.h);
        ctx.closePath();
        ctx.globalAlpha = 0.08;
        ctx.fillStyle = s.color;
        ctx.fill();
      }
      ctx.globalAlpha = 1;
      if (s.peak && s.peak.frequency <= maxFrequency) {
        const px = p.x + (s.peak.frequency / maxFrequency) * p.w;
        const py = yOf(s.peak.db);
        ctx.fillStyle = s.color;
        ctx.beginPath();
        ctx.moveTo(px, py - 4);
        ctx.lineTo(px - 5, py - 12);
        ctx.lineTo(px + 5, py - 12);
        ctx.closePath();
        ctx.fill();
        ctx.font = FONT;
        ctx.textBaseline = "bottom";
        ctx.textAlign = px > p.x + p.w - 90 ? "right" : "left";
        ctx.fillText(
          `${formatSI(s.peak.frequency, "Hz")}  ${formatDb(s.peak.db)}`,
          px + (ctx.textAlign === "right" ? -8 : 8),
          py - 8,
        );
      }
    }
    ctx.restore();
    drawCaption(ctx, p, caption, "");
  }

  dispose(): void {
    this.canvas.remove();
  }
}
