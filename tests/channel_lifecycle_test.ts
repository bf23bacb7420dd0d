// DELETE removes a channel on every store and every replica: its slot is free again, viewers
// drop it, and a channel made afterwards numbers above it so no one takes new points for old.
import assert from "node:assert/strict";
import { startOscilloscope, startRedis } from "../tools/bench/procs.ts";
import { post, send, withServer } from "./helpers.ts";
import { eventually } from "./stores.ts";
import { viewer } from "./viewers.ts";

/** Runs the lifecycle against instance `a` (publishes, removes) watched from instance `b`. */
async function lifecycle(a: string, b: string): Promise<void> {
  const v = viewer(b);
  try {
    await v.opened;
    assert.equal((await post(a, { channel: "a", y: [1, 2, 3] })).status, 200);
    assert.equal((await post(a, { channel: "b", y: [1] })).status, 200);
    const full = await post(a, { channel: "c", y: [1] });
    assert.equal(full.status, 409, "two channels is the limit here");
    assert.equal(full.json.field, "channel");
    await v.until((ms) => ms.some((m) => m.channel === "a" && m.seq === 3));

    const del = await send(`${a}/data?channel=a`, { method: "DELETE" });
    assert.deepEqual(del.json, { status: "success", cleared: { a: 3 } });
    await v.until((ms) =>
      ms.some((m) => m.type === "remove" && m.channel === "a")
    );
    assert.deepEqual(v.messages.find((m) => m.type === "remove"), {
      type: "remove",
      channel: "a",
      seq: 3,
    });
    for (const base of [a, b]) {
      await eventually(async () => {
        assert.equal((await send(`${base}/data?channel=a`)).status, 404);
        const status = (await send(`${base}/status`)).json;
        assert.deepEqual(status.channels.map((c: { name: string }) => c.name), [
          "b",
        ]);
      });
    }

    // the slot is free again, and the new channel numbers above the removed one
    const c = await post(a, { channel: "c", y: [7, 8] });
    assert.equal(c.status, 200, c.text);
    assert.ok(c.json.seq > 3 + 1, `seq ${c.json.seq} is above the removed 3`);
    // a re-created "a" also numbers above: a `?since=3` from a page that knew the old one
    // gets exactly the new points
    assert.equal(
      (await send(`${a}/data?channel=b`, { method: "DELETE" })).status,
      200,
    );
    const again = await post(a, { channel: "a", x: [100], y: [5] });
    assert.equal(again.status, 200, again.text);
    assert.ok(again.json.seq > 3);
    await eventually(async () => {
      const since = await send(`${b}/data?channel=a&since=3`);
      assert.equal(since.status, 200, since.text);
      assert.deepEqual(since.json.channels.a.x, [100]);
    });

    // a fresh viewer gets no points of the removed channels (a removal still on its way
    // when it joined may reach it, which it ignores)
    const late = viewer(b);
    try {
      await late.until((ms) => ms.some((m) => m.channel === "a"));
      await new Promise((r) => setTimeout(r, 100));
      const drawn = late.messages.filter((m) => m.type !== "remove");
      assert.deepEqual(
        [...new Set(drawn.map((m) => m.channel))].sort(),
        ["a", "c"],
      );
    } finally {
      await late.close();
    }

    const all = await send(`${a}/data`, { method: "DELETE" });
    assert.deepEqual(Object.keys(all.json.cleared).sort(), ["a", "c"]);
    await eventually(async () =>
      assert.deepEqual((await send(`${b}/status`)).json.channels, [])
    );
  } finally {
    await v.close();
  }
}

Deno.test("channel lifecycle - memory: DELETE frees the slot, viewers drop it, seqs never reused", async () => {
  await withServer(
    { OSC_MAX_CHANNELS: "2" },
    (base) => lifecycle(base, base),
  );
});

Deno.test("channel lifecycle - kv: a removal reaches the other instance on the same file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osc-kv-" });
  const env = {
    OSC_STORE: "kv",
    OSC_KV_PATH: `${dir}/scope.kv`,
    OSC_MAX_CHANNELS: "2",
  };
  try {
    await withServer(env, (a) => withServer(env, (b) => lifecycle(a, b)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("channel lifecycle - redis: a removal reaches the other replica", async () => {
  const redis = await startRedis();
  const env = {
    OSC_STORE: "redis",
    OSC_REDIS_URL: redis.url,
    OSC_MAX_CHANNELS: "2",
  };
  const [a, b] = await Promise.all([
    startOscilloscope(env),
    startOscilloscope(env),
  ]);
  try {
    await lifecycle(a.base, b.base);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
    await redis.stop();
  }
});

Deno.test("channel lifecycle - kv: a removed channel stays removed across a restart", async () => {
  const dir = await Deno.makeTempDir({ prefix: "osc-kv-" });
  const env = { OSC_STORE: "kv", OSC_KV_PATH: `${dir}/scope.kv` };
  try {
    await withServer(env, async (base) => {
      await post(base, { channel: "gone", y: [1, 2] });
      await post(base, { channel: "kept", y: [3] });
      await send(`${base}/data?channel=gone`, { method: "DELETE" });
    });
    await withServer(env, async (base) => {
      const names = (await send(`${base}/status`)).json.channels.map((
        c: { name: string },
      ) => c.name);
      assert.deepEqual(names, ["kept"]);
      const next = await post(base, { channel: "gone", y: [9] });
      assert.ok(next.json.seq > 2, `seq ${next.json.seq} is above 2`);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
