import assert from "node:assert/strict";
import type { PointsMessage, ServerMessage } from "../lib/shared/wire.ts";
import { post, send, withServer } from "./helpers.ts";
import { stalledViewer, viewer } from "./viewers.ts";

Deno.test("/ws - a snapshot per channel on connect, then deltas carrying posted values", async () => {
  await withServer({}, async (base) => {
    await post(base, { x: [1, 2], y: [10, 20] }, { query: "?channel=a" });
    await post(base, { x: 5, y: 50 }, { query: "?channel=b" });
    const v = viewer(base);
    try {
      await v.opened;
      await v.until((m) => m.length >= 2);
      assert.deepEqual(v.messages, [
        { type: "snapshot", channel: "a", seq: 2, x: [1, 2], y: [10, 20] },
        { type: "snapshot", channel: "b", seq: 1, x: [5], y: [50] },
      ]);
      await post(base, { x: 3, y: 56.78 }, { query: "?channel=a" });
      await v.until((m) => m.some((x) => x.type === "points"));
      assert.deepEqual(v.messages[2], {
        type: "points",
        channel: "a",
        seq: 3,
        x: [3],
        y: [56.78],
      });
    } finally {
      await v.close();
    }
  });
});

Deno.test("/ws - a burst of posts is coalesced, in seq order, with nothing lost", async () => {
  await withServer({}, async (base) => {
    const v = viewer(base);
    try {
      await v.opened;
      const posts = [];
      for (let i = 1; i <= 60; i++) posts.push(post(base, { x: i, y: i * 2 }));
      await Promise.all(posts);
      const count = (m: ServerMessage[]) =>
        m.reduce(
          (n, x) =>
            n + (x.type === "points" ? (x as PointsMessage).x.length : 0),
          0,
        );
      await v.until((m) => count(m) >= 60);
      const deltas = v.messages.filter((m): m is PointsMessage =>
        m.type === "points"
      );
      assert.ok(deltas.length < 60, `${deltas.length} messages for 60 posts`);
      let expected = 1;
      for (const d of deltas) {
        assert.equal(d.seq - d.x.length + 1, expected, "contiguous seqs");
        expected = d.seq + 1;
      }
      // every point arrives once, with its own x and y, under the seq it was stored with
      const xs = deltas.flatMap((d) => d.x);
      const ys = deltas.flatMap((d) => d.y);
      assert.equal(xs.length, 60);
      xs.forEach((x, i) =>
        assert.equal(ys[i], x * 2, `point ${i}: y belongs to its x`)
      );
      assert.deepEqual(
        xs.slice().sort((a, b) => a - b),
        Array.from({ length: 60 }, (_, i) => i + 1),
      );
    } finally {
      await v.close();
    }
  });
});

Deno.test("/ws - a removal reaches viewers", async () => {
  await withServer({}, async (base) => {
    await post(base, { y: [1, 2, 3] });
    const v = viewer(base);
    try {
      await v.until((m) => m.length >= 1);
      await send(`${base}/data?channel=default`, { method: "DELETE" });
      await v.until((m) => m.some((x) => x.type === "remove"));
      assert.deepEqual(v.messages.at(-1), {
        type: "remove",
        channel: "default",
        seq: 3,
      });
    } finally {
      await v.close();
    }
  });
});

Deno.test("/ws - upgrades from another site's page are refused with 403", async () => {
  await withServer(
    { OSC_ALLOWED_ORIGINS: "https://dash.example" },
    async (base) => {
      const evil = viewer(base, { origin: "https://evil.example" });
      await assert.rejects(evil.opened, /403/);
      await evil.close();
      const direct = await send(`${base}/ws`, {
        headers: {
          upgrade: "websocket",
          connection: "Upgrade",
          origin: "https://evil.example",
          "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
          "sec-websocket-version": "13",
        },
      });
      assert.equal(direct.status, 403);
      assert.equal(direct.json.field, "origin");
      for (const origin of ["https://dash.example", base]) {
        const ok = viewer(base, { origin });
        await ok.opened;
        await ok.close();
      }
    },
  );
});

Deno.test("/ws - a plain GET is told to upgrade", async () => {
  await withServer({}, async (base) => {
    const r = await send(`${base}/ws`);
    assert.equal(r.status, 426);
    assert.equal(r.json.status, "error");
  });
});

