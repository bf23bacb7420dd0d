// OSC_STORE=redis: Debian's redis-server on a free loopback port, and the oscilloscope as
// separate processes sharing it, as replicas behind a load balancer would.
import assert from "node:assert/strict";
import { startOscilloscope, startRedis } from "../tools/bench/procs.ts";
import { post, send } from "./helpers.ts";
import {
  assertExactlyOnce,
  eventually,
  publishBatches,
  storedRows,
} from "./stores.ts";
import { viewer } from "./viewers.ts";
import { launchChromium } from "../tools/browser.ts";

const redisEnv = (url: string) => ({
  OSC_STORE: "redis",
  OSC_REDIS_URL: url,
  OSC_PUBLISH_RATE: "0",
});

Deno.test("redis - publish to one instance, a viewer on the other gets it in seq order within 1 s", async () => {
  const redis = await startRedis();
  const [a, b] = await Promise.all([
    startOscilloscope(redisEnv(redis.url)),
    startOscilloscope(redisEnv(redis.url)),
  ]);
  try {
    const v = viewer(b.base);
    await v.opened;
    const sent = Date.now();
    const res = await post(a.base, {
      channel: "probe",
      x: [1, 2, 3],
      y: [4, 5, 6],
    });
    assert.equal(res.json.seq, 3);
    await v.until(
      (ms) => ms.some((m) => m.type === "points" && m.seq === 3),
      1000,
    );
    assert.ok(Date.now() - sent < 1000);
    const m = v.messages.find((m) => m.type === "points")!;
    assert.deepEqual("x" in m && [m.channel, m.seq, m.x, m.y], [
      "probe",
      3,
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await v.close();

    // 4 publishers spread over both instances, all on one channel at once
    const acked = await Promise.all(
      [a, b, a, b].map((s, id) => publishBatches(s.base, id, 25, 10)),
    );
    const seqs = acked.flat().sort((p, q) => p - q);
    assert.equal(new Set(seqs).size, 100, "every batch got its own seqs");
    for (const s of [a, b]) {
      await eventually(async () =>
        assertExactlyOnce(
          (await storedRows(s.base)).filter((r) => r.channel === "shared"),
          4,
          250,
        )
      );
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await redis.stop();
    await Deno.remove(redis.dir, { recursive: true });
  }
});

Deno.test("redis - an instance killed with -9 comes back with every point and the same seqs", async () => {
  const redis = await startRedis();
  const env = redisEnv(redis.url);
  let server = await startOscilloscope(env);
  try {
    const acked = await publishBatches(server.base, 0, 100, 10, "default");
    assert.equal(acked.at(-1), 1000);
    const before = await storedRows(server.base);
    assert.equal(before.length, 1000);
    await server.kill();
    server = await startOscilloscope(env);
    assert.deepEqual(await storedRows(server.base), before);
    assert.equal((await post(server.base, { x: 1, y: 1 })).json.seq, 1001);
  } finally {
    await server.stop();
    await redis.stop();
    await Deno.remove(redis.dir, { recursive: true });
  }
});

Deno.test("redis - while Redis is down publishes get 503 at once, and all recovers when it returns", async () => {
  let redis = await startRedis();
  const { dir, port } = redis;
  const server = await startOscilloscope(redisEnv(redis.url));
  try {
    assert.equal((await post(server.base, { x: 1, y: 1 })).status, 200);
    await redis.stop();

    const started = Date.now();
    const refused = await post(server.base, { x: 2, y: 2 });
    assert.equal(refused.status, 503);
    assert.match(refused.json.message, /redis is unavailable/);
    assert.match(refused.json.message, /nothing was acknowledged/);
    assert.equal(refused.headers.get("retry-after"), "1");
    assert.ok(Date.now() - started < 2000, "refused promptly, not queued");
    await eventually(async () =>
      assert.equal((await send(`${server.base}/healthz`)).status, 503)
    );
    // reads still work from the instance's own copy
    assert.equal((await storedRows(server.base)).length, 1);

    redis = await startRedis({ dir, port });
    const v = viewer(server.base);
    await v.opened;
    await eventually(async () => {
      const res = await post(server.base, { x: 3, y: 3 });
      assert.equal(res.status, 200, res.text);
    }, 10_000);
    assert.equal((await send(`${server.base}/healthz`)).status, 200);
    await v.until((ms) =>
      ms.some((m) => m.type === "points" && m.x.includes(3))
    );
    // the point accepted before the outage survived it (Redis's append-only file)
    assert.deepEqual((await storedRows(server.base)).map((r) => r.x), [1, 3]);
    await v.close();
  } finally {
    await server.stop();
    await redis.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("redis - a Redis that lost its data (FLUSHALL) is noticed: seqs start over and instances agree", async () => {
  const redis = await startRedis();
  const env = redisEnv(redis.url);
  const [a, b] = await Promise.all([
    startOscilloscope(env),
    startOscilloscope(env),
  ]);
  try {
    await publishBatches(a.base, 0, 10, 10, "default");
    await eventually(async () =>
      assert.equal((await storedRows(b.base)).length, 100)
    );
    await redisCommand(redis.port, "FLUSHALL");
    // refused (503) until the instance has reloaded, never numbered under the old seqs
    let seq = 0;
    await eventually(async () => {
      const res = await post(a.base, { x: [1e9], y: [1] });
      assert.equal(res.status, 200, res.text);
      seq = res.json.seq;
    }, 10_000);
    assert.equal(seq, 1);
    for (const s of [a, b]) {
      await eventually(async () =>
        assert.deepEqual(
          (await storedRows(s.base)).map((r) => [r.seq, r.x]),
          [[1, 1e9]],
        )
      );
    }
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await redis.stop();
    await Deno.remove(redis.dir, { recursive: true });
  }
});

Deno.test("redis - a stalled Redis (SIGSTOP) gives 503 within seconds, not a hung publish", async () => {
  const redis = await startRedis();
  const server = await startOscilloscope(redisEnv(redis.url));
  try {
    assert.equal((await post(server.base, { x: 1, y: 1 })).status, 200);
    Deno.kill(redis.pid, "SIGSTOP");
    try {
      const started = Date.now();
      const res = await post(server.base, { x: 2, y: 2 }, {
        signal: AbortSignal.timeout(8000),
      });
      assert.equal(res.status, 503);
      assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
      assert.equal((await send(`${server.base}/healthz`)).status, 503);
    } finally {
      Deno.kill(redis.pid, "SIGCONT");
    }
    await eventually(async () => {
      assert.equal((await send(`${server.base}/healthz`)).status, 200);
      assert.equal((await post(server.base, { x: 3, y: 3 })).status, 200);
    }, 10_000);
  } finally {
    await server.stop();
    await redis.stop();
    await Deno.remove(redis.dir, { recursive: true });
  }
});

/** Sends one inline command to Redis and returns its first reply line. */
async function redisCommand(port: number, command: string): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(`${command}\r\n`));
    const buf = new Uint8Array(256);
    const n = await conn.read(buf);
    return new TextDecoder().decode(buf.subarray(0, n ?? 0)).trim();
  } finally {
    conn.close();
  }
}

Deno.test({
  name: "redis - the page says when the store is down, and when it is back",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    let redis = await startRedis();
    const { dir, port } = redis;
    const server = await startOscilloscope(redisEnv(redis.url));
    const browser = await launchChromium();
    try {
      await post(server.base, { x: [1, 2, 3], y: [1, 4, 9] });
      const page = await browser.newPage({
        viewport: { width: 1280, height: 800 },
      });
      await page.goto(server.base);
      const store = page.locator('[data-status="store"]');
      await store.waitFor({ timeout: 10_000 });
      assert.match(await store.innerText(), /redis ok/);

      await redis.stop();
      await page.waitForFunction(
        () =>
          /redis down/.test(
            document.querySelector('[data-status="store"]')?.textContent ?? "",
          ),
        undefined,
        { timeout: 10_000 },
      );
      // and a banner over the chart says what it means
      const banner = page.locator("[data-store-down]");
      await banner.waitFor({ timeout: 5000 });
      assert.match(await banner.innerText(), /redis store is unavailable/);
      await page.screenshot({
        path: new URL("./output/store-down.png", import.meta.url).pathname,
      });
      // what the page already had stays on screen
      assert.equal(
        await page.locator('[data-channel="default"]').count() > 0,
        true,
      );

      redis = await startRedis({ dir, port });
      await page.waitForFunction(
        () =>
          /redis ok/.test(
            document.querySelector('[data-status="store"]')?.textContent ?? "",
          ),
        undefined,
        { timeout: 15_000 },
      );
      assert.equal(await banner.count(), 0, "the banner goes with the outage");
    } finally {
      await browser.close();
      await server.stop();
      await redis.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
