// Limits, private scopes, headers, CORS, metrics and logs, as a client sees them.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createApp } from "../app.ts";
import { loadConfig } from "../lib/server/config.ts";
import { post, send, withServer } from "./helpers.ts";
import { stalledViewer } from "./viewers.ts";

/** Opens /ws; resolves with the socket once open, rejects with the refusal's message. */
function openViewer(
  base: string,
  headers: Record<string, string> = {},
): Promise<WebSocket> {
  const ws = new WebSocket(
    base.replace("http", "ws") + "/ws",
    { headers } as never,
  );
  return new Promise((resolve, reject) => {
    ws.onopen = () => resolve(ws);
    ws.onerror = (e) => reject(new Error((e as ErrorEvent).message));
  });
}

async function closeViewer(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  const closed = new Promise((r) => ws.addEventListener("close", r));
  ws.close();
  await closed;
}

Deno.test("rate limit - a client past its budget gets 429 with Retry-After, and nothing is stored", async () => {
  await withServer({
    OSC_PUBLISH_RATE: "1",
    OSC_PUBLISH_BURST: "3",
    OSC_TRUST_PROXY: "1",
  }, async (base) => {
    const from = (address: string) => ({
      headers: { "x-forwarded-for": `203.0.113.9, ${address}` },
    });
    for (let i = 0; i < 3; i++) {
      assert.equal((await post(base, { y: i }, from("10.0.0.1"))).status, 200);
    }
    const refused = await post(base, { y: 99 }, from("10.0.0.1"));
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.equal(refused.json.status, "error");
    assert.equal(refused.json.field, "rate");
    assert.equal(
      (await post(base, { y: 5 }, from("10.0.0.2"))).status,
      200,
      "another address has its own budget",
    );
    const data = (await send(`${base}/data`)).json.channels.default;
    assert.deepEqual(data.y, [0, 1, 2, 5], "the refused point was not stored");
  });
});

Deno.test("rate limit - without OSC_TRUST_PROXY a forged X-Forwarded-For buys nothing", async () => {
  await withServer(
    { OSC_PUBLISH_RATE: "1", OSC_PUBLISH_BURST: "2" },
    async (base) => {
      let refused = 0;
      for (let i = 0; i < 5; i++) {
        const r = await post(base, { y: i }, {
          headers: { "x-forwarded-for": `10.0.0.${i}` },
        });
        if (r.status === 429) refused++;
      }
      assert.equal(refused, 3);
    },
  );
});

Deno.test("viewer limits - in all (503) and per address (429), with room again after a close", async () => {
  await withServer({
    OSC_MAX_VIEWERS: "3",
    OSC_MAX_VIEWERS_PER_ADDRESS: "2",
    OSC_TRUST_PROXY: "1",
  }, async (base) => {
    const a1 = await openViewer(base, { "x-forwarded-for": "10.0.0.1" });
    const a2 = await openViewer(base, { "x-forwarded-for": "10.0.0.1" });
    await assert.rejects(
      openViewer(base, { "x-forwarded-for": "10.0.0.1" }),
      /429/,
    );
    const b1 = await openViewer(base, { "x-forwarded-for": "10.0.0.2" });
    await assert.rejects(
      openViewer(base, { "x-forwarded-for": "10.0.0.3" }),
      /503/,
    );
    await closeViewer(a1);
    await new Promise((r) => setTimeout(r, 50));
    const a3 = await openViewer(base, { "x-forwarded-for": "10.0.0.1" });
    for (const ws of [a2, b1, a3]) await closeViewer(ws);
  });
});

Deno.test("viewer messages - a frame over 4 KiB closes the socket with 1009; small ones are ignored", async () => {
  await withServer({}, async (base) => {
    const ws = await openViewer(base);
    const closed = new Promise<CloseEvent>((r) =>
      ws.addEventListener("close", r as never)
    );
    ws.send("hello");
    ws.send(JSON.stringify({ type: "anything" }));
    ws.send("x".repeat(5000));
    assert.equal((await closed).code, 1009);
    assert.equal((await send(`${base}/healthz`)).status, 200);
  });
});

