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
  // the rate comes from seqs, which count every point ever stored per channel; one sample
  // shared by all pollers, so many open pages do not shorten each other's window
  let sample: { atMs: number; total: number } | null = null;
  let rate: number | null = null;
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
    const total = channels.reduce((n, ch) => n + ch.lastSeq, 0);
    const nowMs = performance.now();
    if (sample === null) {
      sample = { atMs: nowMs, total };
    } else if (nowMs - sample.atMs >= MIN_RATE_WINDOW_MS) {
      // a channel cleared and recreated never lowers seqs, so this is never negative
      rate = Math.max(0, (total - sample.total) * 1000 / (nowMs - sample.atMs));
      sample = { atMs: nowMs, total };
    }
    const body: StatusBody = {
      viewers: state.viewers.size,
      capacity: state.config.capacity,
      channels,
      pointsPerSecond: rate === null ? null : Math.round(rate * 10) / 10,
      store: { kind: state.store.kind, health: state.store.health },
    };
    return c.json(body, 200, { "cache-control": "no-store" });
  });
  return app;
}
