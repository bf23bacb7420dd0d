import { type App, type AppOptions, createApp } from "../app.ts";
import { loadConfig } from "../lib/server/config.ts";

/** Runs `fn` against a real listener on a free loopback port, then stops it and its viewers. */
export async function withServer(
  env: Record<string, string>,
  fn: (base: string, app: App) => Promise<void>,
  options: AppOptions = {},
): Promise<void> {
  // refusals are logged at info; tests only want to see errors and warnings
  const app = createApp(loadConfig({ OSC_LOG_LEVEL: "warn", ...env }), options);
  await app.open();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    app.fetch,
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`, app);
  } finally {
    await app.close();
    await server.shutdown();
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any -- the tests read whatever JSON the server sent
  json: any;
  text: string;
}

/** Sends a request and reads the whole body (so no test leaks a response). */
export async function send(
  url: string,
  init: RequestInit = {},
): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown = undefined;
  if (res.headers.get("content-type")?.includes("application/json")) {
    json = JSON.parse(text);
  }
  return { status: res.status, headers: res.headers, json, text };
}

/** POST /data the way `curl -d` does: form-encoded content type, JSON text. */
export function post(
  base: string,
  body: unknown,
  init: RequestInit & { query?: string } = {},
): Promise<Reply> {
  const { query, ...rest } = init;
  return send(`${base}/data${query ?? ""}`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(rest.headers ?? {}),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...rest,
  });
}
