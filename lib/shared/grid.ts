/**
 * The shared horizontal grid the island draws on. lightweight-charts spaces data items by their
 * index, not their value, so every channel is resampled onto one uniform grid of slots whose
 * values are `k * step` for consecutive integers k: x is then proportional on screen, and the
 * slot values are exact multiples of a 1-2-5 step, so tick labels fall on round numbers.
 */
export interface Grid {
  /** k of the first slot, even; slot i stands for x = (first + i) * step */
  first: number;
  /** distance between slots, a 1, 2 or 5 times a power of ten */
  step: number;
  /** the exponent e of `step = mantissa * 10^e` */
  exponent: number;
  mantissa: 1 | 2 | 5;
  /** number of slots, even: slots pair up into min/max buckets */
  slots: number;
}

/** A 1-2-5 step: `mantissa * 10^exponent`. */
export interface Step {
  step: number;
  exponent: number;
  mantissa: 1 | 2 | 5;
}

/**
 * The smallest 1-2-5 step not below `raw` (raw > 0). Self-contained: the page's inline script
 * carries its source (first_paint.ts).
 */
export function niceStep(raw: number): Step {
  let exponent = Math.floor(Math.log10(raw));
  let base = 10 ** exponent;
  // log10 can land a hair off for exact powers of ten
  if (base > raw) base = 10 ** --exponent;
  for (const mantissa of [1, 2, 5] as const) {
    if (mantissa * base >= raw * (1 - 1e-12)) {
      return { step: mantissa * base, exponent, mantissa };
    }
  }
  return { step: 10 * base, exponent: exponent + 1, mantissa: 1 };
}

/**
 * A grid covering [xMin, xMax] with at most about `maxSlots` slots (at least a third of that),
 * aligned to multiples of its step. A zero-width range is widened around its value. Values near
 * ±1.8e308 still give a finite grid (the slots that would overflow are left out).
 * Self-contained but for niceStep: the page's inline script carries its source.
 */
export function makeGrid(xMin: number, xMax: number, maxSlots: number): Grid {
  // work with half the span: xMax - xMin overflows to Infinity for values near ±1.8e308
  let half = xMax / 2 - xMin / 2;
  if (!(half > 0)) {
    const pad = Math.max(Math.abs(xMin) * 1e-6, 1e-9) * (maxSlots / 4);
    if (Number.isFinite(xMin - pad)) xMin -= pad;
    if (Number.isFinite(xMax + pad)) xMax += pad;
    half = xMax / 2 - xMin / 2;
  }
  // keep slot values distinct in float64 even far from zero (epoch seconds, say)
  const minStep = Math.max(Math.abs(xMin), Math.abs(xMax)) * 1e-13;
  const { step, exponent, mantissa } = niceStep(
    Math.max(half / ((maxSlots - 4) / 2), minStep, 1e-300),
  );
  // even, so slot pairs (min/max buckets) fall on the same x ranges whatever the window: a
  // bucket's contents then survive from one frame to the next (see Decimator)
  const first = 2 * Math.floor(xMin / step / 2);
  let slots = Math.ceil(xMax / step) - first + 1;
  if (slots % 2 === 1) slots++;
  slots = Math.max(slots, 2);
  while (slots > 2 && !Number.isFinite((first + slots - 1) * step)) slots -= 2;
  return { first, step, exponent, mantissa, slots };
}

/** x of slot i. */
export function slotX(grid: Grid, i: number): number {
  return (grid.first + i) * grid.step;
}

/** A plain number for axis labels: as many decimals as the step needs, no trailing zeros. */
export function formatX(value: number, decimals: number): string {
  if (
    Math.abs(value) >= 1e15 ||
    (value !== 0 && Math.abs(value) < 1e-6 && decimals > 12)
  ) {
    return value.toPrecision(6);
  }
  const s = value.toFixed(Math.min(decimals, 20));
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/** true when x values look like seconds since the epoch (2001–2286), so labels show clock time. */
export function looksLikeEpochSeconds(xMin: number, xMax: number): boolean {
  return xMin >= 1e9 && xMax < 1e10;
}

/** Local clock time of an epoch-seconds value, with `decimals` digits of the second (0-3). */
export function formatClock(seconds: number, decimals: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  let s = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  const places = Math.min(3, Math.max(0, decimals));
  if (places > 0) s += "." + pad(d.getMilliseconds(), 3).slice(0, places);
  return s;
}

/** A measured value for readouts: six significant digits at most, no float noise. */
export function formatY(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value !== 0 && (Math.abs(value) >= 1e9 || Math.abs(value) < 1e-4)) {
    return value.toExponential(3);
  }
  return String(Number(value.toPrecision(6)));
}
