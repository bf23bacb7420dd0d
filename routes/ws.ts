import { type Context, Hono, type MiddlewareHandler } from "hono";
import { upgradeWebSocket } from "hono/deno";
import { HttpError } from "../lib/server/http_error.ts";
import { originAllowed } from "../lib/server/origin.ts";
import type { State } from "../lib/server/state.ts";
import type { Ticket, ViewerWants } from "../lib/server/viewers.ts";
import type { Encoding } from "../lib/shared/wire.ts";
import { clientAddress } from "./guard.ts";

/** The viewer slot an upgrade request holds, released when its socket closes or fails. */
type Env = { Variables: { ticket: Ticket } };

/** Viewers have nothing to say; a frame bigger than this from one is abuse, and closes it. */
const MAX_VIEWER_MESSAGE_BYTES = 4096;

/**
 * Deno refuses an upgrade whose headers are wrong (a proxy that drops `Connection: upgrade`,
 * say) by throwing; that is the client's request at fault, so a 400 that says why, not a 500.
 */
function upgradeOrRefuse(
  upgrade: MiddlewareHandler<Env>,
): MiddlewareHandler<Env> {
  return async (c, next) => {
    try {
      return await upgrade(c, next);
    } catch (e) {
      c.get("ticket")?.release();
      if (e instanceof HttpError) throw e;
      throw new HttpError(
        400,
        `WebSocket upgrade refused: ${(e as Error).message}`,
        "upgrade",
      );
    }
  };
}

/** What a viewer's request asks for: `?slots=` (grid slots it draws on) and `?encoding=`. */
function wants(query: (name: string) => string | undefined): ViewerWants {
  const asked = Number(query("slots"));
  const slots = Number.isInteger(asked) && asked >= 16 && asked <= 100_000
    ? asked
    : undefined;
  const encoding: Encoding = query("encoding") === "f64" ? "f64" : "json";
  return { slots, encoding };
}

/**
 * GET /ws: parse, admit, attach. The viewers registry holds the limits, the open viewers and
 * their policy; this route only speaks HTTP and WebSocket.
 */
export function wsRoutes(state: State): Hono<Env> {
  const { config, viewers } = state;
  const app = new Hono<Env>();
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
      const admitted = viewers.admit(clientAddress(c, config.trustProxy));
      if (!admitted.ok && admitted.refusal === "refused_total") {
        throw new HttpError(
          503,
          `the server has its ${admitted.limit} viewers; try again later`,
          "viewers",
          { "Retry-After": "10" },
        );
      }
      if (!admitted.ok) {
        throw new HttpError(
          429,
          `this address already has ${admitted.limit} viewers open; close one first`,
          "viewers",
          { "Retry-After": "10" },
        );
      }
      c.set("ticket", admitted.ticket);
      return next();
    },
    upgradeOrRefuse(upgradeWebSocket((c) => {
      const ticket = (c as Context<Env>).get("ticket");
      const asked = wants((name) => c.req.query(name));
      return {
        onOpen(_event, ws) {
          viewers.attach(ticket, ws.raw as WebSocket, asked);
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
        // the slot, the subscription and the set: let go at the server's close or the peer's,
        // whichever comes first
        onClose: () => ticket.release(),
        onError: () => ticket.release(),
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
