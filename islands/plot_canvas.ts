import type { Spectrum } from "../lib/fft.ts";
import { formatY, niceStep } from "../lib/grid.ts";
import { formatSI } from "../lib/si.ts";
import { DIVISIONS_X, DIVISIONS_Y } from "../lib/timebase.ts";

const BG = "#05080b";
const GRID = "rgba(110, 140, 170, 0.16)";
const AXIS = "rgba(150, 175, 200, 0.42)";
const TEXT = "#8fa1b3";
const FONT = "11px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";
const MARGIN = { left: 62, right: 18, top: 16, bottom: 28 };

/** A value range drawn over a number of divisions. */
export interface AxisRange {
  min: number;
  max: number;
}

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
    this.canvas.setAttribute("role", "img");
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

  #plot() {
    return {
      x: MARGIN.left,
      y: MARGIN.top,
      w: this.#width - MARGIN.left - MARGIN.right,
      h: this.#height - MARGIN.top - MARGIN.bottom,
    };
  }

  /** Background, divisions, the centre axes with their minor ticks, and the frame. */
  #graticule(): void {
    const ctx = this.#ctx;
    const p = this.#plot();
    ctx.fillStyle = BG;
    ctx.fillRect(0, 0, this.#width, this.#height);
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

  #labels(
    x: AxisRange,
    y: AxisRange,
    fx: (v: number) => string,
    fy: (v: number) => string,
  ): void {
    const ctx = this.#ctx;
    const p = this.#plot();
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
    this.#graticule();
    const { a, b, xRange, yRange } = opts;
    this.#labels(xRange, yRange, formatY, formatY);
    const ctx = this.#ctx;
    const p = this.#plot();
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
    this.#caption(opts.yLabel, opts.xLabel);
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
    this.#graticule();
    const xRange = { min: 0, max: maxFrequency };
    this.#labels(
      xRange,
      dbRange,
      (v) => axisLabel(v, "Hz"),
      (v) => `${Math.round(v)} dB`,
    );
    const ctx = this.#ctx;
    const p = this.#plot();
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
          `${formatSI(s.peak.frequency, "Hz")}  ${s.peak.db.toFixed(1)} dB`,
          px + (ctx.textAlign === "right" ? -8 : 8),
          py - 8,
        );
      }
    }
    ctx.restore();
    this.#caption(caption, "");
  }

  /** Small labels in the corners: what is on the y axis (top left) and the x axis (bottom). */
  #caption(topLeft: string, bottom: string): void {
    const ctx = this.#ctx;
    const p = this.#plot();
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

  dispose(): void {
    this.canvas.remove();
  }
}

/**
 * A range over `divisions` with a 1-2-5 value per division that holds [min, max] with a little
 * room, centred on a multiple of that value: stable as the signal wanders slightly.
 */
export function niceRange(
  min: number,
  max: number,
  divisions: number,
): AxisRange {
  if (!(max >= min) || !Number.isFinite(min) || !Number.isFinite(max)) {
    return { min: -1, max: 1 };
  }
  const swing = Math.max(max - min, Math.abs(max) * 1e-6, 1e-12);
  let perDiv = niceStep((swing * 1.15) / divisions).step;
  let center = Math.round((max + min) / 2 / perDiv) * perDiv;
  // rounding the centre can push an edge out: one step more per division then holds it
  if (
    center - (perDiv * divisions) / 2 > min ||
    center + (perDiv * divisions) / 2 < max
  ) {
    perDiv = niceStep(perDiv * 1.01).step;
    center = Math.round((max + min) / 2 / perDiv) * perDiv;
  }
  return {
    min: center - (perDiv * divisions) / 2,
    max: center + (perDiv * divisions) / 2,
  };
}

/**
 * The frequency span to show: 1.5 times the frequency below which all but `tail` of the
 * spectrum's power lies (DC left out), as 10 divisions of a 1-2-5 value; the whole spectrum up
 * to Nyquist when the power is spread out (noise).
 */
export function spectrumSpan(sp: Spectrum, tail = 1e-3): number {
  const { frequency, db } = sp;
  const nyquist = frequency[frequency.length - 1];
  let total = 0;
  for (let k = 1; k < db.length; k++) total += 10 ** (db[k] / 10);
  let sum = 0;
  let edge = nyquist;
  for (let k = 1; k < db.length; k++) {
    sum += 10 ** (db[k] / 10);
    if (sum >= total * (1 - tail)) {
      edge = frequency[k];
      break;
    }
  }
  const wanted = Math.max(edge * 1.5, sp.binWidth * 8);
  if (!(wanted < nyquist * 0.7)) return nyquist;
  // a 1-2-5 value per division, so the frequency labels are round numbers
  return niceStep(wanted / DIVISIONS_X).step * DIVISIONS_X;
}

/** An axis label: a prefixed value without trailing zeros ("50 Hz", "1.5 kHz"). */
export function axisLabel(v: number, unit: string): string {
  return formatSI(v, unit, 4).replace(/(\.\d*?)0+(?= )/, "$1").replace(
    /\.(?= )/,
    "",
  );
}
