import assert from "node:assert/strict";
import { Channels } from "./channels.ts";
import { Hub } from "../server/hub.ts";
import { MemoryStore, MirrorWaiters } from "./store.ts";
import type { Frame } from "../shared/wire.ts";

function memory(maxChannels = 2) {
  const mirror = {
    channels: new Channels(100, maxChannels),
    hub: new Hub({
      tickMs: 16,
      maxDeltaPoints: 100,
      // flushed by hand below
      schedule: () => () => {},
    }),
  };
  const frames: Frame[] = [];
  mirror.hub.subscribe((f) => frames.push(f));
  return { store: new MemoryStore(mirror), mirror, frames };
}

Deno.test("MemoryStore - append numbers, stores and queues for viewers; remove frees the slot", async () => {
  const { store, mirror, frames } = memory();
  assert.deepEqual(store.append("a", [1, 2], [3, 4]), { ok: true, seq: 2 });
  assert.deepEqual(store.append("b", [1], [1]), { ok: true, seq: 1 });
  assert.deepEqual(store.append("c", [1], [1]), {
    ok: false,
    reason: "too_many_channels",
  });
  mirror.hub.flush();
  assert.equal(frames.length, 2);
  assert.deepEqual(await store.remove("a"), { a: 2 });
  assert.equal(mirror.channels.get("a"), undefined);
  // the slot is free, and the new channel numbers above the removed one
  assert.deepEqual(store.append("c", [1], [1]), { ok: true, seq: 3 });
  assert.deepEqual(await store.remove(null), { b: 1, c: 1 });
  assert.equal(mirror.channels.count, 0);
  assert.deepEqual(store.append("a", [9], [9]), { ok: true, seq: 4 });
});

Deno.test("MirrorWaiters - a waiter is let go when its seq is reached, or at its time limit", async () => {
  const waiters = new MirrorWaiters();
  const order: string[] = [];
  const a = waiters.wait("ch", 5, 10_000).then(() => order.push("a"));
  const b = waiters.wait("ch", 9, 10_000).then(() => order.push("b"));
  const c = waiters.wait("ch", 99, 20).then(() => order.push("c"));
  waiters.reached("other", 100);
  waiters.reached("ch", 6);
  await a;
  assert.deepEqual(order, ["a"]);
  await c;
  assert.deepEqual(order, ["a", "c"], "timed out, not stuck");
  waiters.reached("ch", 9);
  await b;
  assert.deepEqual(order, ["a", "c", "b"]);
  // nothing left waiting (and no timer left running for the test sanitizer)
  const d = waiters.wait("ch", 200, 10_000);
  waiters.releaseAll();
  await d;
});
