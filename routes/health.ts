import { Hono } from "hono";
import type { State } from "../lib/server/state.ts";

/** GET /healthz: load balancers take an instance whose store is down out of rotation. */
export function healthRoutes(state: State): Hono {
  return new Hono().get(
    "/",
    (c) =>
      state.store.health === "ok"
        ? c.json({ status: "ok", store: state.store.kind })
        : c.json({
          status: "error",
          message: `the ${state.store.kind} store is unavailable`,
          store: state.store.kind,
        }, 503),
  );
}
