import { type Context, Hono } from "hono";
import type { State } from "../lib/server/state.ts";

const METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
]);

/** The route label for a path: a fixed set, so a scan of random URLs cannot grow the metrics. */
function routeOf(path: string): string {
  if (
    path === "/" || path === "/data" || path === "/ws" || path === "/healthz" ||
    path === "/metrics" || path === "/status"
  ) return path;
  if (path.startsWith("/static/")) return "/static/*";
  return "other";
}

/**
 * Counts every request by route, method and status for /metrics, and writes the access log
 * (OSC_LOG_LEVEL=debug): path without its query, which may carry a token. Returns what to call
 * once a request has been answered; the app calls it from its one outer middleware, so each
 * request pays for a single layer however many concerns it serves.
 */
export function observer(
  state: State,
): (c: Context, startedMs: number) => void {
  const counts = new Map<string, number>();
  state.metrics.counterFrom(
    "osc_http_requests_total",
    "HTTP requests by route, method and status.",
    () =>
      [...counts].map(([key, n]) => {
        const [route, method, status] = key.split(" ");
        return [{ route, method, status }, n];
      }),
  );
  return (c, startedMs) => {
    const status = c.res.status;
    // Deno accepts any token as a method: only the standard ones become label values
    const method = METHODS.has(c.req.method) ? c.req.method : "other";
    const key = `${routeOf(c.req.path)} ${method} ${status}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    // 500 is ours to fix; a 503 is a refusal the server chose (full, draining) and must not
    // turn a flood of requests into a flood of error lines
    if (status === 500 || state.log.enabled("debug")) {
      state.log.log(status === 500 ? "error" : "debug", "request", {
        method: c.req.method,
        path: c.req.path,
        status,
        ms: Math.round((performance.now() - startedMs) * 100) / 100,
      });
    }
  };
}

/** GET /metrics in the Prometheus text format (behind the view token when there is one). */
export function metricsRoutes(state: State): Hono {
  const app = new Hono();
  app.get("/", (c) =>
    c.body(state.metrics.render(), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
      "cache-control": "no-store",
    }));
  return app;
}