Deno.test("private scope - page, data, ws and metrics need the view token; ?token= becomes a cookie", async () => {
  await withServer({
    OSC_VIEW_TOKEN: "look-only",
    OSC_PUBLISH_TOKEN: "write-only",
  }, async (base) => {
    for (const path of ["/", "/data", "/metrics"]) {
      const r = await send(`${base}${path}`);
      assert.equal(r.status, 401, path);
      assert.equal(r.json.field, "token");
    }
    await assert.rejects(openViewer(base), /401/);
    assert.equal(
      (await send(`${base}/healthz`)).status,
      200,
      "health stays public",
    );
    assert.equal(
      (await send(`${base}/static/style.css`)).status,
      200,
      "so do the assets",
    );

    const link = await fetch(`${base}/?token=look-only&view=1`, {
      redirect: "manual",
    });
    await link.body?.cancel();
    assert.equal(link.status, 303);
    assert.equal(
      link.headers.get("location"),
      "/?view=1",
      "the token leaves the address bar",
    );
    const cookie = link.headers.get("set-cookie")!;
    assert.match(cookie, /^osc_view=look-only;/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    const session = { headers: { cookie: cookie.split(";")[0] } };
    assert.equal((await send(`${base}/`, session)).status, 200);
    assert.equal((await send(`${base}/data`, session)).status, 200);
    await closeViewer(await openViewer(base, session.headers));
    assert.equal(
      (await send(`${base}/data`, {
        headers: { authorization: "Bearer look-only" },
      })).status,
      200,
    );
    assert.equal((await send(`${base}/?token=wrong`)).status, 401);

    // a viewer's token never publishes
    assert.equal(
      (await post(base, { y: 1 }, {
        headers: { authorization: "Bearer look-only" },
      })).status,
      401,
    );
    assert.equal(
      (await post(base, { y: 1 }, {
        headers: { authorization: "Bearer write-only" },
      })).status,
      200,
    );
  });
});

Deno.test("headers - the page runs no inline script but its own, nor is framed by others or sniffed", async () => {
  await withServer(
    { OSC_FRAME_ANCESTORS: "'self', https://wiki.example" },
    async (base) => {
      const page = await send(`${base}/`);
      const csp = page.headers.get("content-security-policy")!;
      const scriptSrc = /script-src ([^;]*)/.exec(csp)![1].trim().split(" ");
      // the page's one inline script (the early socket, the first picture) is allowed by its hash alone
      const inline = [...page.text.matchAll(/<script>([\s\S]*?)<\/script>/g)];
      assert.equal(inline.length, 1, "one inline script");
      const hash = createHash("sha256").update(inline[0][1]).digest("base64");
      assert.deepEqual(scriptSrc, ["'self'", `'sha256-${hash}'`]);
      assert.match(csp, /frame-ancestors 'self' https:\/\/wiki\.example/);
      assert.match(csp, /object-src 'none'/);
      assert.equal(page.headers.get("x-content-type-options"), "nosniff");
      assert.equal(page.headers.get("referrer-policy"), "no-referrer");
    },
  );
});

Deno.test("CORS - browser senders from listed origins may publish; preflight is answered", async () => {
  await withServer(
    { OSC_CORS_ORIGINS: "https://lab.example" },
    async (base) => {
      const preflight = await send(`${base}/data`, {
        method: "OPTIONS",
        headers: {
          origin: "https://lab.example",
          "access-control-request-method": "POST",
          "access-control-request-headers": "content-type",
        },
      });
      assert.equal(preflight.status, 204);
      assert.equal(
        preflight.headers.get("access-control-allow-origin"),
        "https://lab.example",
      );
      assert.match(
        preflight.headers.get("access-control-allow-methods")!,
        /POST/,
      );
      const ok = await post(base, { y: 1 }, {
        headers: { origin: "https://lab.example" },
      });
      assert.equal(
        ok.headers.get("access-control-allow-origin"),
        "https://lab.example",
      );
      const other = await post(base, { y: 1 }, {
        headers: { origin: "https://elsewhere.example" },
      });
      assert.equal(other.headers.get("access-control-allow-origin"), null);
    },
  );
});

Deno.test("escaping - markup as a channel name is refused, and never reaches the page", async () => {
  await withServer({}, async (base) => {
    const evil = "<img src=x onerror=alert(1)>";
    const r = await post(base, { y: 1, channel: evil });
    assert.equal(r.status, 400);
    assert.ok(!r.text.includes("<img"), "the reply does not echo it");
    const q = await post(base, { y: 1 }, {
      query: `?channel=${encodeURIComponent(evil)}`,
    });
    assert.equal(q.status, 400);
    const page = await send(`${base}/`);
    assert.ok(!page.text.includes("<img src=x"));
  });
});

Deno.test("body timeout - a body that stops arriving gets 408", async () => {
  await withServer({ OSC_BODY_TIMEOUT_MS: "300" }, async (base) => {
    const { hostname, port } = new URL(base);
    const conn = await Deno.connect({ hostname, port: Number(port) });
    try {
      await conn.write(new TextEncoder().encode(
        `POST /data HTTP/1.1\r\nHost: ${hostname}\r\nContent-Length: 100\r\n\r\n{"x": 1,`,
      ));
      const started = performance.now();
      const buf = new Uint8Array(2048);
      const n = await conn.read(buf);
      const reply = new TextDecoder().decode(buf.subarray(0, n ?? 0));
      assert.match(reply, /^HTTP\/1.1 408/);
      assert.ok(performance.now() - started < 2000);
    } finally {
      conn.close();
    }
  });
});

Deno.test("metrics - Prometheus text with accepted points, refusals, requests and viewers", async () => {
  await withServer({}, async (base) => {
    await post(base, { y: [1, 2, 3] });
    await post(base, { y: "nope" });
    const ws = await openViewer(base);
    const text = (await send(`${base}/metrics`)).text;
    await closeViewer(ws);
    assert.match(text, /^osc_points_accepted_total 3$/m);
    assert.match(text, /^osc_publish_rejected_total\{reason="invalid"\} 1$/m);
    assert.match(
      text,
      /^osc_http_requests_total\{route="\/data",method="POST",status="200"\} 1$/m,
    );
    assert.match(
      text,
      /^osc_http_requests_total\{route="\/data",method="POST",status="400"\} 1$/m,
    );
    assert.match(text, /^osc_viewers 1$/m);
    assert.match(text, /^osc_buffer_points\{channel="default"\} 3$/m);
    assert.match(text, /^osc_event_loop_lag_seconds [\d.e-]+$/m);
    assert.match(text, /^process_resident_memory_bytes \d+$/m);
  });
});

Deno.test("logs - one JSON object per line, and tokens never appear in them", async () => {
  const lines: string[] = [];
  const config = loadConfig({
    OSC_LOG_LEVEL: "debug",
    OSC_VIEW_TOKEN: "sekrit-view",
    OSC_PUBLISH_TOKEN: "sekrit-pub",
  });
  const app = createApp(config, { writeLog: (l) => lines.push(l) });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    app.fetch,
  );
  try {
    const base = `http://127.0.0.1:${server.addr.port}`;
    await send(`${base}/data?token=sekrit-view`);
    await post(base, { y: 1 }, {
      headers: { authorization: "Bearer sekrit-pub" },
    });
    await post(base, { y: 1 }, {
      headers: { authorization: "Bearer wrong-guess" },
    });
    await send(`${base}/?token=sekrit-view`, { redirect: "manual" });
  } finally {
    await app.close();
    await server.shutdown();
  }
  assert.ok(lines.length >= 4, `${lines.length} lines`);
  for (const line of lines) {
    const entry = JSON.parse(line);
    assert.ok(entry.time && entry.level && entry.msg, line);
    assert.ok(!/sekrit|wrong-guess/.test(line), `no token in ${line}`);
  }
  const statuses = lines.map((l) => JSON.parse(l)).filter((e) =>
    e.msg === "request"
  ).map((e) => e.status);
  assert.deepEqual(statuses, [200, 200, 401, 303]);
});

