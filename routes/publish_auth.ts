import type { MiddlewareHandler } from "hono";
import { timingSafeEqual } from "hono/utils/buffer";
import { HttpError } from "../lib/http_error.ts";

/**
 * Requires `Authorization: Bearer <token>`. Hono's bearerAuth answers a malformed header with
 * 400, but our contract is 401 for anything that is not the token, so this is a thin variant
 * on Hono's own constant-time comparison.
 */
export function requireToken(token: string): MiddlewareHandler {
  const challenge = { "WWW-Authenticate": 'Bearer realm="web-oscilloscope"' };
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (!header) {
      throw new HttpError(
        401,
        "authorization is required: send Authorization: Bearer <token>",
        "authorization",
        challenge,
      );
    }
    const match = /^Bearer +(\S+) *$/i.exec(header);
    if (!match || !(await timingSafeEqual(token, match[1]))) {
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
