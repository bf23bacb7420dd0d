import assert from "node:assert/strict";
import { decodeBinary } from "../lib/shared/wire.ts";
import { post, send, withServer } from "./helpers.ts";

Deno.test("POST /data - a curl-style point is stored and acknowledged like the original", async () => {
  await withServer({}, async (base) => {
    const r = await post(base, '{"x": 12.34, "y": 56.78}');
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type")!, /application\/json/);
    assert.deepEqual(r.json, {
      status: "success",
      accepted: 1,
      channel: "default",
      seq: 1,
    });
    const data = await send(`${base}/data`);
    assert.deepEqual(data.json, {
      channels: { default: { seq: 1, x: [12.34], y: [56.78] } },
    });
  });
});

Deno.test("POST /data - batches, columns, channels and decimal strings", async () => {
  await withServer({}, async (base) => {
    assert.equal(
      (await post(base, [{ x: 1, y: 2 }, { x: 2, y: "3.5" }])).json.seq,
      2,
    );
    const cols = await post(base, { x: [3, 4, 5], y: [4, 5, 6] });
    assert.deepEqual(cols.json, {
      status: "success",
      accepted: 3,
      channel: "default",
      seq: 5,
    });
    assert.equal(
      (await post(base, { y: 1, channel: "temp" })).json.channel,
      "temp",
    );
    const q = await post(base, { x: [1, 2], y: [7, 8] }, {
      query: "?channel=temp",
    });
    assert.deepEqual(q.json, {
      status: "success",
      accepted: 2,
      channel: "temp",
      seq: 3,
    });
    const all = (await send(`${base}/data`)).json.channels;
    assert.deepEqual(all.default, {
      seq: 5,
      x: [1, 2, 3, 4, 5],
      y: [2, 3.5, 4, 5, 6],
    });
    assert.deepEqual(all.temp.y, [1, 7, 8]);
  });
});

Deno.test("POST /data - a point without x gets the receive time in seconds", async () => {
  await withServer({}, async (base) => {
    const before = Date.now() / 1000;
    await post(base, { y: 3 });
    const after = Date.now() / 1000;
    const [x] = (await send(`${base}/data`)).json.channels.default.x;
    assert.ok(
      x >= before - 0.001 && x <= after + 0.001,
      `${x} within [${before}, ${after}]`,
    );
  });
});

Deno.test("POST /data - every bad body is a 400 naming the field, and stores nothing", async () => {
  await withServer({}, async (base) => {
    await post(base, { x: 1, y: 1 });
    const cases: [string, string, RegExp][] = [
      ['{"x": 1, "y": ', "body", /^body is not valid JSON/],
      ["", "body", /^body is empty/],
      ['{"x": 1}', "y", /^y is required$/],
      ['{"x": 1, "y": "abc"}', "y", /^y must be a finite number$/],
      ['{"x": null, "y": 1}', "x", /^x must be a finite number$/],
      ['{"x": 1, "y": true}', "y", /finite number/],
      ['{"x": 1, "y": 1e999}', "y", /finite number/],
      ['{"x": 1, "y": "nan"}', "y", /finite number/],
      ['{"x": 1, "y": "inf"}', "y", /finite number/],
      ['{"x": 1, "y": ""}', "y", /finite number/],
      ['{"x": [1, 2, 3], "y": [1, 2]}', "x", /as many values as y/],
      ['{"y": 1, "channel": "no spaces"}', "channel", /characters/],
      ["[]", "points", /must not be empty/],
      ['"hello"', "body", /must be a point/],
    ];
    for (const [body, field, message] of cases) {
      const r = await post(base, body);
      assert.equal(r.status, 400, body);
      assert.equal(r.json.status, "error", body);
      assert.equal(r.json.field, field, body);
      assert.match(r.json.message, message, body);
    }
    const bad = await post(base, { y: 1 }, {
      query: "?channel=" + "x".repeat(65),
    });
    assert.equal(bad.status, 400);
    assert.deepEqual((await send(`${base}/data`)).json, {
      channels: { default: { seq: 1, x: [1], y: [1] } },
    });
  });
});

