import type { Context, MiddlewareHandler } from "hono";
import { HttpError } from "../lib/server/http_error.ts";
import type { State } from "../lib/server/state.ts";

/** A Host header: a name, an IPv4 or a bracketed IPv6 address, and an optional port. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/;

/**
 * The app's one outer middleware: a malformed Host is refused, a draining server refuses new
 * requests, every request is counted in flight (for the load shedder and the drain) and, once
 * answered, recorded for /metrics and the access log. One layer for all of it, because each
 * layer costs single-point ingest more than the checks inside it.
 */
export function requestGate(
  state: State,
  record: (c: Context, startedMs: number) => void,
): MiddlewareHandler {
  const { requests } = state;
  return async (c, next) => {
    const started = performance.now();
    // the page, the share links and the curl hint are built from Host: a malformed one
    // (`Host: a b`) is the client's error, not a 500 with a stack trace
    const host = c.req.header("host");
    if (host !== undefined && !HOST.test(host)) {
      throw new HttpError(
        400,
        "the Host header is not a valid host[:port]",
        "host",
      );
    }
    if (requests.draining) {
      c.header("Connection", "close");
      throw new HttpError(
        503,
        "the server is shutting down; nothing was stored, retry shortly",
        undefined,
        { "Retry-After": "5" },
      );
    }
    requests.enter();
    try {
      await next();
      // answered during a shutdown: the client should not send its next request here
      if (requests.draining) c.header("Connection", "close");
    } finally {
      requests.leave();
      record(c, started);
    }
  };
}
