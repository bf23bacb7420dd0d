import { Hono } from "hono";
import { compress } from "hono/compress";
import { serveStatic } from "hono/deno";
import { etag } from "hono/etag";
import { HTTPException } from "hono/http-exception";
import { type Config, ConfigError, loadConfig } from "./lib/config.ts";
import { HttpError } from "./lib/http_error.ts";
import { createState, type State } from "./lib/state.ts";
import { dataRoutes } from "./routes/data.ts";
import { pageRoutes } from "./routes/page.tsx";
import { wsRoutes } from "./routes/ws.ts";

export type App = Hono & {
  state: State;
  /** Closes every viewer with 1001 "going away" and stops the broadcast timer. */
  close(): void;
};

/** Builds the whole oscilloscope — buffers, hub, routes — for one configuration. */
export function createApp(config: Config): App {
  const state = createState(config);
  const app = new Hono()
    // the bundle, the page and data downloads shrink 3-5x; POST replies are too small to bother
    .on("GET", ["/", "/data", "/static/*"], compress())
    .get("/healthz", (c) => c.json({ status: "ok" }))
    .route("/data", dataRoutes(state))
    .route("/ws", wsRoutes(state))
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
      // every error reaches the client as the JSON the original's clients already parse
      if (err instanceof HttpError) {
        for (const [name, value] of Object.entries(err.headers ?? {})) {
          c.header(name, value);
        }
        return c.json({
          status: "error",
          message: err.message,
          field: err.field,
        }, err.status);
      }
      if (err instanceof HTTPException) {
        return c.json({
          status: "error",
          message: err.message || "request refused",
        }, err.status);
      }
      console.error(`${c.req.method} ${c.req.path} failed:`, err);
      return c.json({ status: "error", message: "internal error" }, 500);
    });
  // resync or close viewers that fell behind even when no new data comes to trigger it
  const sweep = setInterval(() => {
    for (const viewer of state.viewers) viewer.poll();
  }, 1000);
  return Object.assign(app, {
    state,
    close() {
      clearInterval(sweep);
      state.hub.close();
      for (const viewer of state.viewers) {
        viewer.close(1001, "server shutting down");
      }
    },
  });
}

if (import.meta.main) {
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`configuration error: ${e.message}`);
    Deno.exit(1);
  }
  const app = createApp(config);
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    onListen({ hostname, port }) {
      const shown = hostname === "0.0.0.0" || hostname === "::"
        ? "localhost"
        : hostname;
      console.log(
        `Web Oscilloscope on http://${shown}:${port}  (publish: POST http://${shown}:${port}/data)`,
      );
    },
  }, app.fetch);
  const shutdown = async () => {
    console.log("shutting down: finishing requests in flight");
    app.close();
    await server.shutdown();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}