Deno.test("POST /data - a batch with one bad point is refused whole", async () => {
  await withServer({}, async (base) => {
    const points = Array.from({ length: 30 }, (_, i) => ({ x: i, y: i }));
    (points[17] as { y: unknown }).y = "oops";
    const r = await post(base, points);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, {
      status: "error",
      message: "points[17].y must be a finite number",
      field: "points[17].y",
    });
    assert.deepEqual((await send(`${base}/data`)).json, { channels: {} });
  });
});

Deno.test("POST /data - 413 for a body over OSC_MAX_BODY, declared or streamed", async () => {
  await withServer({ OSC_MAX_BODY: "1KiB" }, async (base) => {
    const big = JSON.stringify({
      x: Array(300).fill(1.5),
      y: Array(300).fill(2.5),
    });
    const declared = await post(base, big);
    assert.equal(declared.status, 413);
    assert.equal(declared.json.field, "body");
    assert.match(declared.json.message, /larger than the limit of 1024 bytes/);
    // chunked: no Content-Length, so the limit must hold while reading
    const chunks = new TextEncoder().encode(big);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < chunks.length; i += 256) {
          c.enqueue(chunks.slice(i, i + 256));
        }
        c.close();
      },
    });
    const streamed = await send(`${base}/data`, {
      method: "POST",
      body: stream,
    });
    assert.equal(streamed.status, 413);
    assert.deepEqual((await send(`${base}/data`)).json, { channels: {} });
    assert.equal(
      (await post(base, { y: 1 })).status,
      200,
      "a small body still works",
    );
  });
});

Deno.test("POST /data - 413 for more points than OSC_MAX_BATCH", async () => {
  await withServer({ OSC_MAX_BATCH: "10" }, async (base) => {
    const r = await post(base, { y: Array(11).fill(1) });
    assert.equal(r.status, 413);
    assert.equal(r.json.field, "y");
    assert.equal((await post(base, { y: Array(10).fill(1) })).status, 200);
  });
});

Deno.test("POST /data - 409 when a new channel would pass OSC_MAX_CHANNELS", async () => {
  await withServer({ OSC_MAX_CHANNELS: "2" }, async (base) => {
    assert.equal((await post(base, { y: 1, channel: "a" })).status, 200);
    assert.equal((await post(base, { y: 1, channel: "b" })).status, 200);
    const r = await post(base, { y: 1, channel: "c" });
    assert.equal(r.status, 409);
    assert.equal(r.json.field, "channel");
    assert.equal(
      (await post(base, { y: 2, channel: "a" })).status,
      200,
      "existing channels still take points",
    );
    assert.deepEqual(Object.keys((await send(`${base}/data`)).json.channels), [
      "a",
      "b",
    ]);
  });
});

Deno.test("/data - 405 with Allow for other methods", async () => {
  await withServer({}, async (base) => {
    for (const method of ["PUT", "PATCH"]) {
      const r = await send(`${base}/data`, { method, body: "{}" });
      assert.equal(r.status, 405);
      assert.equal(r.headers.get("allow"), "GET, HEAD, POST, DELETE");
      assert.equal(r.json.status, "error");
    }
  });
});

