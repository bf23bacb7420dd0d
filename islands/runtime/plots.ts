import { spectralPeak, spectrum } from "../../lib/scope/fft.ts";
import {
  DIVISIONS_X,
  DIVISIONS_Y,
  formatPerDiv,
} from "../../lib/scope/timebase.ts";
import type { ViewState } from "../../lib/scope/view_state.ts";
import { pairXY } from "../../lib/scope/xy.ts";
import type { Shown } from "../../lib/scope/acquisition.ts";
import type { ScopeModel } from "../state/model.ts";
import { type AxisRange, niceRange, spectrumSpan } from "./plot_axes.ts";
import type { PlotCanvas, SpectrumDraw } from "./plot_canvas.ts";
import type { FftPeak } from "../state/scope_state.ts";
import { formatSI } from "../../lib/scope/si.ts";

/** Samples in the FFT's record: 16 s at 1 kHz, bins of 0.06 Hz; a few ms to transform. */
const FFT_POINTS = 16384;

/**
 * What the XY and FFT views draw from the acquisition: pairs of two channels, or each visible
 * channel's spectrum with its peak (also reported to the model for the readout).
 */
export class Plots {
  // the FFT's frequency span and top dB, kept while they still fit so the picture holds still
  #span = 0;
  #top = 0;

  constructor(readonly plot: PlotCanvas, readonly model: ScopeModel) {}

  /** Channel A (view.xy.x) against channel B over the window on screen. */
  xy(s: Shown, v: ViewState): void {
    const names = [...s.record.keys()];
    const xy = v.xy ?? { x: names[0], y: names[1] ?? names[0] };
    const a = s.record.get(xy.x);
    const b = s.record.get(xy.y);
    if (!a || !b) {
      this.plot.drawXY({
        a: new Float64Array(0),
        b: new Float64Array(0),
        color: "#8fa1b3",
        xRange: { min: -1, max: 1 },
        yRange: { min: -1, max: 1 },
        xLabel: "X: –",
        yLabel: "Y: –  (XY needs two channels)",
      });
      return;
    }
    const w = s.window;
    const pairs = pairXY(a, b, w?.from, w?.to, 4096);
    const range = (values: Float64Array, name: string, divs: number) => {
      const fixed = v.vertical[name];
      if (fixed) {
        return {
          min: -fixed.offset - (fixed.voltsPerDiv * divs) / 2,
          max: -fixed.offset + (fixed.voltsPerDiv * divs) / 2,
        };
      }
      let lo = Infinity;
      let hi = -Infinity;
      for (const value of values) {
        if (value < lo) lo = value;
        if (value > hi) hi = value;
      }
      return niceRange(lo, hi, divs);
    };
    const xRange = range(pairs.a, xy.x, DIVISIONS_X);
    const yRange = range(pairs.b, xy.y, DIVISIONS_Y);
    const perDiv = (r: AxisRange, divs: number) =>
      formatPerDiv(Number(((r.max - r.min) / divs).toPrecision(6)));
    this.plot.drawXY({
      a: pairs.a,
      b: pairs.b,
      color: this.model.colorOf(xy.y),
      xRange,
      yRange,
      xLabel: `X: ${xy.x}  ${perDiv(xRange, DIVISIONS_X)}`,
      yLabel: `Y: ${xy.y}  ${perDiv(yRange, DIVISIONS_Y)}`,
    });
  }

  /**
   * Each visible channel's amplitude spectrum in dB, over a record of its own: the newest
   * FFT_POINTS samples up to the screen's right edge (a screenful of a fast signal is a few
   * dozen samples, and bins as wide as the screen is short).
   */
  fft(s: Shown, v: ViewState): void {
    const spectra: SpectrumDraw[] = [];
    for (const [name, ring] of s.source) {
      if (v.hidden.includes(name)) continue;
      const sp = spectrum(ring, {
        window: v.fftWindow,
        maxPoints: FFT_POINTS,
        toX: s.window?.to,
      });
      if (sp) {
        spectra.push({
          name,
          color: this.model.colorOf(name),
          sp,
          peak: spectralPeak(sp),
        });
      }
    }
    const peaks: FftPeak[] = spectra.filter((d) => d.peak !== null).map((
      d,
    ) => ({
      name: d.name,
      color: d.color,
      frequency: d.peak!.frequency,
      db: d.peak!.db,
    }));
    this.model.fftPeaks.value = peaks;
    const record = spectra[0]?.sp;
    const prev = this.model.fftRecord.peek();
    if (
      record &&
      (prev?.count !== record.count || prev.resolution !== record.resolution)
    ) {
      this.model.fftRecord.value = {
        count: record.count,
        resolution: record.resolution,
      };
    }
    if (spectra.length === 0) {
      this.plot.drawSpectra([], 1, { min: -80, max: 0 }, "FFT: no data");
      return;
    }
    const strongest = Math.max(...peaks.map((p) => p.db), -200);
    // the span and the dB scale move only when they must, so the picture does not jump
    const span = Math.max(
      ...spectra.map((d) => spectrumSpan(d.sp)),
    );
    if (span > this.#span * 1.01 || span < this.#span / 2.5) this.#span = span;
    const top = Math.ceil((strongest + 6) / 10) * 10;
    if (top > this.#top || top < this.#top - 20) this.#top = top;
    this.plot.drawSpectra(
      spectra,
      this.#span,
      { min: this.#top - 10 * DIVISIONS_Y, max: this.#top },
      `FFT ${v.fftWindow}  10 dB/div  ${
        formatPerDiv(this.#span / DIVISIONS_X, "Hz")
      }  N ${spectra[0].sp.count}  Δf ${
        formatSI(spectra[0].sp.resolution, "Hz")
      }`,
    );
  }
}
