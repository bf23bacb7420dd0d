import { Hono, type MiddlewareHandler } from "hono";
import { upgradeWebSocket } from "hono/deno";
import { HttpError } from "../lib/http_error.ts";
import { originAllowed } from "../lib/origin.ts";
import { snapshotMessages, type State } from "../lib/state.ts";
import { Viewer } from "../lib/viewer.ts";
import type { Encoding } from "../lib/wire.ts";
import { clientAddress, requireViewToken } from "./guard.ts";

/** The viewer slot each upgrade request holds, released when its socket closes or fails. */
const reservations = new WeakMap<Request, () => void>();

/** Viewers have nothing to say; a frame bigger than this from one is abuse, and closes it. */
const MAX_VIEWER_MESSAGE_BYTES = 4096;

/**
 * Deno refuses an upgrade whose headers are wrong (a proxy that drops `Connection: upgrade`,
 * say) by throwing; that is the client's request at fault, so a 400 that says why, not a 500.
 */
function upgradeOrRefuse(upgrade: MiddlewareHandler): MiddlewareHandler {
  return async (c, next) => {
    try {
      return await upgrade(c, next);
    } catch (e) {
      reservations.get(c.req.raw)?.();
      if (e instanceof HttpError) throw e;
      throw new HttpError(
        400,
        `WebSocket upgrade refused: ${(e as Error).message}`,
        "upgrade",
      );
    }
  };
}

/** GET /ws: a snapshot per channel, then coalesced deltas, for as long as the viewer keeps up. */
export function wsRoutes(state: State): Hono {
  const { config } = state;
  const app = new Hono();
  // viewers open or opening: what the limits count
  const reserved = { total: 0 };
  if (config.viewToken) app.get("/", requireViewToken(state));
  app.get(
    "/",
    (c, next) => {
      if (
        !originAllowed(
          c.req.header("origin"),
          c.req.header("host"),
          config.allowedOrigins,
        )
      ) {
        state.count.viewer("refused_origin");
        throw new HttpError(
          403,
          "origin is not allowed to open /ws; list it in OSC_ALLOWED_ORIGINS",
          "origin",
        );
      }
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return next();
      if (reserved.total >= config.maxViewers) {
        state.count.viewer("refused_total");
        throw new HttpError(
          503,
          `the server has its ${config.maxViewers} viewers; try again later`,
          "viewers",
          {
            "Retry-After": "10",
          },
        );
      }
      const address = clientAddress(c, config.trustProxy);
      if (
        (state.viewersByAddress.get(address) ?? 0) >=
          config.maxViewersPerAddress
      ) {
        state.count.viewer("refused_address");
        throw new HttpError(
          429,
          `this address already has ${config.maxViewersPerAddress} viewers open; close one first`,
          "viewers",
          { "Retry-After": "10" },
        );
      }
      // the slot is taken here, in the same step as the check, so a burst of handshakes
      // cannot all pass it before any of them has opened
      reserved.total++;
      state.viewersByAddress.set(
        address,
        (state.viewersByAddress.get(address) ?? 0) + 1,
      );
      let held = true;
      reservations.set(c.req.raw, () => {
        if (!held) return;
        held = false;
        reserved.total--;
        const left = (state.viewersByAddress.get(address) ?? 1) - 1;
        if (left > 0) state.viewersByAddress.set(address, left);
        else state.viewersByAddress.delete(address);
      });
      return next();
    },
    upgradeOrRefuse(upgradeWebSocket((c) => {
      const address = clientAddress(c, config.trustProxy);
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
      const reservation = reservations.get(c.req.raw) ?? (() => {});
      // the slot, the subscription and the set: let go at the server's close or the peer's,
      // whichever comes first
      const release = () => {
        reservation();
        unsubscribe();
        if (viewer) state.viewers.delete(viewer);
      };
      return {
        onOpen(_event, ws) {
          // a handshake that completes after a shutdown began gets the same goodbye
          if (state.draining) {
            ws.close(1001, "server shutting down");
            return;
          }
          viewer = new Viewer(ws.raw as WebSocket, {
            maxBufferedBytes: config.viewerMaxBufferedBytes,
            stallMs: config.viewerStallMs,
            snapshot: () => snapshotMessages(state, slots, encoding),
            onClosed: release,
            onEvent: (event) => {
              state.count.viewer(event);
              if (event === "closed_slow") {
                state.log.log("info", "closed a viewer that stopped reading", {
                  address,
                });
              }
            },
          });
          state.viewers.add(viewer);
          viewer.start();
          const v = viewer;
          unsubscribe = state.hub.subscribe(
            (frame) => v.deliver(frame),
            encoding,
          );
        },
        onMessage(event, ws) {
          // nothing a viewer sends is read; only its size is checked
          const data = event.data;
          const size = typeof data === "string"
            ? data.length
            : data instanceof Blob
            ? data.size
            : data.byteLength;
          if (size > MAX_VIEWER_MESSAGE_BYTES) {
            state.count.viewer("message_too_big");
            ws.close(1009, "message too big");
          }
        },
        onClose() {
          release();
        },
        onError() {
          release();
        },
      };
    }, { idleTimeout: config.pingSeconds })),
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
