// The composition root: everything one oscilloscope holds is built here, from its Config, and
// reaches the routes through `state`. main.ts serves it; tests build as many as they need.
import { Hono } from "hono";
import { compress } from "hono/compress";
import { cors } from "hono/cors";
import { serveStatic } from "hono/deno";
import { etag } from "hono/etag";
import { type Config } from "./lib/server/config.ts";
import { createCounts } from "./lib/server/counts.ts";
import { Deadlines } from "./lib/server/deadlines.ts";
import { registerGauges } from "./lib/server/gauges.ts";
import { Hub, type Schedule } from "./lib/server/hub.ts";
import { LagProbe } from "./lib/server/lag_probe.ts";
import { LoadShedder } from "./lib/server/load_shedder.ts";
import { createLogger } from "./lib/server/log.ts";
import { Metrics } from "./lib/server/metrics.ts";
import { RateLimiter } from "./lib/server/rate_limit.ts";
import { Requests } from "./lib/server/requests.ts";
import { snapshotMessages } from "./lib/server/snapshots.ts";
import type { State } from "./lib/server/state.ts";
import { Viewers } from "./lib/server/viewers.ts";
import { WaysIn } from "./lib/server/ways_in.ts";
import { mirrorSink } from "./lib/ingest/message.ts";
import { ReceiveClock } from "./lib/ingest/receive_time.ts";
import { startTransports } from "./lib/transports/start.ts";
import { createChannels, createStore } from "./lib/store/create.ts";
import { dataRoutes } from "./routes/data.ts";
import { errorHandler, notFound } from "./routes/errors.ts";
import { requestGate } from "./routes/gate.ts";
import { requireViewToken } from "./routes/guard.ts";
import { healthRoutes } from "./routes/health.ts";
import { influxRoutes } from "./routes/influx.ts";
import { metricsRoutes, observer } from "./routes/metrics.ts";
import { pageHeaders, pageRoutes } from "./routes/page.tsx";
import { statusRoutes } from "./routes/status.ts";
import { wsRoutes } from "./routes/ws.ts";

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

/** What a test may swap: the hub's clock and where log lines go. */
export interface AppOptions {
  schedule?: Schedule;
  /** where log lines go (console.log by default) */
  writeLog?: (line: string) => void;
}

/** Everything a viewer reads, behind the view token when there is one. */
const VIEWED = ["/", "/data", "/ws", "/status", "/metrics"];

/** How often body time limits are enforced. */
const BODY_SWEEP_MS = 100;

/** Builds the whole oscilloscope — buffers, store, hub, viewers, routes — for one configuration. */
export function createApp(config: Config, options: AppOptions = {}): App {
  const log = createLogger(config.logLevel, options.writeLog ?? console.log);
  const metrics = new Metrics();
  const count = createCounts(metrics);
  const channels = createChannels(config);
  const hub = new Hub({
    tickMs: config.tickMs,
    maxDeltaPoints: config.snapshotPoints,
    schedule: options.schedule,
    onSubscriberError: (e) =>
      log.log("error", "a viewer's send failed", { error: String(e) }),
  });
  const viewers = new Viewers({
    maxViewers: config.maxViewers,
    maxViewersPerAddress: config.maxViewersPerAddress,
    viewerMaxBufferedBytes: config.viewerMaxBufferedBytes,
    viewerStallMs: config.viewerStallMs,
    viewersMaxBufferTotal: config.viewersMaxBufferTotal,
    hub,
    snapshot: (slots, encoding) =>
      snapshotMessages(channels, config.snapshotPoints, slots, encoding),
    count: count.viewer,
    log: (msg, fields) => log.log("info", msg, fields),
  });
  const store = createStore(config, {
    channels,
    hub,
    // pages keep their own last seq; reconnecting gets them fresh snapshots
    reset: () => viewers.restartAll("the store was reset"),
  }, log);
  const shedder = new LoadShedder({
    maxLagMs: config.overloadLagMs,
    maxInFlight: config.overloadInFlight,
  });
  const lag = new LagProbe((lateMs) => shedder.observeLag(lateMs));
  registerGauges(metrics, {
    viewers,
    channels,
    store,
    capacity: config.capacity,
    memoryBytes: () => Deno.memoryUsage().rss,
    worstLagMs: () => lag.worstSinceLastRead(),
  });
  const state: State = {
    config,
    store,
    channels,
    hub,
    viewers,
    metrics,
    count,
    log,
    deadlines: new Deadlines(),
    bodies: { bytes: 0 },
    requests: new Requests(),
    shedder,
    // 10 wrong tokens, then one every 6 s
    guesses: new RateLimiter(1 / 6, 10),
    ways: new WaysIn(metrics, count),
    clock: new ReceiveClock(),
  };
  let transports: { close(): Promise<void> } | null = null;

  const app = new Hono()
    .use(requestGate(state, observer(state)))
    .on("GET", ["/", "/static/*"], pageHeaders(config.frameAncestors))
    // the bundle, the page and data downloads shrink 3-5x; POST replies are too small to bother
    .on("GET", ["/", "/data", "/static/*"], compress());
  if (config.viewToken !== null) app.on("GET", VIEWED, requireViewToken(state));
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
    .route("/healthz", healthRoutes(state))
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
      // scope.js.br (made by deno task bundle) to browsers that accept br
      serveStatic({
        root: new URL(".", import.meta.url).pathname,
        precompressed: true,
      }),
    )
    .notFound(notFound)
    .onError(errorHandler(state));

  const bodies = setInterval(() => state.deadlines.sweep(), BODY_SWEEP_MS);
  lag.start();
  const stopTransports = async () => {
    await transports?.close();
    transports = null;
  };
  const stopLive = () => {
    lag.stop();
    hub.close();
    viewers.closeAll(1001, "server shutting down");
  };
  return Object.assign(app, {
    state,
    async open() {
      await store.open();
      // after the store: a message taken before it holds its points would be lost
      transports = startTransports(config, {
        store,
        sink: mirrorSink(channels, config.maxChannels, state.clock),
        ways: state.ways,
        log,
        saturated: () => shedder.saturated,
      });
    },
    async close() {
      await stopTransports();
      stopLive();
      clearInterval(bodies);
      return store.close();
    },
    async drain(limitMs: number): Promise<void> {
      // viewers go now; the body deadlines keep being enforced until the last request is
      // answered, or a body that stalls would hold the drain for its whole limit
      const done = state.requests.drain(limitMs);
      stopLive();
      await stopTransports();
      await done;
      clearInterval(bodies);
    },
  });
}
