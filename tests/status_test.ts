import assert from "node:assert/strict";
import { post, send, withServer } from "./helpers.ts";

Deno.test("GET /status - viewers, per-channel buffer fill and the ingest rate", async () => {
  await withServer({ OSC_CAPACITY: "1000" }, async (base) => {
    const empty = await send(`${base}/status`);
    assert.equal(empty.status, 200);
    assert.match(empty.headers.get("content-type")!, /application\/json/);
    assert.equal(empty.headers.get("cache-control"), "no-store");
    assert.deepEqual(empty.json, {
      viewers: 0,
      capacity: 1000,
      channels: [],
      pointsPerSecond: null,
      refused: { total: 0, perSecond: null, last: null },
      store: { kind: "memory", health: "ok" },
      ways: [],
    });

    assert.equal(
      (await post(base, { x: [1, 2, 3], y: [4, 5, 6] })).status,
      200,
    );
    assert.equal(
      (await post(base, { x: [1], y: [1], channel: "b" })).status,
      200,
    );
    const socket = new WebSocket(`${base.replace("http", "ws")}/ws`);
    await new Promise((resolve) => (socket.onopen = resolve));
    try {
      const first = await send(`${base}/status`);
      assert.equal(first.json.viewers, 1);
      assert.deepEqual(first.json.channels, [
        {
          name: "default",
          count: 3,
          capacity: 1000,
          lastSeq: 3,
          held: { from: 1, to: 3 },
        },
        {
          name: "b",
          count: 1,
          capacity: 1000,
          lastSeq: 1,
          held: { from: 1, to: 1 },
        },
      ]);

      // the rate is points stored between two samples at least a second apart
      await new Promise((r) => setTimeout(r, 1050));
      const y = Array.from({ length: 500 }, (_, i) => i);
      assert.equal((await post(base, { y })).status, 200);
      const later = await send(`${base}/status`);
      assert.ok(
        later.json.pointsPerSecond > 200 && later.json.pointsPerSecond < 500,
        `rate ${later.json.pointsPerSecond}`,
      );
      assert.equal(later.json.channels[0].count, 503);
    } finally {
      const closed = new Promise((resolve) => (socket.onclose = resolve));
      socket.close();
      await closed;
    }
  });
});

Deno.test("GET /status - a private scope answers it only with the view token", async () => {
  await withServer({ OSC_VIEW_TOKEN: "look-only-token" }, async (base) => {
    const refused = await send(`${base}/status`);
    assert.equal(refused.status, 401);
    assert.equal(refused.json.field, "token");
    const opened = await send(`${base}/status`, {
      headers: { authorization: "Bearer look-only-token" },
    });
    assert.equal(opened.status, 200);
    assert.equal(opened.json.viewers, 0);
    const wrong = await send(`${base}/status?token=nope`);
    assert.equal(wrong.status, 401);
  });
});

Deno.test("GET /status - refused publishes are counted, with the latest reason", async () => {
  await withServer({ OSC_MAX_CHANNELS: "1" }, async (base) => {
    await send(`${base}/status`);
    assert.equal((await post(base, { y: 1 })).status, 200);
    assert.equal((await post(base, { y: "abc" })).status, 400);
    assert.equal((await post(base, { y: 1, channel: "two" })).status, 409);
    await new Promise((r) => setTimeout(r, 1050));
    const status = (await send(`${base}/status`)).json;
    assert.equal(status.refused.total, 2);
    assert.ok(status.refused.perSecond > 1 && status.refused.perSecond < 2.1);
    assert.equal(status.refused.last.reason, "channel_limit");
    assert.match(status.refused.last.message, /the limit is 1/);
  });
});
