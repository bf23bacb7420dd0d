import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { HttpError } from "../lib/server/http_error.ts";
import type { State } from "../lib/server/state.ts";
import { StoreUnavailable } from "../lib/store/store.ts";

/**
 * The app's one error handler: every error reaches the client as the JSON the original's
 * clients already parse. A refused publish carries its own reason and is counted under it, so
 * this knows no routes.
 */
export function errorHandler(state: State): ErrorHandler {
  return (err, c) => {
    releaseBody(c.req.raw, c);
    if (err instanceof StoreUnavailable) {
      state.count.rejected("store_unavailable", err.message);
      c.header("Retry-After", "1");
      return c.json({
        status: "error",
        message: `${err.message}; nothing was acknowledged, retry shortly`,
      }, 503);
    }
    if (err instanceof HttpError) {
      if (err.reason) state.count.rejected(err.reason, err.message);
      for (const [name, value] of Object.entries(err.headers ?? {})) {
        c.header(name, value);
      }
      return c.json({
        status: "error",
        message: err.message,
        field: err.field,
        ...err.extra,
      }, err.status);
    }
    if (err instanceof HTTPException) {
      return c.json({
        status: "error",
        message: err.message || "request refused",
      }, err.status);
    }
    state.log.log("error", "request failed", {
      method: c.req.method,
      path: c.req.path,
      error: String((err as Error)?.stack ?? err),
    });
    return c.json({ status: "error", message: "internal error" }, 500);
  };
}

/** 404 in the same JSON shape. */
export function notFound(c: Context): Response {
  return c.json({
    status: "error",
    message: `no route for ${c.req.method} ${c.req.path}`,
  }, 404);
}

/**
 * A refusal that did not read the body (a 429, a 401) closes the connection and drops the body:
 * answered while it is still arriving, its bytes would otherwise stay buffered with the
 * connection for as long as the client keeps it open.
 */
function releaseBody(
  req: Request,
  c: { header(name: string, value: string): void },
): void {
  if (req.bodyUsed) return;
  const body = req.body;
  if (body === null) return;
  c.header("Connection", "close");
  if (!body.locked) body.cancel().catch(() => {});
}
