import { Hono } from "hono";
import type { State } from "../lib/state.ts";
import type { StatusBody } from "../lib/types.ts";
import { requireViewToken } from "./guard.ts";

// a rate over less than this is mostly noise from the moment a batch happened to land
const MIN_RATE_WINDOW_MS = 1000;

/**
 * GET /status: viewers, buffer fill and the ingest rate, as small JSON for the page's status
 * line (behind the view token when there is one, like everything else a viewer reads).
 */
export function statusRoutes(state: State): Hono {
  const app = new Hono();
  if (state.config.viewToken) app.get("/", requireViewToken(state));
  // the rates come from counts of every point taken in and every publish refused; one sample
  // shared by all pollers, so many open pages do not shorten each other's window
  let sample: { atMs: number; total: number; refused: number } | null = null;
  let rate: number | null = null;
  let refusedRate: number | null = null;
  app.get("/", (c) => {
    const channels = state.channels.names().map((name) => {
      const buffer = state.channels.get(name)!;
      return {
        name,
        count: buffer.size,
        capacity: buffer.capacity,
        lastSeq: buffer.lastSeq,
      };
    });
    const total = state.channels.received;
    const refused = state.refused.requests;
    const nowMs = performance.now();
    if (sample === null) {
      sample = { atMs: nowMs, total, refused };
    } else if (nowMs - sample.atMs >= MIN_RATE_WINDOW_MS) {
      const seconds = (nowMs - sample.atMs) / 1000;
      rate = (total - sample.total) / seconds;
      refusedRate = (refused - sample.refused) / seconds;
      sample = { atMs: nowMs, total, refused };
    }
    const body: StatusBody = {
      viewers: state.viewers.size,
      capacity: state.config.capacity,
      channels,
      pointsPerSecond: rate === null ? null : Math.round(rate * 10) / 10,
      refused: {
        total: refused,
        perSecond: refusedRate === null
          ? null
          : Math.round(refusedRate * 10) / 10,
        last: state.refused.last,
      },
      store: { kind: state.store.kind, health: state.store.health },
    };
    return c.json(body, 200, { "cache-control": "no-store" });
  });
  return app;
}
