import { Hono } from "hono";
import { channelFacts, RateSampler } from "../lib/server/channel_summary.ts";
import type { State } from "../lib/server/state.ts";
import type { StatusBody } from "../lib/shared/types.ts";
import { heldSpan } from "../lib/store/window.ts";

/**
 * GET /status: viewers, buffer fill and the ingest rate, as small JSON for the page's status
 * line (behind the view token when there is one, like everything else a viewer reads).
 */
export function statusRoutes(state: State): Hono {
  const app = new Hono();
  // the rates come from counts of every point taken in and every publish refused
  const rates = new RateSampler<"points" | "refused">();
  app.get("/", (c) => {
    const refused = state.count.refused;
    const rate = rates.read({
      points: state.channels.received,
      refused: refused.requests,
    }, performance.now());
    const body: StatusBody = {
      viewers: state.viewers.size,
      capacity: state.config.capacity,
      channels: channelFacts(state.channels).map((
        { name, count, capacity, lastSeq },
      ) => ({
        name,
        count,
        capacity,
        lastSeq,
        held: heldSpan(state.channels, name),
      })),
      pointsPerSecond: rate.points,
      refused: {
        total: refused.requests,
        perSecond: rate.refused,
        last: refused.last,
      },
      store: { kind: state.store.kind, health: state.store.health },
      ways: state.ways.list(),
    };
    return c.json(body, 200, { "cache-control": "no-store" });
  });
  return app;
}