Deno.test("POST and DELETE /data - 401 without the publish token, 200 with it", async () => {
  await withServer({ OSC_PUBLISH_TOKEN: "s3cret-token" }, async (base) => {
    for (
      const auth of [
        undefined,
        "Bearer wrong",
        "Basic czNjcmV0",
        "Bearer",
        "s3cret-token",
      ]
    ) {
      const headers: Record<string, string> = auth
        ? { authorization: auth }
        : {};
      const r = await post(base, { y: 1 }, { headers });
      assert.equal(r.status, 401, String(auth));
      assert.equal(r.json.status, "error");
      assert.equal(r.json.field, "authorization");
      assert.match(r.headers.get("www-authenticate")!, /^Bearer/);
      assert.equal(
        (await send(`${base}/data`, { method: "DELETE", headers })).status,
        401,
      );
    }
    const ok = await post(base, { y: 1 }, {
      headers: { authorization: "Bearer s3cret-token" },
    });
    assert.equal(ok.status, 200);
    assert.equal(
      (await send(`${base}/data`)).status,
      200,
      "reading needs no token",
    );
    const del = await send(`${base}/data`, {
      method: "DELETE",
      headers: { authorization: "bearer s3cret-token" },
    });
    assert.equal(del.status, 200);
  });
});

Deno.test("GET /data - one channel, since, limit and CSV", async () => {
  await withServer({}, async (base) => {
    await post(base, { x: [1, 2, 3, 4], y: [10, 20, 30, 40] }, {
      query: "?channel=a",
    });
    await post(base, { x: 1, y: -1 }, { query: "?channel=b" });
    const a = await send(`${base}/data?channel=a&since=2`);
    assert.deepEqual(a.json, {
      channels: { a: { seq: 4, x: [3, 4], y: [30, 40] } },
    });
    const none = await send(`${base}/data?channel=a&since=4`);
    assert.deepEqual(none.json, { channels: { a: { seq: 4, x: [], y: [] } } });
    const limited = await send(`${base}/data?channel=a&limit=1`);
    assert.deepEqual(limited.json.channels.a, { seq: 4, x: [4], y: [40] });
    const csv = await send(`${base}/data?format=csv`);
    assert.match(csv.headers.get("content-type")!, /^text\/csv/);
    assert.equal(
      csv.text,
      "channel,seq,x,y\na,1,1,10\na,2,2,20\na,3,3,30\na,4,4,40\nb,1,1,-1\n",
    );
    assert.equal((await send(`${base}/data?channel=nope`)).status, 404);
    assert.equal((await send(`${base}/data?channel=bad%20name`)).status, 400);
    assert.equal((await send(`${base}/data?since=-1`)).json.field, "since");
    assert.equal((await send(`${base}/data?format=xml`)).json.field, "format");
  });
});

Deno.test("DELETE /data - removes a channel; seqs carry on and never repeat", async () => {
  await withServer({}, async (base) => {
    await post(base, { y: [1, 2, 3] }, { query: "?channel=a" });
    await post(base, { y: [1] }, { query: "?channel=b" });
    const del = await send(`${base}/data?channel=a`, { method: "DELETE" });
    assert.deepEqual(del.json, { status: "success", cleared: { a: 3 } });
    assert.equal((await send(`${base}/data?channel=a`)).status, 404);
    assert.equal(
      (await post(base, { x: 9, y: 9 }, { query: "?channel=a" })).json.seq,
      4,
    );
    assert.equal(
      (await send(`${base}/data?channel=zzz`, { method: "DELETE" })).status,
      404,
    );
    const all = await send(`${base}/data`, { method: "DELETE" });
    assert.deepEqual(all.json, { status: "success", cleared: { a: 1, b: 1 } });
  });
});

Deno.test("the ring buffer keeps the newest OSC_CAPACITY points", async () => {
  await withServer({ OSC_CAPACITY: "5" }, async (base) => {
    await post(base, { x: [1, 2, 3, 4], y: [1, 2, 3, 4] });
    await post(base, { x: [5, 6, 7], y: [5, 6, 7] });
    assert.deepEqual((await send(`${base}/data`)).json.channels.default, {
      seq: 7,
      x: [3, 4, 5, 6, 7],
      y: [3, 4, 5, 6, 7],
    });
  });
});

