import { Hono } from "hono";
import { upgradeWebSocket } from "hono/deno";
import { HttpError } from "../lib/http_error.ts";
import { originAllowed } from "../lib/origin.ts";
import { snapshotMessages, type State } from "../lib/state.ts";
import { Viewer } from "../lib/viewer.ts";
import type { Encoding } from "../lib/wire.ts";

/** GET /ws: a snapshot per channel, then coalesced deltas, for as long as the viewer keeps up. */
export function wsRoutes(state: State): Hono {
  const app = new Hono();
  app.get(
    "/",
    (c, next) => {
      if (
        !originAllowed(
          c.req.header("origin"),
          c.req.header("host"),
          state.config.allowedOrigins,
        )
      ) {
        throw new HttpError(
          403,
          "origin is not allowed to open /ws; list it in OSC_ALLOWED_ORIGINS",
          "origin",
        );
      }
      return next();
    },
    upgradeWebSocket((c) => {
      // a page says how many grid slots it draws on; its snapshots are cut down to match
      const asked = Number(c.req.query("slots"));
      const slots = Number.isInteger(asked) && asked >= 16 && asked <= 100_000
        ? asked
        : undefined;
      const encoding: Encoding = c.req.query("encoding") === "f64"
        ? "f64"
        : "json";
      let viewer: Viewer | undefined;
      let unsubscribe = () => {};
      return {
        onOpen(_event, ws) {
          viewer = new Viewer(ws.raw as WebSocket, {
            maxBufferedBytes: state.config.viewerMaxBufferedBytes,
            stallMs: state.config.viewerStallMs,
            snapshot: () => snapshotMessages(state, slots, encoding),
          });
          state.viewers.add(viewer);
          viewer.start();
          const v = viewer;
          unsubscribe = state.hub.subscribe(
            (frame) => v.deliver(frame),
            encoding,
          );
        },
        // viewers have nothing to say yet; whatever they send is ignored
        onClose() {
          unsubscribe();
          if (viewer) state.viewers.delete(viewer);
        },
      };
    }),
    () => {
      throw new HttpError(
        426,
        "GET /ws expects a WebSocket upgrade",
        "upgrade",
        { Upgrade: "websocket" },
      );
    },
  );
  return app;
}
