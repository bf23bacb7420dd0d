// Debian's nginx in front of the server with deploy/nginx.conf, as a host would run it:
// publish and watch through it, and let it cut off the slow clients Deno.serve cannot.
import assert from "node:assert/strict";
import {
  freePort,
  startOscilloscope,
  startRedis,
} from "../tools/bench/procs.ts";
import { storedRows } from "./stores.ts";
import { post, send, withServer } from "./helpers.ts";
import { viewer } from "./viewers.ts";

const NGINX = "/usr/sbin/nginx";

/** Starts nginx with deploy/nginx.conf pointed at the upstream port(s); stopped by PID. */
async function startNginx(
  upstreamPort: number | number[],
  headerTimeoutS = 10,
) {
  try {
    await Deno.stat(NGINX);
  } catch {
    throw new Error(
      "nginx is not installed: apt-get install -y nginx (deno task test does it as root)",
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "osc-nginx-" });
  const port = freePort();
  const conf =
    (await Deno.readTextFile(new URL("../deploy/nginx.conf", import.meta.url)))
      .replace("worker_processes auto;", "worker_processes 1;")
      .replace("pid /run/web-oscilloscope-nginx.pid;", `pid ${dir}/nginx.pid;`)
      .replace("listen 80;", `listen 127.0.0.1:${port};`)
      .replace(
        "server 127.0.0.1:8080;",
        [upstreamPort].flat().map((p) => `server 127.0.0.1:${p};`).join("\n"),
      )
      .replace(
        "client_header_timeout 10s;",
        `client_header_timeout ${headerTimeoutS}s;`,
      )
      .replace(
        "http {",
        `http {\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;`,
      );
  await Deno.writeTextFile(`${dir}/nginx.conf`, conf);
  const child = new Deno.Command(NGINX, {
    args: ["-p", dir, "-c", `${dir}/nginx.conf`, "-g", "daemon off;"],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      await r.body?.cancel();
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `nginx did not start: ${
          new TextDecoder().decode((await child.output()).stderr)
        }`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    async stop() {
      child.kill("SIGTERM");
      await child.stderr.cancel();
      await child.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("nginx - publish, read and watch through deploy/nginx.conf", async () => {
  await withServer({ OSC_TRUST_PROXY: "true" }, async (direct) => {
    const nginx = await startNginx(Number(new URL(direct).port));
    try {
      const base = nginx.base;
      const v = viewer(base, { origin: base }); // a page served through nginx
      await v.opened;
      const r = await post(base, { x: 1, y: 56.78 });
      assert.deepEqual(r.json, {
        status: "success",
        accepted: 1,
        channel: "default",
        seq: 1,
      });
      await v.until((m) => m.some((x) => x.type === "points"));
      await v.close();
      assert.deepEqual((await send(`${base}/data`)).json.channels.default, {
        seq: 1,
        x: [1],
        y: [56.78],
      });
      const page = await send(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(
        page.headers.get("content-security-policy")!,
        /script-src 'self'/,
      );
      assert.ok(
        page.text.includes(`${base}/data`),
        "the page's curl command names the public address",
      );
      // over nginx's own limit: the same JSON error shape as the app's
      const big = await post(base, "x".repeat(1024 * 1024 + 100));
      assert.equal(big.status, 413);
      assert.equal(big.json.status, "error");
      assert.equal(big.json.field, "body");
    } finally {
      await nginx.stop();
    }
  });
});

Deno.test("nginx - the rate limit keys on the address nginx saw, whatever the client claims", async () => {
  await withServer({
    OSC_TRUST_PROXY: "true",
    OSC_PUBLISH_RATE: "1",
    OSC_PUBLISH_BURST: "2",
  }, async (direct) => {
    const nginx = await startNginx(Number(new URL(direct).port));
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const forged = { headers: { "x-forwarded-for": `198.51.100.${i}` } };
        statuses.push((await post(nginx.base, { y: i }, forged)).status);
      }
      assert.deepEqual(statuses, [200, 200, 429, 429]);
    } finally {
      await nginx.stop();
    }
  });
});

Deno.test("nginx - headers that trickle in are cut off, which Deno.serve alone does not do", async () => {
  await withServer({}, async (direct) => {
    const nginx = await startNginx(Number(new URL(direct).port), 1);
    const { port } = new URL(nginx.base);
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: Number(port),
    });
    try {
      await conn.write(
        new TextEncoder().encode("GET /healthz HTTP/1.1\r\nHost: x\r\n"),
      );
      const started = performance.now();
      const ended = (async () => {
        const buf = new Uint8Array(1024);
        try {
          while ((await conn.read(buf)) !== null) {
            /* nginx's 408 or nothing */
          }
        } catch {
          // reset
        }
        return performance.now() - started;
      })();
      // one header byte every 200 ms, for up to 6 s
      let stopped = false;
      ended.then(() => (stopped = true));
      for (let i = 0; i < 30 && !stopped; i++) {
        await conn.write(new TextEncoder().encode("X")).catch(
          () => (stopped = true),
        );
        await new Promise((r) => setTimeout(r, 200));
      }
      const ms = await ended;
      assert.ok(ms < 4000, `closed after ${Math.round(ms)} ms`);
    } finally {
      try {
        conn.close();
      } catch {
        // already closed
      }
      await nginx.stop();
    }
  });
});

Deno.test("nginx - two instances on one redis behind nginx: every point reaches every viewer", async () => {
  const redis = await startRedis();
  const env = {
    OSC_STORE: "redis",
    OSC_REDIS_URL: redis.url,
    OSC_TRUST_PROXY: "true",
  };
  const instances = await Promise.all([
    startOscilloscope(env),
    startOscilloscope(env),
  ]);
  const nginx = await startNginx(instances.map((i) => i.port));
  try {
    // nginx spreads viewers and publishers over both instances (round robin)
    const viewers = [0, 1, 2, 3].map(() =>
      viewer(nginx.base, { origin: nginx.base })
    );
    await Promise.all(viewers.map((v) => v.opened));
    for (let i = 1; i <= 20; i++) {
      const res = await post(nginx.base, { x: i, y: i * i });
      assert.equal(res.status, 200, res.text);
    }
    for (const v of viewers) {
      await v.until((ms) => ms.some((m) => m.type !== "clear" && m.seq === 20));
      const xs = v.messages.flatMap((m) => "x" in m ? m.x : []);
      assert.deepEqual(xs, Array.from({ length: 20 }, (_, i) => i + 1));
    }
    // and both instances hold all 20, numbered alike
    for (const i of instances) {
      assert.deepEqual(
        (await storedRows(i.base)).map((r) => [r.seq, r.x]),
        Array.from({ length: 20 }, (_, k) => [k + 1, k + 1]),
      );
    }
    await Promise.all(viewers.map((v) => v.close()));
  } finally {
    await nginx.stop();
    await Promise.all(instances.map((i) => i.stop()));
    await redis.stop();
    await Deno.remove(redis.dir, { recursive: true });
  }
});