Deno.test("viewer limits - an upgrade Deno refuses is a 400 and does not count against the address", async () => {
  await withServer({ OSC_MAX_VIEWERS_PER_ADDRESS: "1" }, async (base, app) => {
    for (let i = 0; i < 3; i++) {
      // no Sec-WebSocket-Key: Deno cannot upgrade this
      const r = await send(`${base}/ws`, {
        headers: { upgrade: "websocket", connection: "Upgrade" },
      });
      assert.equal(r.status, 400);
      assert.match(r.json.message, /WebSocket upgrade refused/);
    }
    assert.equal(app.state.viewers.reserved, 0);
    await closeViewer(await openViewer(base));
  });
});

Deno.test("HEAD /data and odd methods cannot exhaust downloads or grow the metrics", async () => {
  await withServer({}, async (base) => {
    await post(base, { y: [1, 2, 3] });
    for (let i = 0; i < 10; i++) {
      const head = await fetch(`${base}/data`, { method: "HEAD" });
      assert.equal(head.status, 200);
      await head.body?.cancel();
    }
    assert.equal(
      (await send(`${base}/data`)).status,
      200,
      "downloads still have their slots",
    );
    for (const method of ["X0ABC", "FOO"]) {
      await send(`${base}/healthz`, { method });
    }
    const text = (await send(`${base}/metrics`)).text;
    assert.ok(!/X0ABC|FOO/.test(text), "unknown methods are not label values");
    assert.match(text, /method="other"/);
  });
});

