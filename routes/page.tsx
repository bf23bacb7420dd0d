import { Hono } from "hono";
import { renderToString } from "preact-render-to-string";
import { Header } from "../components/Header.tsx";
import { Layout } from "../components/Layout.tsx";
import { Scope } from "../islands/Scope.tsx";
import type { State } from "../lib/state.ts";
import { requireViewToken } from "./guard.ts";
import type { ChannelSummary, ScopeProps } from "../lib/types.ts";

/** GET /: the page, rendered on the server with the island's first state, then hydrated. */
export function pageRoutes(state: State): Hono {
  const app = new Hono();
  if (state.config.viewToken) app.get("/", requireViewToken(state));
  app.get("/", (c) => {
    const channels: ChannelSummary[] = state.channels.names().map((name) => {
      const buffer = state.channels.get(name)!;
      return {
        name,
        count: Math.min(buffer.size, state.config.snapshotPoints),
        lastSeq: buffer.lastSeq,
        lastY: buffer.size > 0 ? buffer.yAt(buffer.size - 1) : null,
      };
    });
    const url = new URL(c.req.url);
    // behind a TLS-terminating proxy the page is https even though this hop is http
    const proto = c.req.header("x-forwarded-proto")?.split(",")[0].trim() ||
      url.protocol.slice(0, -1);
    const props: ScopeProps = {
      publishUrl: `${proto}://${c.req.header("host") ?? url.host}/data`,
      tokenRequired: state.config.publishToken !== null,
      windowPoints: state.config.snapshotPoints,
      channels,
    };
    const html = renderToString(
      <Layout title="Web Oscilloscope">
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
      </Layout>,
    );
    return c.html(`<!doctype html>${html}`);
  });
  return app;
}
