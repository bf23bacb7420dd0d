// Hardening II: each resource a client can make the server hold has a bound and a release.
// Every attack runs on loopback, bounded in count and time, against a server of its own.
import assert from "node:assert/strict";
import {
  rssBytes,
  startOscilloscope,
  startServer,
} from "../tools/bench/procs.ts";
import { post, send, withServer } from "./helpers.ts";
import { stalledViewer } from "./viewers.ts";

const MIB = 1024 ** 2;
const encode = (s: string) => new TextEncoder().encode(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The status line of the answer on `conn`, or "none" if it closed or said nothing in time. */
async function statusLine(conn: Deno.Conn, timeoutMs = 5000): Promise<string> {
  const buf = new Uint8Array(1024);
  const n = await Promise.race([
    conn.read(buf).catch(() => null),
    sleep(timeoutMs).then(() => null),
  ]);
  return n
    ? new TextDecoder().decode(buf.subarray(0, n)).split("\r\n")[0]
    : "none";
}

Deno.test("hardening II - running out of file descriptors: the server refuses, recovers, keeps its data", async () => {
  const main = new URL("../main.ts", import.meta.url).pathname;
  // a soft and hard limit of 200 descriptors, as a small systemd unit might have
  const server = await startServer("prlimit", [
    "--nofile=200:200",
    Deno.execPath(),
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    main,
  ], { env: { OSC_LOG_LEVEL: "warn" }, probe: "/healthz" });
  const conns: Deno.Conn[] = [];
  try {
    assert.equal((await post(server.base, { y: 42 })).status, 200);
    // a stranger opens more idle connections than the server has descriptors
    for (let i = 0; i < 300; i++) {
      try {
        conns.push(
          await Deno.connect({ hostname: "127.0.0.1", port: server.port }),
        );
      } catch {
        break;
      }
    }
    await sleep(1000);
    for (const c of conns.splice(0)) c.close();
    // once they are gone the server accepts again, and still holds what it had
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await send(`${server.base}/healthz`).then((r) => r.status).catch(
        () => 0,
      );
      if (status !== 200) await sleep(100);
    }
    assert.equal(status, 200, "the server came back");
    assert.deepEqual(
      (await send(`${server.base}/data`)).json.channels.default.y,
      [42],
    );
  } finally {
    for (const c of conns) c.close();
    await server.stop();
  }
});

Deno.test("hardening II - bodies that stop short cannot pin memory past OSC_BODIES_MAX_TOTAL", async () => {
  const server = await startOscilloscope({
    OSC_BODY_TIMEOUT_MS: "1000",
    OSC_BODIES_MAX_TOTAL: "16MiB",
  });
  const conns: Deno.Conn[] = [];
  try {
    const before = await rssBytes(server.pid);
    // 100 connections each declaring 1 MB and sending all but its last byte (this took
    // 3.8 MB of RSS each, 380 MB here, before bodies were bounded)
    const almost = new Uint8Array(MIB - 1).fill(0x20);
    for (let i = 0; i < 100; i++) {
      const c = await Deno.connect({
        hostname: "127.0.0.1",
        port: server.port,
      });
      await c.write(encode(
        `POST /data HTTP/1.1\r\nHost: x\r\nContent-Length: ${MIB}\r\n\r\n`,
      ));
      c.write(almost).catch(() => {});
      conns.push(c);
    }
    await sleep(500);
    const during = await rssBytes(server.pid);
    const answers = await Promise.all(conns.map((c) => statusLine(c)));
    const counts: Record<string, number> = {};
    for (const a of answers) counts[a] = (counts[a] ?? 0) + 1;
    const after = await rssBytes(server.pid);
    console.log(
      `RSS ${(before / MIB).toFixed(0)} → ${(during / MIB).toFixed(0)} → ${
        (after / MIB).toFixed(0)
      } MiB; answers ${JSON.stringify(counts)}`,
    );
    // every one is answered: a 408 (it stopped short) or a 503 (the budget was spent)
    assert.equal(
      (counts["HTTP/1.1 408 Request Timeout"] ?? 0) +
        (counts["HTTP/1.1 503 Service Unavailable"] ?? 0),
      100,
    );
    assert.ok(
      counts["HTTP/1.1 503 Service Unavailable"] > 50,
      "the budget held",
    );
    assert.ok(
      during - before < 80 * MIB,
      `RSS grew ${((during - before) / MIB).toFixed(0)} MiB`,
    );
    // an honest publisher is served alongside
    assert.equal((await post(server.base, { y: 1 })).status, 200);
  } finally {
    for (const c of conns) c.close();
    await server.stop();
  }
});