Deno.test("viewer limits - a burst of handshakes at once cannot pass them", async () => {
  await withServer(
    { OSC_MAX_VIEWERS: "5", OSC_MAX_VIEWERS_PER_ADDRESS: "3" },
    async (base, app) => {
      const attempts = await Promise.allSettled(
        Array.from({ length: 30 }, () => openViewer(base)),
      );
      const open = attempts.filter((
        a,
      ): a is PromiseFulfilledResult<WebSocket> => a.status === "fulfilled");
      assert.equal(
        open.length,
        3,
        `${open.length} of 30 opened from one address`,
      );
      for (const a of open) await closeViewer(a.value);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(app.state.viewers.reserved, 0, "every slot given back");
    },
  );
});

Deno.test("private scope - guessing the view token is rate limited; the publish token never rides a link", async () => {
  await withServer({
    OSC_VIEW_TOKEN: "look-only",
    OSC_PUBLISH_TOKEN: "write-only",
  }, async (base) => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push((await send(`${base}/data?token=guess${i}`)).status);
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.equal(statuses[11], 429);
    const link = await fetch(`${base}/?token=write-only`, {
      redirect: "manual",
    });
    await link.body?.cancel();
    assert.ok(
      [401, 429].includes(link.status),
      "a publish token in a link is not accepted",
    );
    assert.equal(link.headers.get("set-cookie"), null);
  });
});

Deno.test("viewer budget - viewers that stop reading are closed once all of them hold too much", async () => {
  const env = {
    OSC_VIEWER_MAX_BUFFER: "64KiB",
    OSC_VIEWERS_MAX_BUFFER_TOTAL: "96KiB",
    OSC_VIEWER_STALL_MS: "60000",
  };
  await withServer(env, async (base, app) => {
    const stalled = [await stalledViewer(base), await stalledViewer(base)];
    try {
      const y = Array.from({ length: 2000 }, (_, i) => i + 0.123456789);
      const deadline = Date.now() + 8000;
      while (
        Date.now() < deadline &&
        app.state.metrics.value("osc_viewer_events_total", {
            event: "closed_budget",
          }) === 0
      ) {
        await post(base, { y });
        await new Promise((r) => setTimeout(r, 30));
      }
      assert.ok(
        app.state.metrics.value("osc_viewer_events_total", {
          event: "closed_budget",
        }) >= 1,
      );
      const total = [...app.state.viewers].filter((v) => !v.closed).reduce(
        (n, v) => n + v.socket.bufferedAmount,
        0,
      );
      assert.ok(
        total <= 200 * 1024,
        `${total} bytes still queued for open viewers`,
      );
    } finally {
      for (const s of stalled) s.close();
    }
  });
});
