import { Hono, type MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { renderToString } from "preact-render-to-string";
import { Header } from "../components/Header.tsx";
import { Layout } from "../components/Layout.tsx";
import { Scope } from "../islands/Scope.tsx";
import { earlySocketScript } from "../islands/runtime/early_socket.ts";
import { firstPaintScript } from "../islands/runtime/first_paint.ts";
import { slotsFor } from "../islands/runtime/live_chart.ts";
import { decodeView, encodeView } from "../lib/scope/view_state.ts";
import { type FirstPicture, firstPicture } from "../lib/scope/first_picture.ts";
import { traceColor } from "../lib/scope/palette.ts";
import { createHash } from "node:crypto";
import type { State } from "../lib/server/state.ts";
import { channelFacts } from "../lib/server/channel_summary.ts";
import type { ChannelSummary, ScopeProps } from "../lib/shared/types.ts";

// the one inline script, which opens the live socket before the bundle has loaded and paints
// the first picture: allowed by its hash, so no other inline script may run
const EARLY_SCRIPT = earlySocketScript(slotsFor) + firstPaintScript();
// raw text in the page: nothing in it may end the script element or open a comment
if (/<\/script|<!--/i.test(EARLY_SCRIPT)) {
  throw new Error("the inline script would not parse as one script element");
}
const EARLY_SCRIPT_HASH = createHash("sha256").update(EARLY_SCRIPT).digest(
  "base64",
);

/**
 * The page and its assets: no inline script may run but the page's own (the early socket and
 * the first picture), by its hash; the island is an external bundle, and its props and the
 * picture are JSON in non-executable script elements. Embedding as OSC_FRAME_ANCESTORS says.
 */
export function pageHeaders(frameAncestors: string[]): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", `'sha256-${EARLY_SCRIPT_HASH}'`],
      // the legend's colour swatches are style attributes rendered on the server
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:", "blob:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors,
    },
    // frame-ancestors above decides who may embed; X-Frame-Options could only say less
    xFrameOptions: false,
    // HSTS belongs to whoever terminates TLS, not to a server that may speak plain HTTP
    strictTransportSecurity: false,
  });
}

/** GET /: the page, rendered on the server with the island's first state, then hydrated. */
export function pageRoutes(state: State): Hono {
  const app = new Hono();
  const css = Deno.readTextFileSync(
    new URL("../static/style.css", import.meta.url),
  );
  const pictures = new Pictures();
  app.get("/", (c) => {
    // what the page will hold of each channel: its snapshot, not the whole buffer
    const channels: ChannelSummary[] = channelFacts(state.channels).map((
      { name, count, lastSeq, lastY },
    ) => ({
      name,
      count: Math.min(count, state.config.snapshotPoints),
      lastSeq,
      lastY,
    }));
    const url = new URL(c.req.url);
    // behind a TLS-terminating proxy the page is https even though this hop is http
    const proto = c.req.header("x-forwarded-proto")?.split(",")[0].trim() ||
      url.protocol.slice(0, -1);
    const view = decodeView(url.search);
    // a link's own view (a zoom, a trigger, XY) is the bundle's to draw; so is an empty server
    const picture = encodeView({ ...view, hidden: [] }) === ""
      ? pictures.get(state, view.hidden)
      : null;
    const props: ScopeProps = {
      publishUrl: `${proto}://${c.req.header("host") ?? url.host}/data`,
      tokenRequired: state.config.publishToken !== null,
      windowPoints: state.config.snapshotPoints,
      channels,
      hidden: view.hidden,
      firstPicture: picture !== null,
    };
    const html = renderToString(
      <Layout title="Web Oscilloscope" css={css}>
        <Header />
        <main id="scope-root">
          <Scope {...props} />
        </main>
        {/* JSON with "<" escaped cannot close the script element early */}
        <script
          type="application/json"
          id="scope-props"
          dangerouslySetInnerHTML={{
            __html: JSON.stringify(props).replaceAll("<", "\\u003c"),
          }}
        />
        {picture !== null && (
          <script
            type="application/json"
            id="first-picture"
            dangerouslySetInnerHTML={{
              __html: JSON.stringify(picture).replaceAll("<", "\\u003c"),
            }}
          />
        )}
        {/* last: the chart box it measures is laid out as the whole page lays it out */}
        <script dangerouslySetInnerHTML={{ __html: EARLY_SCRIPT }} />
      </Layout>,
    );
    return c.html(`<!doctype html>${html}`);
  });
  return app;
}

// a burst of page loads draws the picture once: a quarter of a second of a live signal is a
// little of its roll, which the chart's own first trace catches up with
const PICTURE_MS = 250;

/** The first picture of the channels not hidden, made at most every PICTURE_MS per hidden set. */
class Pictures {
  #last: { key: string; atMs: number; picture: FirstPicture | null } | null =
    null;

  get(state: State, hidden: string[]): FirstPicture | null {
    const names = state.channels.names();
    // by what is drawn, not by what the link says: ?hide=zz or ?hide=b,a is the same picture
    const key = JSON.stringify(names.map((name) => !hidden.includes(name)));
    const now = performance.now();
    if (this.#last?.key === key && now - this.#last.atMs < PICTURE_MS) {
      return this.#last.picture;
    }
    // colours by the order channels appear, as the page gives them
    const sources = names.flatMap((name, i) =>
      hidden.includes(name)
        ? []
        : [{ color: traceColor(i), ring: state.channels.get(name)! }]
    );
    const picture = firstPicture(sources, state.config.snapshotPoints);
    this.#last = { key, atMs: now, picture };
    return picture;
  }
}
