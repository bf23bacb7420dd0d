/**
 * x for values that come without one. A lone value gets the receive time. Several at once
 * (a `{"y":[…]}` column, lines of a stream read together) must not all get the same x — that
 * draws a vertical line — so they are spread evenly over the time since the channel's newest
 * point, ending at the receive time: a sender posting 100 values every 100 ms draws a trace
 * sampled every millisecond. With no recent point to start from, they are 1 ms apart.
 */

/** How far back the channel's newest point may be and still start the spread, in seconds. */
export const SPREAD_WINDOW_S = 10;
/** The spacing when there is no recent point to spread from, in seconds. */
export const DEFAULT_SPACING_S = 0.001;

/** `n` increasing x values (seconds) ending at `nowSeconds`, after `previousX` when recent. */
export function receiveTimes(
  n: number,
  nowSeconds: number,
  previousX: number | null | undefined,
): Float64Array {
  const x = new Float64Array(n);
  if (n === 1) {
    x[0] = nowSeconds;
    return x;
  }
  const recent = previousX !== null && previousX !== undefined &&
    previousX < nowSeconds && nowSeconds - previousX <= SPREAD_WINDOW_S;
  if (recent) {
    const step = (nowSeconds - previousX) / n;
    for (let i = 0; i < n; i++) x[i] = previousX + step * (i + 1);
    x[n - 1] = nowSeconds;
  } else {
    for (let i = 0; i < n; i++) {
      x[i] = nowSeconds - (n - 1 - i) * DEFAULT_SPACING_S;
    }
  }
  return x;
}