Deno.test("hardening II - downloads that never read are cut off, and small reads need no slot", async () => {
  await withServer(
    {
      OSC_CAPACITY: "400000",
      OSC_MAX_BODY: "8MiB",
      OSC_BODY_TIMEOUT_MS: "1000",
    },
    async (base) => {
      // 400k points: some 12 MB of JSON per download, far more than socket buffers take
      const n = 400_000;
      const pairs = new Float64Array(2 * n);
      for (let i = 0; i < n; i++) {
        pairs[2 * i] = i + 0.123456789;
        pairs[2 * i + 1] = Math.sin(i) * 1000.123456789;
      }
      for (let i = 0; i < 4; i++) {
        const res = await send(`${base}/data?channel=big`, {
          method: "POST",
          headers: { "content-type": "application/octet-stream" },
          body: new Uint8Array(pairs.buffer, i * n * 4, n * 4),
        });
        assert.equal(res.status, 200, res.text);
      }
      const { port } = new URL(base);
      const readers: Deno.Conn[] = [];
      try {
        for (let i = 0; i < 4; i++) {
          const c = await Deno.connect({
            hostname: "127.0.0.1",
            port: Number(port),
          });
          await c.write(encode("GET /data HTTP/1.1\r\nHost: x\r\n\r\n"));
          readers.push(c);
        }
        await sleep(200);
        // the four never read: every slot is theirs
        const refused = await send(`${base}/data`);
        assert.equal(refused.status, 503);
        // small reads (the page's gap refill, ?limit=1) are served all the same
        const small = await send(`${base}/data?channel=big&limit=1`);
        assert.equal(small.status, 200);
        assert.equal(small.json.channels.big.x.length, 1);
        // after OSC_BODY_TIMEOUT_MS without progress they are cut, and the slots are free
        await sleep(1500);
        const again = await fetch(`${base}/data?max_points=100000`);
        assert.equal(again.status, 200);
        await again.body?.cancel();
      } finally {
        for (const c of readers) c.close();
      }
    },
  );
});

Deno.test("hardening II - a viewer the server closes for slowness frees its slot at once", async () => {
  await withServer({
    OSC_MAX_VIEWERS_PER_ADDRESS: "2",
    OSC_VIEWER_MAX_BUFFER: "64KiB",
    OSC_VIEWER_STALL_MS: "300",
  }, async (base, app) => {
    const stalled = [await stalledViewer(base), await stalledViewer(base)];
    try {
      // enough to back both up past their buffers, then time for the stall to be noticed
      const y = Array.from({ length: 20_000 }, (_, i) => Math.sin(i));
      for (let i = 0; i < 40 && app.state.viewers.size > 0; i++) {
        await post(base, { y });
        await sleep(50);
      }
      for (let i = 0; i < 40 && app.state.viewers.size > 0; i++) {
        await sleep(100);
      }
      assert.equal(app.state.viewers.size, 0, "both were closed");
      // their TCP connections are still open (they never read the close frame), yet the
      // address may open viewers again
      const ws = new WebSocket(`${base.replace("http", "ws")}/ws`);
      const opened = await new Promise<boolean>((resolve) => {
        ws.onopen = () => resolve(true);
        ws.onerror = () => resolve(false);
      });
      assert.equal(
        opened,
        true,
        "a new viewer from the same address is let in",
      );
      const closed = new Promise((r) => (ws.onclose = r));
      ws.close();
      await closed;
    } finally {
      for (const c of stalled) c.close();
    }
  });
});

Deno.test("hardening II - a malformed Host is a 400, logged as no error", async () => {
  const logs: string[] = [];
  await withServer({ OSC_LOG_LEVEL: "info" }, async (base) => {
    const { port } = new URL(base);
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(port),
    });
    try {
      await conn.write(
        encode("GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n"),
      );
      assert.equal(await statusLine(conn), "HTTP/1.1 400 Bad Request");
    } finally {
      conn.close();
    }
    assert.deepEqual(
      logs.filter((l) => JSON.parse(l).level === "error"),
      [],
      "no stack trace at error level",
    );
  }, { writeLog: (line) => logs.push(line) });
});

Deno.test("hardening II - wrong tokens are counted once per address, across routes and both tokens", async () => {
  await withServer({
    OSC_VIEW_TOKEN: "view-token-0123456789",
    OSC_PUBLISH_TOKEN: "publish-token-0123456789",
  }, async (base) => {
    const wrong = { authorization: "Bearer not-the-token" };
    const statuses: number[] = [];
    // 10 guesses spread over four routes and both tokens
    for (const path of ["/data", "/status", "/metrics", "/data", "/status"]) {
      statuses.push((await send(`${base}${path}`, { headers: wrong })).status);
    }
    for (let i = 0; i < 5; i++) {
      statuses.push(
        (await send(`${base}/data`, {
          method: "POST",
          headers: wrong,
          body: '{"y":1}',
        }))
          .status,
      );
    }
    assert.deepEqual(statuses, Array(10).fill(401));
    // the 11th, on any route, is refused for the address
    assert.equal((await send(`${base}/ws`, { headers: wrong })).status, 429);
    assert.equal(
      (await send(`${base}/api/v2/write?bucket=b`, {
        method: "POST",
        headers: { authorization: "Token guess" },
        body: "m v=1",
      })).status,
      429,
    );
  });
});

