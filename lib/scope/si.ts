// SI prefixes from pico to tera: what a scope's readouts use (1.25 ms, 5.000 kHz, 200 mV).
const PREFIXES = ["p", "n", "µ", "m", "", "k", "M", "G", "T"] as const;
const UNIT_INDEX = 4;

/**
 * `value` with an SI prefix and `digits` significant digits, trailing zeros kept so columns of
 * readouts line up ("5.000 Hz", "-12.50 ms"); "–" for NaN, ±Infinity or null.
 */
export function formatSI(
  value: number | null,
  unit = "",
  digits = 4,
): string {
  if (value === null || !Number.isFinite(value)) return "–";
  if (value === 0) return `0 ${unit}`.trimEnd();
  const abs = Math.abs(value);
  let p = Math.floor(Math.log10(abs) / 3);
  p = Math.max(-UNIT_INDEX, Math.min(PREFIXES.length - 1 - UNIT_INDEX, p));
  let scaled = value / 1000 ** p;
  let text = scaled.toPrecision(digits);
  // rounding can carry into the next prefix: 999.96 -> "1000" -> "1.000 k"
  if (
    Math.abs(Number(text)) >= 1000 && p < PREFIXES.length - 1 - UNIT_INDEX
  ) {
    p++;
    scaled = value / 1000 ** p;
    text = scaled.toPrecision(digits);
  }
  if (text.includes("e")) text = String(Number(text));
  return `${text} ${PREFIXES[p + UNIT_INDEX]}${unit}`.trimEnd();
}

/** A count per second, short: 950/s, 10.0k/s, 1.2M/s. */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "–";
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M/s`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k/s`;
  if (perSecond >= 100) return `${perSecond.toFixed(0)}/s`;
  return `${perSecond.toFixed(1)}/s`;
}

/** A level in dB to a tenth, without the "-0.0" that rounding a tiny negative gives. */
export function formatDb(db: number): string {
  const tenth = Math.round(db * 10) / 10;
  return `${(tenth === 0 ? 0 : tenth).toFixed(1)} dB`;
}
