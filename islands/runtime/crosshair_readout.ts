import type { RingBuffer } from "../../lib/shared/ring_buffer.ts";
import { lowerBound } from "../../lib/scope/samples.ts";
import type { ChannelDraw } from "./trace_series.ts";

/** What the crosshair reads at an x of the axis. */
export interface Readout {
  x: number;
  /** nearest sample of each channel to the cursor: [name, y] */
  values: [string, number][];
}

/**
 * The readout at axis x (counted from `origin`, as the axis labels it): each visible channel's
 * sample nearest to it.
 */
export function readoutAt(
  channels: ChannelDraw[],
  x: number,
  origin: number,
): Readout {
  const values: [string, number][] = [];
  for (const c of channels) {
    if (!c.visible) continue;
    const y = nearestY(c.ring, x + origin);
    if (y !== null) values.push([c.name, y]);
  }
  return { x, values };
}

/** y of the held sample whose x is nearest to `x`, by binary search (x ascends in a ring). */
export function nearestY(ring: RingBuffer, x: number): number | null {
  const n = ring.size;
  if (n === 0) return null;
  let lo = Math.min(n - 1, lowerBound(ring, x));
  if (lo > 0 && Math.abs(ring.xAt(lo - 1) - x) <= Math.abs(ring.xAt(lo) - x)) {
    lo--;
  }
  return ring.yAt(lo);
}
