# Web Oscilloscope: one Deno process serving ingest, WebSocket and page on port 8080.
# Points live in memory by default; OSC_STORE=kv or OSC_STORE=redis keeps them (see README).
# the Deno release the tests run on
ARG DENO_VERSION=2.9.6
FROM denoland/deno:${DENO_VERSION}

WORKDIR /app
RUN chown deno:deno /app
USER deno

# dependencies first, so code changes don't refetch them
COPY --chown=deno:deno deno.json deno.lock ./
COPY --chown=deno:deno . .
RUN deno install --frozen --entrypoint main.ts islands/client.tsx \
 && deno task bundle

ENV PORT=8080 HOST=0.0.0.0
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s \
  CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:8080/healthz'); Deno.exit(r.ok ? 0 : 1)"]
# OSC_STORE=kv keeps points in /app/data (mount a volume there); redis needs only the network
RUN mkdir -p /app/data
VOLUME /app/data
CMD ["run", "--allow-net", "--allow-env", "--allow-read", "--allow-write=/app/data", "--allow-run=prlimit", "main.ts"]