Deno.test("/ws - a viewer that never reads is skipped, then closed, while others keep up", async () => {
  const env = { OSC_VIEWER_MAX_BUFFER: "64KiB", OSC_VIEWER_STALL_MS: "300" };
  await withServer(env, async (base, app) => {
    const stalled = await stalledViewer(base);
    const healthy = viewer(base);
    try {
      await healthy.opened;
      const stuck = () =>
        [...app.state.viewers].find((v) => v.behind || v.closed);
      // ~40 KB per post: the stalled socket's buffer passes 64 KiB after a few ticks
      const y = Array.from({ length: 2000 }, (_, i) => i + 0.123456789);
      let seq = 0;
      for (let i = 0; i < 200 && !stuck(); i++) {
        seq = (await post(base, { y })).json.seq;
        await new Promise((r) => setTimeout(r, 20));
      }
      const slow = stuck();
      assert.ok(slow, "the stalled viewer was marked as behind");
      // its queue stops growing: the server keeps what the socket had, not every message since
      const before = (slow.socket as WebSocket).bufferedAmount;
      for (let i = 0; i < 20; i++) seq = (await post(base, { y })).json.seq;
      await healthy.until((m) => m.some((x) => x.seq === seq));
      assert.ok(
        (slow.socket as WebSocket).bufferedAmount <= before,
        "no more bytes queued for it",
      );
      // still backed up past OSC_VIEWER_STALL_MS: closed
      await new Promise((r) => setTimeout(r, 400));
      await post(base, { y: [1] });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(slow.closed, true, "closed after the stall limit");
      assert.equal((await send(`${base}/healthz`)).status, 200);
    } finally {
      stalled.close();
      await healthy.close();
    }
  });
});

Deno.test("/ws?slots - snapshots are cut to bucket extremes, deltas are not", async () => {
  await withServer({ OSC_MAX_BODY: "8MiB" }, async (base) => {
    const x = Array.from({ length: 20_000 }, (_, i) => i);
    await post(base, { x, y: x.map((i) => (i === 12_345 ? -99 : i % 10)) });
    const messages: PointsMessage[] = [];
    const ws = new WebSocket(base.replace("http", "ws") + "/ws?slots=50");
    const got = new Promise<void>((resolve) => {
      ws.onmessage = (e) => {
        messages.push(JSON.parse(e.data));
        if (messages.length === 2) resolve();
      };
    });
    await new Promise((r) => (ws.onopen = r));
    await post(base, { x: [20_000, 20_001], y: [1, 2] });
    await got;
    const closed = new Promise((r) => (ws.onclose = r));
    ws.close();
    await closed;
    const [snapshot, delta] = messages;
    assert.equal(snapshot.type, "snapshot");
    assert.ok(snapshot.x.length <= 500, `${snapshot.x.length} points`);
    assert.equal(snapshot.seq, 20_000);
    assert.ok(snapshot.y.includes(-99), "the spike is in the snapshot");
    assert.deepEqual(delta, {
      type: "points",
      channel: "default",
      seq: 20_002,
      x: [20_000, 20_001],
      y: [1, 2],
    });
  });
});

Deno.test("/ws - a peer that stops answering pings is closed; one that answers stays", async () => {
  await withServer({ OSC_PING_S: "1" }, async (base, app) => {
    const healthy = viewer(base);
    await healthy.opened;
    const silent = await stalledViewer(base);
    try {
      const deadline = Date.now() + 8000;
      while (app.state.viewers.size < 2 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(app.state.viewers.size, 2, "both peers connected");
      // the silent one never reads, so it never answers a ping: Deno closes it
      while (app.state.viewers.size > 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(
        app.state.viewers.size,
        1,
        "the silent peer was closed and removed",
      );
      // the healthy one (Deno's client answers pings) is still served after several periods
      await new Promise((r) => setTimeout(r, 2500));
      assert.equal(app.state.viewers.size, 1);
      await post(base, { y: 42 });
      await healthy.until((m) =>
        m.some((x) =>
          x.type === "points" && (x as PointsMessage).y.includes(42)
        )
      );
    } finally {
      silent.close();
      await healthy.close();
    }
  });
});