Deno.test("hardening II - another site's page cannot publish or clear (CSRF); devices and the page can", async () => {
  await withServer(
    { OSC_CORS_ORIGINS: "https://notebook.example" },
    async (base) => {
      const from = (origin: string): Record<string, string> => ({ origin });
      // a text/plain form POST, as a hostile page would send it
      const forged = await send(`${base}/data`, {
        method: "POST",
        headers: {
          "content-type": "text/plain",
          ...from("https://evil.example"),
        },
        body: '{"y":666}',
      });
      assert.equal(forged.status, 403);
      assert.equal(forged.json.field, "origin");
      assert.match(forged.json.message, /OSC_CORS_ORIGINS/);
      const clear = await send(`${base}/data`, {
        method: "DELETE",
        headers: from("https://evil.example"),
      });
      assert.equal(clear.status, 403);
      const influx = await send(`${base}/write?db=x`, {
        method: "POST",
        headers: from("https://evil.example"),
        body: "m v=1",
      });
      assert.equal(influx.status, 403);
      assert.equal((await send(`${base}/status`)).json.channels.length, 0);
      // a device (no Origin), the scope's own page, and a listed origin may
      const host = new URL(base).host;
      assert.equal((await post(base, { y: 1 })).status, 200);
      assert.equal(
        (await post(base, { y: 2 }, { headers: from(`http://${host}`) }))
          .status,
        200,
      );
      assert.equal(
        (await post(base, { y: 3 }, {
          headers: from("https://notebook.example"),
        })).status,
        200,
      );
    },
  );
});

Deno.test("hardening II - the server warns at start when publishing is open beyond loopback", async () => {
  const main = new URL("../main.ts", import.meta.url).pathname;
  const lines = async (env: Record<string, string>) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--allow-env", "--allow-read", main],
      env: { PORT: "0", NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    let out = "";
    const deadline = Date.now() + 15_000;
    while (!out.includes("listening") && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    child.kill("SIGTERM");
    await reader.cancel();
    await child.status;
    return out;
  };
  assert.match(
    await lines({ HOST: "0.0.0.0" }),
    /publishing is open to anyone/,
  );
  assert.doesNotMatch(await lines({ HOST: "127.0.0.1" }), /publishing is open/);
  assert.doesNotMatch(
    await lines({
      HOST: "0.0.0.0",
      OSC_PUBLISH_TOKEN: "publish-token-0123456789",
    }),
    /publishing is open/,
  );
});

Deno.test("hardening II - media types are case-insensitive", async () => {
  await withServer({}, async (base) => {
    const res = await send(`${base}/data?channel=bin`, {
      method: "POST",
      headers: { "content-type": "APPLICATION/OCTET-STREAM" },
      body: new Uint8Array(new Float64Array([1, 2]).buffer),
    });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(
      (await send(`${base}/data?channel=bin`)).json.channels.bin.y,
      [2],
    );
  });
});

Deno.test("hardening II - a viewer stuck part-way through a huge frame is closed by the ping timeout, and its memory freed", async () => {
  const server = await startOscilloscope({ OSC_PING_S: "1" });
  const conns: Deno.Conn[] = [];
  try {
    const before = await rssBytes(server.pid);
    for (let i = 0; i < 5; i++) {
      const c = await Deno.connect({
        hostname: "127.0.0.1",
        port: server.port,
      });
      await c.write(encode(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\n` +
          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
          "Sec-WebSocket-Version: 13\r\n\r\n",
      ));
      assert.match(await statusLine(c), /^HTTP\/1.1 101/);
      // a masked binary frame that declares 63 MiB, of which 8 MiB arrive
      const head = new Uint8Array(14);
      head[0] = 0x82;
      head[1] = 0x80 | 127;
      new DataView(head.buffer).setBigUint64(2, BigInt(63 * MIB));
      await c.write(head);
      for (let k = 0; k < 8; k++) await c.write(new Uint8Array(MIB));
      conns.push(c);
    }
    const during = await rssBytes(server.pid);
    // Deno buffers a frame until it is whole (a platform limit); the ping it cannot answer
    // mid-frame closes it within two ping intervals
    const closed = await Promise.all(conns.map(async (c) => {
      const deadline = Date.now() + 6000;
      const buf = new Uint8Array(4096);
      while (Date.now() < deadline) {
        const n = await c.read(buf).catch(() => null);
        if (n === null) return true;
      }
      return false;
    }));
    assert.deepEqual(closed, [true, true, true, true, true]);
    await sleep(500);
    const after = await rssBytes(server.pid);
    console.log(
      `RSS ${(before / MIB).toFixed(0)} → ${
        (during / MIB).toFixed(0)
      } with 5 × 8 MiB partial frames → ${
        (after / MIB).toFixed(0)
      } after they were closed`,
    );
    assert.ok(after - before < 20 * MIB, "their buffers were freed");
  } finally {
    for (const c of conns) c.close();
    await server.stop();
  }
});
