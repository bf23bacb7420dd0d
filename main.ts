import { Hono } from "hono";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import { serveStatic } from "hono/deno";
import { etag } from "hono/etag";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { type Config, ConfigError, loadConfig } from "./lib/config.ts";
import { HttpError } from "./lib/http_error.ts";
import { createState, type State, type StateOptions } from "./lib/state.ts";
import { StoreUnavailable } from "./lib/store.ts";
import { enforceBudget } from "./lib/viewer.ts";
import { dataRoutes } from "./routes/data.ts";
import { influxRoutes } from "./routes/influx.ts";
import { metricsRoutes, observer } from "./routes/metrics.ts";
import { pageRoutes } from "./routes/page.tsx";
import { statusRoutes } from "./routes/status.ts";
import { wsRoutes } from "./routes/ws.ts";
import { raiseFileLimit, serveResilient } from "./serve.ts";

export type App = Hono & {
  state: State;
  /** Loads what the store holds and starts following it; call before serving. */
  open(): Promise<void>;
  /** Closes every viewer with 1001 "going away", stops the app's timers and the store. */
  close(): Promise<void>;
  /**
   * Starts a graceful stop: new requests get 503, viewers are closed with 1001, and the promise
   * resolves once every request already in progress has been answered (or after `limitMs`).
   */
  drain(limitMs: number): Promise<void>;
};

/** The reason a refused publish is counted under, by status. */
const REJECTION: Record<number, Parameters<State["count"]["rejected"]>[0]> = {
  400: "invalid",
  401: "unauthorized",
  408: "timeout",
  409: "channel_limit",
  413: "too_large",
  429: "rate_limited",
};

