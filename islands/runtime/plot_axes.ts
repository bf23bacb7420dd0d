// The scales of the XY and FFT plots, apart from the canvas because they are arithmetic only:
// ranges that hold still as the signal wanders, the FFT's span, and axis labels.
import type { Spectrum } from "../../lib/scope/fft.ts";
import { niceStep } from "../../lib/shared/grid.ts";
import { formatSI } from "../../lib/scope/si.ts";
import { DIVISIONS_X } from "../../lib/scope/timebase.ts";

/** A value range drawn over a number of divisions. */
export interface AxisRange {
  min: number;
  max: number;
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
