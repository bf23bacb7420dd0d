import { lowerBound, type Samples, upperBound } from "./samples.ts";

export type WindowName = "hann" | "rectangular" | "blackman" | "flattop";
export const WINDOW_NAMES: readonly WindowName[] = Object.freeze([
  "hann",
  "rectangular",
  "blackman",
  "flattop",
]);

/** dB given to a bin whose magnitude is zero, instead of -Infinity. */
export const DB_FLOOR = -300;

/** One-sided amplitude spectrum. */
export interface Spectrum {
  /** bin centres in cycles per x unit (Hz when x is seconds), 0 to Nyquist */
  frequency: Float64Array;
  /**
   * amplitude in dB relative to 1 (a sine of amplitude A peaks near 20*log10(A)); bin 0 holds
   * the mean (DC) level, which is removed before windowing so it does not leak into the others
   */
  db: Float64Array;
  /** cycles per x unit between bins (of the zero-padded transform) */
  binWidth: number;
  /** samples transformed: the record's length N */
  count: number;
  /** the frequency resolution, 1 / (N · dx): what two tones must be apart to show as two */
  resolution: number;
  /** the mean-removed samples and their spacing, for refining a peak between bins */
  centered: Float64Array;
  /** the same, windowed */
  windowed: Float64Array;
  dx: number;
  /** the window's sum (coherent gain): amplitudes are divided by it */
  gain: number;
}

export interface SpectrumOptions {
  window?: WindowName;
  /** most samples used, the newest; rounded down to a power of two, default 4096 */
  maxPoints?: number;
  fromX?: number;
  toX?: number;
}

/**
 * Cosine-sum coefficients a_k of w(i) = Σ (-1)^k a_k cos(2πki/m). The flat-top set is
 * MATLAB's flattopwin: its flat main lobe reads a tone's amplitude to ~0.01 dB wherever it
 * falls between bins, at the price of frequency resolution.
 */
function coefficients(name: WindowName | undefined): readonly number[] {
  switch (name) {
    case "rectangular":
      return [1];
    case "blackman":
      return [0.42, 0.5, 0.08];
    case "flattop":
      return [0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368];
    default:
      return [0.5, 0.5];
  }
}

/**
 * The spectrum of the newest `maxPoints` samples with fromX <= x <= toX, or null with fewer
 * than two samples or no x extent. Samples (possibly uneven) are interpolated linearly onto as
 * many evenly spaced points over the same x extent, the mean is removed, the window applied,
 * and the result zero-padded to a power of two; magnitudes are divided by the window's sum
 * (coherent gain) so tone amplitudes read the same whatever the window.
 */
export function spectrum(
  s: Samples,
  opts: SpectrumOptions = {},
): Spectrum | null {
  const maxPoints = floorPowerOfTwo(opts.maxPoints ?? 4096);
  const b = opts.toX === undefined ? s.size : upperBound(s, opts.toX);
  const a = opts.fromX === undefined ? 0 : lowerBound(s, opts.fromX);
  const start = Math.max(a, b - maxPoints);
  const m = b - start;
  if (m < 2) return null;
  const x0 = s.xAt(start);
  const x1 = s.xAt(b - 1);
  const dx = (x1 - x0) / (m - 1);
  if (!(dx > 0 && dx < Infinity)) return null;
  let n = 2;
  while (n < m) n *= 2;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  // one walk over the samples: grid points and samples both ascend
  let j = start;
  let xa = x0;
  let ya = s.yAt(start);
  let xb = s.xAt(start + 1);
  let yb = s.yAt(start + 1);
  let sum = 0;
  for (let i = 0; i < m; i++) {
    const x = i === m - 1 ? x1 : x0 + i * dx;
    while (xb < x && j + 2 < b) {
      j++;
      xa = xb;
      ya = yb;
      xb = s.xAt(j + 1);
      yb = s.yAt(j + 1);
    }
    const v = xb > xa ? ya + ((yb - ya) * (x - xa)) / (xb - xa) : yb;
    re[i] = v;
    sum += v;
  }
  const mean = sum / m;
  const c = coefficients(opts.window);
  let gain = 0;
  const centered = new Float64Array(m);
  for (let i = 0; i < m; i++) centered[i] = re[i] - mean;
  for (let i = 0; i < m; i++) {
    // periodic (DFT-even) window: its sum is never zero, even for m = 2
    let w = c[0];
    for (let k = 1; k < c.length; k++) {
      w += (k % 2 === 1 ? -c[k] : c[k]) * Math.cos((2 * Math.PI * k * i) / m);
    }
    re[i] = (re[i] - mean) * w;
    gain += w;
  }
  const windowed = re.slice(0, m);
  fft(re, im);
  const bins = n / 2 + 1;
  const frequency = new Float64Array(bins);
  const db = new Float64Array(bins);
  const binWidth = 1 / (n * dx);
  for (let k = 0; k < bins; k++) {
    frequency[k] = k * binWidth;
    // a real tone splits between bin k and bin n-k: the one-sided spectrum adds them back
    const scale = k === 0 || k === n / 2 ? 1 : 2;
    db[k] = toDb((Math.hypot(re[k], im[k]) * scale) / gain);
  }
  db[0] = toDb(Math.abs(mean));
  return {
    frequency,
    db,
    binWidth,
    count: m,
    resolution: 1 / (m * dx),
    centered,
    windowed,
    dx,
    gain,
  };
}

function toDb(amplitude: number): number {
  return amplitude > 0
    ? Math.max(DB_FLOOR, 20 * Math.log10(amplitude))
    : DB_FLOOR;
}

