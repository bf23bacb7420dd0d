import type { Context, MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { HttpError } from "../lib/http_error.ts";
import type { State } from "../lib/state.ts";
import { countGuess } from "./guard.ts";

/**
 * The token a request presents: `Authorization: Bearer <t>`, or `Token <t>` as InfluxDB's
 * clients and Telegraf send it; with `influx1`, also InfluxDB 1.x's `?p=<t>` and the password
 * of Basic authentication.
 */
export function presentedToken(
  c: Context,
  influx1 = false,
): string | undefined {
  const header = c.req.header("authorization") ?? "";
  const scheme = /^(Bearer|Token) +(\S+) *$/i.exec(header);
  if (scheme) return scheme[2];
  if (!influx1) return undefined;
  const basic = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (basic) {
    try {
      const decoded = atob(basic[1]);
      return decoded.slice(decoded.indexOf(":") + 1);
    } catch {
      return undefined;
    }
  }
  return c.req.query("p");
}

/**
 * Requires the publish token (see `presentedToken`). Hono's bearerAuth answers a malformed
 * header with 400, but our contract is 401 for anything that is not the token, so this is a
 * thin variant on Hono's own constant-time comparison.
 */
export function requireToken(
  state: State,
  influx1 = false,
): MiddlewareHandler {
  const token = state.config.publishToken!;
  const challenge = { "WWW-Authenticate": 'Bearer realm="web-oscilloscope"' };
  return async (c, next) => {
    const presented = presentedToken(c, influx1);
    if (presented === undefined && !c.req.header("authorization")) {
      throw new HttpError(
        401,
        "authorization is required: send Authorization: Bearer <token>",
        "authorization",
        challenge,
      );
    }
    if (
      presented === undefined || !(await timingSafeEqual(token, presented))
    ) {
      countGuess(state, c);
      throw new HttpError(
        401,
        "authorization does not carry the publish token",
        "authorization",
        challenge,
      );
    }
    await next();
  };
}