Deno.test("GET /healthz, the page and unknown routes", async () => {
  await withServer({}, async (base) => {
    const health = await send(`${base}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: "ok", store: "memory" });
    await post(base, { x: 1, y: 42.5, channel: "probe" });
    const page = await send(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type")!, /text\/html/);
    assert.match(page.text, /<title>Web Oscilloscope<\/title>/);
    assert.match(
      page.text,
      /data-channel="probe"/,
      "the legend is rendered on the server",
    );
    assert.match(page.text, /42\.5/);
    assert.match(page.text, /<script type="module" src="\/static\/scope.js">/);
    const missing = await send(`${base}/nope`);
    assert.equal(missing.status, 404);
    assert.equal(missing.json.status, "error");
  });
});

Deno.test("the page's embedded state cannot close its script element", async () => {
  await withServer({}, async (base) => {
    const evil = "</script><script>alert(1)</script>";
    const page = await send(`${base}/`, {
      headers: { "x-forwarded-proto": evil },
    });
    assert.equal(page.status, 200);
    assert.ok(page.text.includes("alert(1)"), "the value does reach the page");
    assert.ok(!page.text.includes(evil), "but never as markup");
  });
});

Deno.test("GET /data - concurrent downloads are bounded, and a finished one frees its place", async () => {
  await withServer({ OSC_MAX_BODY: "8MiB" }, async (base) => {
    // ~16 MB of uncompressed JSON per download: more than loopback socket buffers soak up
    const y = Array.from({ length: 100_000 }, (_, i) => i * 1.000001);
    for (let c = 0; c < 8; c++) {
      assert.equal((await post(base, { y, channel: `c${c}` })).status, 200);
    }
    const identity = { headers: { "accept-encoding": "identity" } };
    // four large downloads that nobody reads hold their places
    const open = await Promise.all(
      [1, 2, 3, 4].map(() => fetch(`${base}/data`, identity)),
    );
    for (const r of open) assert.equal(r.status, 200);
    const refused = await send(`${base}/data`, identity);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.equal(refused.json.status, "error");
    // reading one to the end frees its place
    assert.equal(
      JSON.parse(await open[0].text()).channels.c7.y.length,
      100_000,
    );
    assert.equal(
      (await send(`${base}/data?channel=c0&limit=1`, identity)).status,
      200,
    );
    for (const r of open.slice(1)) await r.body?.cancel();
  });
});

Deno.test("POST /data - binary float64 pairs, with the same rules as JSON", async () => {
  await withServer({ OSC_MAX_BATCH: "3" }, async (base) => {
    const body = new Float64Array([1, 10.5, 2, -20.25]);
    const binary = { "content-type": "application/octet-stream" };
    const r = await send(`${base}/data?channel=bin`, {
      method: "POST",
      headers: binary,
      body,
    });
    assert.deepEqual(r.json, {
      status: "success",
      accepted: 2,
      channel: "bin",
      seq: 2,
    });
    assert.deepEqual(
      (await send(`${base}/data?channel=bin`)).json.channels.bin,
      { seq: 2, x: [1, 2], y: [10.5, -20.25] },
    );
    const odd = await send(`${base}/data`, {
      method: "POST",
      headers: binary,
      body: new Uint8Array(20),
    });
    assert.equal(odd.status, 400);
    assert.match(odd.json.message, /not a multiple of 16/);
    const nan = await send(`${base}/data?channel=bin`, {
      method: "POST",
      headers: binary,
      body: new Float64Array([3, NaN]),
    });
    assert.equal(nan.json.field, "points[0].y");
    const many = await send(`${base}/data`, {
      method: "POST",
      headers: binary,
      body: new Float64Array(8),
    });
    assert.equal(many.status, 413);
    assert.equal(
      (await send(`${base}/data?channel=bin`)).json.channels.bin.seq,
      2,
      "nothing stored from refused bodies",
    );
  });
});

Deno.test("GET /data?max_points - M4 keeps the picture in a fraction of the points", async () => {
  await withServer({ OSC_MAX_BODY: "8MiB" }, async (base) => {
    const n = 50_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const y = x.map((i) => (i === 31_337 ? 500 : Math.sin(i / 300)));
    await post(base, { x, y });
    const r = await send(`${base}/data?max_points=400`);
    const got = r.json.channels.default;
    assert.ok(got.x.length <= 400, `${got.x.length} points`);
    assert.equal(got.seq, n);
    assert.ok(got.y.includes(500), "the spike is kept");
    assert.equal(got.x[0], 0);
    assert.equal(got.x.at(-1), n - 1);
    const csv = (await send(`${base}/data?max_points=400&format=csv`)).text
      .trim().split("\n");
    assert.ok(
      csv.includes(`default,${31_337 + 1},31337,500`),
      "rows keep their own seq",
    );
    assert.equal(
      (await send(`${base}/data?max_points=2`)).json.field,
      "max_points",
    );
  });
});

Deno.test("POST /data - sampled columns and y-only columns draw a trace, not a vertical line", async () => {
  await withServer({}, async (base) => {
    const sampled = await post(base, { y: [1, 2, 3], dx: 0.5, x0: 10 }, {
      query: "?channel=s",
    });
    assert.equal(sampled.status, 200, sampled.text);
    assert.deepEqual((await send(`${base}/data?channel=s`)).json.channels.s.x, [
      10,
      10.5,
      11,
    ]);
    await post(base, { y: [1, 2, 3, 4] }, { query: "?channel=y" });
    await new Promise((r) => setTimeout(r, 50));
    await post(base, { y: [5, 6, 7, 8] }, { query: "?channel=y" });
    const x: number[] =
      (await send(`${base}/data?channel=y`)).json.channels.y.x;
    assert.equal(new Set(x).size, 8, "every point has its own x");
    for (let i = 1; i < x.length; i++) assert.ok(x[i] > x[i - 1], `x[${i}]`);
    // the second column fills the time since the first ended
    assert.ok(x[7] - x[3] > 0.04 && x[7] - x[3] < 1, `${x[7] - x[3]} s`);
    const bad = await post(base, { y: [1], dx: 0 });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.field, "dx");
  });
});

Deno.test("GET /data?format=f64 - one channel's samples as a binary frame, or 400 without a channel", async () => {
  await withServer({}, async (base) => {
    await post(base, { channel: "a", x: [1, 2, 3], y: [10, 20, 30] });
    const res = await fetch(`${base}/data?channel=a&limit=2&format=f64`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    const msg = decodeBinary(await res.arrayBuffer());
    assert.ok(msg && msg.type === "snapshot");
    assert.equal(msg.channel, "a");
    assert.equal(msg.seq, 3);
    assert.deepEqual([...msg.x], [2, 3]);
    assert.deepEqual([...msg.y], [20, 30]);
    assert.equal(msg.reduced, false);
    const all = await fetch(`${base}/data?format=f64`);
    assert.equal(all.status, 400);
    assert.equal((await all.json()).field, "channel");
  });
});

Deno.test("GET /static/scope.js - brotli to a browser that accepts it, the same bytes unpacked", async () => {
  await withServer({}, async (base) => {
    const plain = await fetch(`${base}/static/scope.js`, {
      headers: { "accept-encoding": "identity" },
    });
    assert.equal(plain.headers.get("content-encoding"), null);
    const bytes = new Uint8Array(await plain.arrayBuffer());
    const br = await fetch(`${base}/static/scope.js`, {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    assert.equal(br.headers.get("content-encoding"), "br");
    // fetch unpacks it: what arrives is the bundle itself
    assert.deepEqual(new Uint8Array(await br.arrayBuffer()), bytes);
    // what is sent: its brotli copy, made by deno task bundle, under a third of its size
    const packed = await Deno.stat(
      new URL("../static/scope.js.br", import.meta.url),
    );
    assert.ok(
      packed.size < bytes.length / 3,
      `${packed.size} of ${bytes.length}`,
    );
  });
});
