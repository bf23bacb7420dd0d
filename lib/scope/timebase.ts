/** Grid divisions across and up the screen, as on a bench scope. */
/** A visible x range in x units. */
export interface XWindow {
  from: number;
  to: number;
}

export const DIVISIONS_X = 10;

/** Pixels a period needs on screen before its shape, not a solid band, is what one sees. */
const MIN_PX_PER_PERIOD = 8;

/**
 * Whether a signal of `frequency` (cycles per x unit) over `spanX` on a plot `widthPx` wide
 * draws as a solid band: more periods than the screen has room to show.
 */
export function tooDenseToSee(
  spanX: number,
  frequency: number | null,
  widthPx: number,
): boolean {
  return frequency !== null && spanX * frequency > widthPx / MIN_PX_PER_PERIOD;
}
export const DIVISIONS_Y = 8;

const MANTISSAS = [1, 2, 5] as const;

/** m * 10^e as the same double the literal would give (0.2, not 2 * 0.1000…01). */
function value125(mantissa: number, exponent: number): number {
  // 10^e is exact for |e| <= 22, and one division or multiplication rounds only once
  return exponent < 0 ? mantissa / 10 ** -exponent : mantissa * 10 ** exponent;
}

/** The nearest 1-2-5 value in log space as (index into MANTISSAS, exponent); v > 0 finite. */
function nearest125(v: number): { index: number; exponent: number } {
  const e = Math.floor(Math.log10(v));
  let best = { index: 0, exponent: e };
  let bestDistance = Infinity;
  // candidates from one decade down to one up, which also absorbs log10 rounding at decades
  for (let exponent = e - 1; exponent <= e + 1; exponent++) {
    for (let index = 0; index < 3; index++) {
      const d = Math.abs(
        Math.log(v / value125(MANTISSAS[index], exponent)),
      );
      if (d < bestDistance) {
        bestDistance = d;
        best = { index, exponent };
      }
    }
  }
  return best;
}

/**
 * The 1-2-5 value (…, 0.1, 0.2, 0.5, 1, 2, 5, 10, …) nearest to v in log space: 3 gives 2
 * (√10 ≈ 3.16 is the midpoint). NaN when v is not a finite number > 0.
 */
export function snap125(v: number): number {
  if (!(v > 0 && v < Infinity)) return NaN;
  const { index, exponent } = nearest125(v);
  return value125(MANTISSAS[index], exponent);
}

/**
 * The next larger (dir 1) or smaller (dir -1) 1-2-5 value after snapping v: step125(3, 1) is 5
 * and step125(3, -1) is 1. NaN when v is not a finite number > 0.
 */
export function step125(v: number, dir: 1 | -1): number {
  if (!(v > 0 && v < Infinity)) return NaN;
  const { index, exponent } = nearest125(v);
  const next = index + (dir > 0 ? 1 : -1);
  const wrapped = next < 0 ? 2 : next > 2 ? 0 : next;
  const e = next < 0 ? exponent - 1 : next > 2 ? exponent + 1 : exponent;
  return value125(MANTISSAS[wrapped], e);
}

const SECOND_PREFIXES: readonly [number, string][] = [
  [1, "s"],
  [1e-3, "ms"],
  [1e-6, "µs"],
  [1e-9, "ns"],
  [1e-12, "ps"],
];

/**
 * A per-division label: with unit "s", scaled to s, ms, µs, ns or ps ("2 ms/div"); with any
 * other unit, the plain number and the unit ("0.5 V/div"); without one, "0.5 /div". At most
 * six significant digits, so float noise (0.30000000000000004) never shows; "–" for NaN.
 */
export function formatPerDiv(v: number, unit?: string): string {
  if (!Number.isFinite(v)) return "–";
  if (unit === "s") {
    const magnitude = Math.abs(v);
    for (const [scale, symbol] of SECOND_PREFIXES) {
      // compare rounded, so 0.000999999 reads as 1 ms and not 1000 µs
      if (magnitude === 0 || roundTo6(magnitude / scale) >= 1) {
        return `${formatNumber(v / scale)} ${symbol}/div`;
      }
    }
    return `${formatNumber(v / 1e-12)} ps/div`;
  }
  return `${formatNumber(v)} ${unit ?? ""}/div`;
}

function roundTo6(v: number): number {
  return Number(v.toPrecision(6));
}

function formatNumber(v: number): string {
  return String(roundTo6(v));
}