/** Largest power of two <= v, clamped to [2, 2^22]; 4096 when v is not a number >= 2. */
function floorPowerOfTwo(v: number): number {
  if (!(v >= 2)) return 4096;
  let p = 2;
  while (p * 2 <= v && p < 1 << 22) p *= 2;
  return p;
}

/**
 * In-place forward DFT, X_k = Σ x_j e^(-2πijk/n), unnormalised: iterative radix-2
 * Cooley-Tukey. Throws a RangeError unless both arrays have the same power-of-two length.
 */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n || (n & (n - 1)) !== 0) {
    throw new RangeError(
      `fft needs two arrays of one power-of-two length, got ${n} and ${im.length}`,
    );
  }
  // bit-reversal permutation, so the butterflies below can work in place
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const r = re[i];
      re[i] = re[j];
      re[j] = r;
      const t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const angle = (-2 * Math.PI) / len;
    // twiddle outermost: n - 1 cos/sin pairs in all, each exact instead of a drifting recurrence
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(angle * k);
      const wi = Math.sin(angle * k);
      for (let i = k; i < n; i += len) {
        const j = i + half;
        const tr = re[j] * wr - im[j] * wi;
        const ti = re[j] * wi + im[j] * wr;
        re[j] = re[i] - tr;
        im[j] = im[i] - ti;
        re[i] += tr;
        im[i] += ti;
      }
    }
  }
}

/**
 * The strongest bin, refined to the frequency where the windowed record's transform really
 * peaks: a parabola through the bin and its neighbours (in dB) gives the start, then a
 * golden-section search of the exact transform within a bin of it. A clean tone reads to well
 * under 0.1 % with every window, wherever it falls between bins. Bin 0 (DC) is skipped unless
 * skipDc is false. Null when the spectrum has no eligible bin.
 */
export function spectralPeak(
  sp: Spectrum,
  skipDc = true,
): { frequency: number; db: number } | null {
  const db = sp.db;
  const first = skipDc ? 1 : 0;
  if (first >= db.length) return null;
  let best = first;
  for (let k = first + 1; k < db.length; k++) if (db[k] > db[best]) best = k;
  const peak = db[best];
  // the mean was removed before the transform: DC is its bin, not a tone to refine
  if (best === 0) return { frequency: 0, db: peak };
  if (best > first && best < db.length - 1) {
    const l = db[best - 1];
    const r = db[best + 1];
    const curve = l - 2 * peak + r;
    if (curve < 0) {
      const offset = (0.5 * (l - r)) / curve;
      return refined(sp, (best + offset) * sp.binWidth);
    }
  }
  return refined(sp, best * sp.binWidth);
}

/** The amplitude at `f` (cycles per x unit) of the transform of `w`, whose window sums to `gain`. */
function amplitudeAt(
  w: Float64Array,
  gain: number,
  dx: number,
  f: number,
): number {
  const step = 2 * Math.PI * f * dx;
  // the phasor e^{-i·step·k} by rotation: one complex multiply per sample, no trig in the loop
  const c = Math.cos(step);
  const s = Math.sin(step);
  let pr = 1;
  let pi = 0;
  let re = 0;
  let im = 0;
  for (let k = 0; k < w.length; k++) {
    re += w[k] * pr;
    im -= w[k] * pi;
    const next = pr * c - pi * s;
    pi = pr * s + pi * c;
    pr = next;
  }
  return (2 * Math.hypot(re, im)) / gain;
}

/**
 * The peak near `start`. Its frequency comes from the Hann-windowed transform whatever the
 * display's window: Hann's main lobe is smooth and two bins wide, where a flat top's is flat by
 * design and says little about where the tone is. A scan of ±3 resolutions, then a
 * golden-section search; the amplitude is then read with the display's own window (a flat top
 * reads it best).
 */
function refined(
  sp: Spectrum,
  start: number,
): { frequency: number; db: number } {
  const m = sp.centered.length;
  if (m < 4) {
    return {
      frequency: start,
      db: toDb(amplitudeAt(sp.windowed, sp.gain, sp.dx, start)),
    };
  }
  const hann = new Float64Array(m);
  let hannGain = 0;
  for (let i = 0; i < m; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / m);
    hann[i] = sp.centered[i] * w;
    hannGain += w;
  }
  const at = (f: number) => amplitudeAt(hann, hannGain, sp.dx, f);
  const res = sp.resolution;
  let best = start;
  let bestA = at(start);
  for (let k = -12; k <= 12; k++) {
    const f = start + (k * res) / 4;
    if (f <= 0) continue;
    const a = at(f);
    if (a > bestA) {
      best = f;
      bestA = a;
    }
  }
  const ratio = (Math.sqrt(5) - 1) / 2;
  let lo = Math.max(0, best - res / 4);
  let hi = best + res / 4;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = at(a);
  let fb = at(b);
  // 30 steps shrink half a resolution by 0.618^30, far below anything that shows
  for (let i = 0; i < 30; i++) {
    if (fa < fb) {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = at(b);
    } else {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = at(a);
    }
  }
  const frequency = (lo + hi) / 2;
  return {
    frequency,
    db: toDb(amplitudeAt(sp.windowed, sp.gain, sp.dx, frequency)),
  };
}

/** Frequency of the strongest bin (see spectralPeak), NaN when there is none. */
export function peakFrequency(sp: Spectrum, skipDc = true): number {
  return spectralPeak(sp, skipDc)?.frequency ?? NaN;
}
