/**
 * What a line of a line-oriented body (NDJSON, text lines, InfluxDB line protocol) turns into:
 * points tagged with their channel, before they are grouped into per-channel batches.
 */

/** One value a line gave. `x` null: the line had no x, and the receive time decides it. */
export interface LinePoint {
  channel: string;
  x: number | null;
  y: number;
}

/** A line's points, or why the line was refused (the caller adds the line number). */
export type LineParsed =
  | { ok: true; points: LinePoint[] }
  | { ok: false; reason: string };