/** Builds the whole oscilloscope — buffers, hub, routes — for one configuration. */
export function createApp(config: Config, options: StateOptions = {}): App {
  const state = createState(config, options);
  // the page and its assets: no inline script may run (the island is an external bundle and
  // its props are JSON in a non-executable script element); embedding per OSC_FRAME_ANCESTORS
  const pageHeaders = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      // the legend's colour swatches are style attributes rendered on the server
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: config.frameAncestors,
    },
    // frame-ancestors above decides who may embed; X-Frame-Options could only say less
    xFrameOptions: false,
    // HSTS belongs to whoever terminates TLS, not to a server that may speak plain HTTP
    strictTransportSecurity: false,
  });
  // requests in progress (state.inFlight), so a shutdown can wait for them: Deno's
  // server.shutdown() cuts off bodies still being uploaded, which would fail requests it had
  // already started
  let drained = (): void => {};
  const record = observer(state);
  const app = new Hono()
    .use(async (c, next) => {
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
      if (state.draining) {
        c.header("Connection", "close");
        throw new HttpError(
          503,
          "the server is shutting down; nothing was stored, retry shortly",
          undefined,
          {
            "Retry-After": "5",
          },
        );
      }
      state.inFlight++;
      try {
        await next();
        // answered during a shutdown: the client should not send its next request here
        if (state.draining) c.header("Connection", "close");
      } finally {
        if (--state.inFlight === 0) drained();
        record(c, started);
      }
    })
    .on("GET", ["/", "/static/*"], pageHeaders)
    // the bundle, the page and data downloads shrink 3-5x; POST replies are too small to bother
    .on("GET", ["/", "/data", "/static/*"], compress());
  if (config.corsOrigins.length > 0) {
    // browser-based senders (Web Serial pages, notebooks) publishing from another origin
    app.use(
      "/data",
      cors({
        origin: config.corsOrigins.includes("*") ? "*" : config.corsOrigins,
        allowMethods: ["GET", "POST", "DELETE", "OPTIONS"],
        allowHeaders: ["Content-Type", "Authorization"],
        maxAge: 600,
      }),
    );
  }
  app
    // load balancers take an instance whose store is down out of rotation
    .get(
      "/healthz",
      (c) =>
        state.store.health === "ok"
          ? c.json({ status: "ok", store: state.store.kind })
          : c.json({
            status: "error",
            message: `the ${state.store.kind} store is unavailable`,
            store: state.store.kind,
          }, 503),
    )
    .route("/metrics", metricsRoutes(state))
    .route("/data", dataRoutes(state))
    .route("/ws", wsRoutes(state))
    .route("/status", statusRoutes(state))
    .route("/", influxRoutes(state))
    .route("/", pageRoutes(state))
    // the bundle's name is fixed: browsers revalidate it every time and get 304 while unchanged
    .use("/static/*", etag(), async (c, next) => {
      await next();
      c.header("Cache-Control", "no-cache");
    })
    .get(
      "/static/*",
      serveStatic({ root: new URL(".", import.meta.url).pathname }),
    )
    .notFound((c) =>
      c.json({
        status: "error",
        message: `no route for ${c.req.method} ${c.req.path}`,
      }, 404)
    )
    .onError((err, c) => {
      releaseBody(c.req.raw, c);
      if (err instanceof StoreUnavailable) {
        if (c.req.method === "POST") {
          state.count.rejected("store_unavailable", err.message);
        }
        c.header("Retry-After", "1");
        return c.json({
          status: "error",
          message: `${err.message}; nothing was acknowledged, retry shortly`,
        }, 503);
      }
      // refused publishes are counted here rather than in a middleware: the hot path of an
      // accepted point then pays for nothing
      // (the InfluxDB routes count their own, answering in InfluxDB's shape)
      if (c.req.method === "POST" && c.req.path === "/data") {
        const status = err instanceof HttpError || err instanceof HTTPException
          ? err.status
          : bodyCutOff(err)
          ? 400
          : 500;
        const reason = REJECTION[status];
        if (reason) state.count.rejected(reason, (err as Error).message);
      }
      // every error reaches the client as the JSON the original's clients already parse
      if (err instanceof HttpError) {
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
      if (bodyCutOff(err)) {
        // the body ended before it was complete (the client went away): nothing from it was
        // stored, and it is not the server's fault
        return c.json({
          status: "error",
          message: "the request body ended early; nothing was stored",
          field: "body",
        }, 400);
      }
      state.log.log("error", "request failed", {
        method: c.req.method,
        path: c.req.path,
        error: String((err as Error)?.stack ?? err),
      });
      return c.json({ status: "error", message: "internal error" }, 500);
    });

  // resync or close viewers that fell behind even when no new data comes to trigger it
  // and keep all viewers' unsent bytes together under their budget
  const sweep = setInterval(() => {
    for (const viewer of state.viewers) viewer.poll();
    enforceBudget(state.viewers, config.viewersMaxBufferTotal);
  }, 1000);
  // body time limits are enforced to within this interval
  const bodies = setInterval(() => state.deadlines.sweep(), 100);
  // event-loop lag: how late a 50 ms timer fires. The load shedder hears every reading; the
  // worst since the last scrape is reported
  let expected = performance.now() + LAG_PROBE_MS;
  let worstLagMs = 0;
  const lag = setInterval(() => {
    const now = performance.now();
    const late = Math.max(0, now - expected);
    worstLagMs = Math.max(worstLagMs, late);
    state.shedder.observeLag(late);
    expected = now + LAG_PROBE_MS;
  }, LAG_PROBE_MS);
  state.metrics.gauge(
    "osc_event_loop_lag_seconds",
    "Worst event-loop delay since the last scrape.",
    () => {
      const value = worstLagMs / 1000;
      worstLagMs = 0;
      return [[{}, Math.round(value * 1e6) / 1e6]];
    },
  );
  const close = () => {
    clearInterval(sweep);
    clearInterval(bodies);
    clearInterval(lag);
    state.hub.close();
    for (const viewer of state.viewers) {
      viewer.close(1001, "server shutting down");
    }
  };
  return Object.assign(app, {
    state,
    open: () => state.store.open(),
    close: () => {
      close();
      return state.store.close();
    },
    drain(limitMs: number): Promise<void> {
      state.draining = true;
      // viewers go now; the body deadlines keep being enforced until the last request is
      // answered, or a body that stalls would hold the drain for its whole limit
      clearInterval(sweep);
      clearInterval(lag);
      state.hub.close();
      for (const viewer of state.viewers) {
        viewer.close(1001, "server shutting down");
      }
      const done = new Promise<void>((resolve) => {
        if (state.inFlight === 0) return resolve();
        const timer = setTimeout(resolve, limitMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      return done.then(() => clearInterval(bodies));
    },
  });
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

/** Whether an error is Deno's report of a request body that could not be read to the end. */
function bodyCutOff(err: unknown): boolean {
  const name = (err as Error | undefined)?.name;
  return name === "BadResource" || name === "ConnectionReset" ||
    name === "Interrupted" ||
    name === "UnexpectedEof" || err instanceof Deno.errors.BadResource;
}

/** A Host header: a name, an IPv4 or a bracketed IPv6 address, and an optional port. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::\d{1,5})?$/;

/** How often the event loop's delay is measured. */
const LAG_PROBE_MS = 50;

/** How long a shutdown may take before the process exits anyway. */
const SHUTDOWN_LIMIT_MS = 10_000;

if (import.meta.main) {
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(
      JSON.stringify({
        time: new Date().toISOString(),
        level: "error",
        msg: `configuration error: ${e.message}`,
      }),
    );
    Deno.exit(1);
  }
  const app = createApp(config);
  const { log } = app.state;
  try {
    await app.open();
  } catch (e) {
    log.log("error", `the ${config.store} store could not be opened`, {
      error: String(e),
    });
    Deno.exit(1);
  }
  for (
    const [name, token] of [["OSC_PUBLISH_TOKEN", config.publishToken], [
      "OSC_VIEW_TOKEN",
      config.viewToken,
    ]]
  ) {
    if (token !== null && token.length < 16) {
      log.log(
        "warn",
        `${name} is shorter than 16 characters; a longer random token is much harder to guess`,
      );
    }
  }
  if (
    config.trustProxy && config.host !== "127.0.0.1" && config.host !== "::1"
  ) {
    log.log(
      "warn",
      "OSC_TRUST_PROXY is on while listening beyond loopback: a client that reaches this port " +
        "directly can claim any address in X-Forwarded-For",
      { host: config.host },
    );
  }
  const loopback = config.host === "127.0.0.1" || config.host === "::1" ||
    config.host === "localhost";
  if (config.publishToken === null && !loopback) {
    log.log(
      "warn",
      `publishing is open to anyone who can reach ${config.host}:${config.port} (no OSC_PUBLISH_TOKEN): ` +
        "fine on a lab network; on any other, set OSC_PUBLISH_TOKEN, or HOST=127.0.0.1 behind a proxy",
      { host: config.host },
    );
  }
  await raiseFileLimit(log);
  const server = serveResilient(
    {
      hostname: config.host,
      port: config.port,
      onListen({ hostname, port }) {
        const shown = hostname === "0.0.0.0" || hostname === "::"
          ? "localhost"
          : hostname;
        log.log("info", "Web Oscilloscope listening", {
          url: `http://${shown}:${port}`,
          publish: `POST http://${shown}:${port}/data`,
          private: config.viewToken !== null,
          publishToken: config.publishToken !== null,
        });
      },
    },
    app.fetch,
    log,
  );
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.log(
      "info",
      "shutting down: closing viewers, finishing requests in flight",
      { signal },
    );
    // bounded: a client that never finishes its request cannot hold the process
    const limit = setTimeout(() => {
      log.log(
        "warn",
        "shutdown limit reached; exiting with requests still open",
        { limitMs: SHUTDOWN_LIMIT_MS },
      );
      Deno.exit(0);
    }, SHUTDOWN_LIMIT_MS);
    await app.drain(SHUTDOWN_LIMIT_MS);
    await server.shutdown();
    // every acknowledged point is in the store already; this lets go of its connections
    await app.state.store.close();
    clearTimeout(limit);
    log.log("info", "stopped");
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", () => shutdown("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => shutdown("SIGTERM"));
}
