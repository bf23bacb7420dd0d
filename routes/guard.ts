import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { getConnInfo } from "hono/deno";
import { timingSafeEqual } from "hono/utils/buffer";
import { HttpError } from "../lib/server/http_error.ts";
import { originAllowed } from "../lib/server/origin.ts";
import { RateLimiter } from "../lib/server/rate_limit.ts";
import type { State } from "../lib/server/state.ts";

/**
 * The client's address: the TCP peer, or behind a proxy the operator runs (OSC_TRUST_PROXY) the
 * last X-Forwarded-For hop — the one that proxy appended; earlier hops are the client's to forge.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = c.req.header("x-forwarded-for")?.split(",").map((h) =>
      h.trim()
    ).filter((h) => h !== "");
    if (hops && hops.length > 0) return hops[hops.length - 1];
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // not served by Deno.serve (app.request in a test)
  }
}

/**
 * 403 for a POST or DELETE from a page on another site: any page a lab user opens could
 * otherwise publish into (or clear) their scope with a form or a fetch. Devices and scripts send
 * no Origin; the scope's own page and OSC_CORS_ORIGINS may.
 */
export function refuseCrossSite(state: State, c: Context): void {
  const origin = c.req.header("origin");
  if (
    origin !== undefined &&
    !originAllowed(origin, c.req.header("host"), state.config.corsOrigins)
  ) {
    throw new HttpError(
      403,
      `a page on ${origin} may not publish to or clear this oscilloscope; list its origin in OSC_CORS_ORIGINS`,
      "origin",
    );
  }
}

/**
 * The publish admission, one middleware for every way in (it runs on each request): 403 from
 * another site's page; while the server is saturated, 429 with Retry-After for the addresses
 * sending more than their share; with OSC_PUBLISH_RATE set, also a fixed cap per address.
 * Nothing is stored from a refused request.
 */
export function publishAdmission(
  state: State,
  influx1 = false,
): (c: Context) => Promise<void> | void {
  const { publishRate, publishBurst, trustProxy } = state.config;
  const limiter = publishRate > 0
    ? new RateLimiter(publishRate, publishBurst)
    : null;
  // a plain call at the top of each handler rather than a middleware: a middleware layer
  // costs single-point ingest more than all the checks in it
  return (c) => {
    refuseCrossSite(state, c);
    const address = clientAddress(c, trustProxy);
    const taken = limiter?.take(address);
    if (taken && !taken.ok) {
      throw new HttpError(
        429,
        `too many requests from this address: at most ${publishRate}/s (bursts of ${publishBurst}, set by OSC_PUBLISH_RATE); send points in batches (an array, columns or lines per request) or retry in ${taken.retryAfterSeconds} s`,
        "rate",
        { "Retry-After": String(taken.retryAfterSeconds) },
      ).refused("rate_limited");
    }
    const admitted = state.shedder.admit(address, state.requests.inFlight);
    if (!admitted.ok) {
      throw new HttpError(
        429,
        `the server is saturated (${admitted.cause}) and this address sends more requests than its share; send points in batches (an array, columns or lines per request) or retry in ${admitted.retryAfterSeconds} s`,
        "rate",
        { "Retry-After": String(admitted.retryAfterSeconds) },
      ).refused("rate_limited");
    }
    // after admission, so guessing tokens costs a guesser its share too
    if (state.config.publishToken !== null) {
      return checkPublishToken(state, c, influx1);
    }
  };
}

const COOKIE = "osc_view";

/**
 * Counts a wrong token against the client's address — one count per address across every route
 * and both tokens — and answers 429 once it has guessed 10 times (then once every 6 s); a
 * publisher's 429 is counted as a refused publish.
 */
function countGuess(state: State, c: Context, publishing: boolean): void {
  const taken = state.guesses.take(clientAddress(c, state.config.trustProxy));
  if (!taken.ok) {
    const refusal = new HttpError(
      429,
      `too many wrong tokens from this address; retry in ${taken.retryAfterSeconds} s`,
      "token",
      { "Retry-After": String(taken.retryAfterSeconds) },
    );
    throw publishing ? refusal.refused("rate_limited") : refusal;
  }
}

/** `Authorization: Bearer <t>`, or `Token <t>` as InfluxDB's clients and Telegraf send it. */
const AUTHORIZATION = /^(Bearer|Token) +(\S+) *$/i;

/**
 * A private scope (OSC_VIEW_TOKEN): the token comes as `Authorization: Bearer`, as the cookie a
 * one-click `?token=` link sets (HttpOnly, SameSite=Lax, so other sites' pages never send it
 * with their requests), or as `?token=` itself. The page answers a valid `?token=` by setting the
 * cookie and redirecting to the same URL without it, so the token leaves the address bar and the
 * history. The publish token opens the view too; the view token never publishes.
 */
export function requireViewToken(state: State): MiddlewareHandler {
  const viewToken = state.config.viewToken!;
  const publishToken = state.config.publishToken;
  const isView = async (presented: string | undefined) =>
    presented !== undefined && (await timingSafeEqual(viewToken, presented));
  // the publish token opens the view only as a header: in a link or a cookie it would sit in
  // browsers and histories, where a secret that can publish does not belong
  const isPublish = async (presented: string | undefined) =>
    presented !== undefined && publishToken !== null &&
    (await timingSafeEqual(publishToken, presented));
  const refuse = (c: Context, message: string): never => {
    countGuess(state, c, false);
    throw new HttpError(401, message, "token", {
      "WWW-Authenticate": 'Bearer realm="web-oscilloscope"',
    });
  };
  return async (c, next) => {
    const fromQuery = c.req.query("token");
    if (fromQuery !== undefined) {
      if (!(await isView(fromQuery))) {
        return refuse(c, "token does not open this oscilloscope");
      }
      const url = new URL(c.req.url);
      if (c.req.method === "GET" && url.pathname === "/") {
        const https = (c.req.header("x-forwarded-proto") ?? url.protocol)
          .startsWith("https");
        setCookie(c, COOKIE, fromQuery, {
          httpOnly: true,
          sameSite: "Lax",
          secure: https,
          path: "/",
          maxAge: 30 * 24 * 3600,
        });
        url.searchParams.delete("token");
        return c.redirect(url.pathname + url.search, 303);
      }
      return next();
    }
    const header = presentedToken(c);
    if (
      header !== undefined
        ? (await isView(header)) || (await isPublish(header))
        : await isView(getCookie(c, COOKIE))
    ) {
      return next();
    }
    return refuse(
      c,
      "this oscilloscope is private: open it with ?token=<view token>, or send Authorization: Bearer <view token>",
    );
  };
}

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
  const scheme = AUTHORIZATION.exec(header);
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
export async function checkPublishToken(
  state: State,
  c: Context,
  influx1 = false,
): Promise<void> {
  const token = state.config.publishToken;
  if (token === null) return;
  const challenge = { "WWW-Authenticate": 'Bearer realm="web-oscilloscope"' };
  {
    const presented = presentedToken(c, influx1);
    if (presented === undefined && !c.req.header("authorization")) {
      throw new HttpError(
        401,
        "authorization is required: send Authorization: Bearer <token>",
        "authorization",
        challenge,
      ).refused("unauthorized");
    }
    if (
      presented === undefined || !(await timingSafeEqual(token, presented))
    ) {
      countGuess(state, c, true);
      throw new HttpError(
        401,
        "authorization does not carry the publish token",
        "authorization",
        challenge,
      ).refused("unauthorized");
    }
  }
}
