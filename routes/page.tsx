import { Hono, type MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { renderToString } from "preact-render-to-string";
import { Header } from "../components/Header.tsx";
import { Layout } from "../components/Layout.tsx";
import { Scope } from "../islands/Scope.tsx";
import { earlySocketScript } from "../islands/runtime/early_socket.ts";
import { slotsFor } from "../islands/runtime/live_chart.ts";
import { decodeView } from "../lib/scope/view_state.ts";
import { createHash } from "node:crypto";
import type { State } from "../lib/server/state.ts";
import { channelFacts } from "../lib/server/channel_summary.ts";
import type { ChannelSummary, ScopeProps } from "../lib/shared/types.ts";

// the one inline script, which opens the live socket before the bundle has loaded: allowed by
// its hash, so no other inline script may run
const EARLY_SCRIPT = earlySocketScript(slotsFor);
const EARLY_SCRIPT_HASH = createHash("sha256").update(EARLY_SCRIPT).digest(
  "base64",
);

/**
 * The page and its assets: no inline script may run but the early socket's, by its hash (the
 * island is an external bundle and its props are JSON in a non-executable script element);
 * embedding as OSC_FRAME_ANCESTORS says.
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
    const props: ScopeProps = {
      publishUrl: `${proto}://${c.req.header("host") ?? url.host}/data`,
      tokenRequired: state.config.publishToken !== null,
      windowPoints: state.config.snapshotPoints,
      channels,
      hidden: decodeView(url.search).hidden,
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
        {/* last: the chart box it measures is laid out as the whole page lays it out */}
        <script dangerouslySetInnerHTML={{ __html: EARLY_SCRIPT }} />
      </Layout>,
    );
    return c.html(`<!doctype html>${html}`);
  });
  return app;
}
