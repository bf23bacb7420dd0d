import type { Context } from "hono";
import { HttpError } from "../lib/server/http_error.ts";
import type { State } from "../lib/server/state.ts";
import { DECIMAL } from "../lib/shared/names.ts";
import { heldSpan, readWindow } from "../lib/store/window.ts";

/** The page asks for windows at its pixel resolution; 2000 is a wide screen's worth. */
const DEFAULT_WINDOW_POINTS = 2000;
/** The most a window answer holds per channel: it is built whole, not streamed. */
const MAX_WINDOW_POINTS = 100_000;

function decimal(raw: string | undefined, field: string): number | null {
  if (raw === undefined) return null;
  if (!DECIMAL.test(raw) || !Number.isFinite(Number(raw))) {
    throw new HttpError(
      400,
      `${field} must be a number (an x, in seconds for times)`,
      field,
    );
  }
  return Number(raw);
}

/**
 * `GET /data?from=X&to=X[&max_points=N][&channel=c]`: each channel's points in [from, to] at
 * most N (default 2000), from full resolution where the ring holds them and from the history's
 * buckets where it does not, with `resolution` saying which stretch came from where (seconds
 * per bucket; 0: every point), `samples` the points it had before M4 cut them to N, and
 * `held` the span the channel holds. Either end may be left out
 * (the oldest or newest held). JSON only: the answer is small by construction.
 */
export function windowAnswer(
  c: Context,
  state: State,
  names: string[],
): Response {
  const from = decimal(c.req.query("from"), "from");
  const to = decimal(c.req.query("to"), "to");
  const rawMax = c.req.query("max_points");
  if (rawMax !== undefined && !/^\d{1,9}$/.test(rawMax)) {
    throw new HttpError(400, "max_points must be a whole number", "max_points");
  }
  const maxPoints = rawMax === undefined
    ? DEFAULT_WINDOW_POINTS
    : Number(rawMax);
  if (maxPoints < 4 || maxPoints > MAX_WINDOW_POINTS) {
    throw new HttpError(
      400,
      `max_points must be between 4 and ${MAX_WINDOW_POINTS} for a window`,
      "max_points",
    );
  }
  if (from !== null && to !== null && !(from < to)) {
    throw new HttpError(400, "from must be less than to", "from");
  }
  const format = c.req.query("format") ?? "json";
  if (format !== "json") {
    throw new HttpError(
      400,
      "a window (from/to) answers as JSON only",
      "format",
    );
  }
  const started = performance.now();
  const channels: Record<string, unknown> = {};
  for (const name of names) {
    const held = heldSpan(state.channels, name);
    const buffer = state.channels.get(name)!;
    if (held === null) {
      channels[name] = {
        seq: buffer.lastSeq,
        x: [],
        y: [],
        resolution: [],
        held,
      };
      continue;
    }
    const a = from ?? held.from;
    const b = to ?? held.to;
    const w = a < b
      ? readWindow(
        buffer,
        state.channels.historyOf(name) ?? null,
        a,
        b,
        maxPoints,
      )
      : {
        x: new Float64Array(0),
        y: new Float64Array(0),
        pieces: [],
        samples: 0,
      };
    channels[name] = {
      seq: buffer.lastSeq,
      x: Array.from(w.x),
      y: Array.from(w.y),
      resolution: w.pieces,
      // more than were sent: M4 cut them to max_points (ask for this many to get every one)
      samples: w.samples,
      held,
    };
  }
  // the time the window took to read, for anyone measuring it (the benchmark does)
  const ms = performance.now() - started;
  return c.json({ channels }, 200, {
    "cache-control": "no-store",
    "server-timing": `window;dur=${ms.toFixed(3)}`,
  });
}
