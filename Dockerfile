# Web Oscilloscope: one Deno process serving ingest, WebSocket and page on port 8080 ($PORT).
# Points live in memory by default; OSC_STORE=kv or OSC_STORE=redis keeps them (see README).
# Two stages: `build` fetches the dependencies and bundles the island; the image itself holds
# only what main.ts loads (tools/container/runtime_files.ts) and static/, without the test and
# build tools (playwright-core, fast-check, esbuild), and needs no network to start.
# the Deno release the tests run on
ARG DENO_VERSION=2.9.6

FROM denoland/deno:${DENO_VERSION} AS build
# not /app: the legacy builder's cache would confuse this stage's first step with the image's
WORKDIR /build
RUN chown deno:deno /build
USER deno
# dependencies first, from deno.json and deno.lock alone, so code changes don't refetch them:
# the import map's npm packages, and esbuild, which `deno bundle` fetches on its first run
COPY --chown=deno:deno deno.json deno.lock ./
RUN deno install --frozen \
 && echo 'export {};' > /tmp/warm.ts \
 && deno bundle --quiet --platform browser -o /tmp/warm.js /tmp/warm.ts \
 && rm /tmp/warm.ts /tmp/warm.js
COPY --chown=deno:deno . .
# --cached-only: nothing is fetched from here on (a change to the dependencies changes deno.lock)
RUN deno install --frozen --cached-only --entrypoint main.ts islands/client.tsx \
 && deno task bundle \
 && deno run --allow-read --allow-write=/tmp/runtime --allow-run --allow-env \
      tools/container/runtime_files.ts /tmp/runtime main.ts

FROM denoland/deno:${DENO_VERSION}
WORKDIR /app
# the code belongs to root (the server cannot change it); the server writes only /app/data and
# its cache in /deno-dir
COPY --from=build --chown=0:0 /tmp/runtime/app/ /app/
COPY --from=build --chown=deno:deno /tmp/runtime/deno-dir/ /deno-dir/
RUN mkdir -p /app/data && chown deno:deno /app/data
USER deno

ENV PORT=8080 HOST=0.0.0.0
EXPOSE 8080
# asks the port the server listens on ($PORT, as main.ts reads it)
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD ["deno", "eval", "--no-config", "const h = Deno.env.get('HOST') ?? ''; const host = h === '::1' ? '[::1]' : h === '' || h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h; const r = await fetch(`http://${host}:${Deno.env.get('PORT') || 8080}/healthz`); Deno.exit(r.ok ? 0 : 1)"]
# OSC_STORE=kv keeps points in /app/data (mount a volume there; a bind-mounted host folder must
# belong to uid 1993, see README); redis needs only the network
VOLUME /app/data
# --cached-only: everything is in /deno-dir already, and without it deno would still ask the
# registry about any package whose metadata is not cached
CMD ["run", "--cached-only", "--allow-net", "--allow-env", "--allow-read", "--allow-write=/app/data", "--allow-run=prlimit", "main.ts"]
