import assert from "node:assert/strict";
import { Hub, type Schedule } from "./hub.ts";
import {
  decodeBinary,
  type Frame,
  type ServerMessage,
} from "../shared/wire.ts";

/** A clock the test advances by hand: `tick()` runs what the hub scheduled. */
function manualSchedule() {
  const queue: (() => void)[] = [];
  const delays: number[] = [];
  const schedule: Schedule = (fn, ms) => {
    queue.push(fn);
    delays.push(ms);
    return () => queue.splice(queue.indexOf(fn), 1);
  };
  return {
    schedule,
    delays,
    pending: () => queue.length,
    tick: () => queue.splice(0).forEach((fn) => fn()),
  };
}

const f = (...v: number[]) => Float64Array.from(v);

function listen(hub: Hub) {
  const got: ServerMessage[] = [];
  const off = hub.subscribe((text) => got.push(JSON.parse(text as string)));
  return { got, off };
}

Deno.test("hub - coalesces batches within a tick into one message per channel", () => {
  const clock = manualSchedule();
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 100,
    schedule: clock.schedule,
  });
  const { got } = listen(hub);
  hub.publish("a", f(1), f(10), 1);
  hub.publish("a", f(2, 3), f(20, 30), 3);
  hub.publish("b", f(5), f(50), 1);
  assert.equal(clock.pending(), 1, "one timer for the whole tick");
  assert.equal(got.length, 0, "nothing is sent before the tick");
  clock.tick();
  assert.deepEqual(got, [
    { type: "points", channel: "a", seq: 3, x: [1, 2, 3], y: [10, 20, 30] },
    { type: "points", channel: "b", seq: 1, x: [5], y: [50] },
  ]);
  assert.equal(clock.pending(), 0, "no timer while idle");
});

Deno.test("hub - every subscriber gets the same messages in order", () => {
  const clock = manualSchedule();
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 100,
    schedule: clock.schedule,
  });
  const one = listen(hub);
  const two = listen(hub);
  for (let i = 1; i <= 5; i++) {
    hub.publish("a", f(i), f(i), i);
    clock.tick();
  }
  assert.deepEqual(one.got.map((m) => m.seq), [1, 2, 3, 4, 5]);
  assert.deepEqual(two.got, one.got);
});

Deno.test("hub - keeps only the newest points of a burst, so the seq shows the gap", () => {
  const clock = manualSchedule();
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 4,
    schedule: clock.schedule,
  });
  const { got } = listen(hub);
  hub.publish("a", f(1, 2, 3), f(1, 2, 3), 3);
  hub.publish("a", f(4, 5), f(4, 5), 5);
  hub.publish("a", f(6, 7, 8), f(6, 7, 8), 8);
  clock.tick();
  assert.deepEqual(got, [{
    type: "points",
    channel: "a",
    seq: 8,
    x: [5, 6, 7, 8],
    y: [5, 6, 7, 8],
  }]);
});

Deno.test("hub - a clear drops the points queued before it and is sent first", () => {
  const clock = manualSchedule();
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 100,
    schedule: clock.schedule,
  });
  const { got } = listen(hub);
  hub.publish("a", f(1), f(1), 1);
  hub.clear("a", 1);
  hub.publish("a", f(2), f(2), 2);
  clock.tick();
  assert.deepEqual(got, [
    { type: "clear", channel: "a", seq: 1 },
    { type: "points", channel: "a", seq: 2, x: [2], y: [2] },
  ]);
});

Deno.test("hub - a subscriber that throws or leaves mid-broadcast does not starve the others", () => {
  const clock = manualSchedule();
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 100,
    schedule: clock.schedule,
  });
  const seen: string[] = [];
  const offFirst = hub.subscribe(() => {
    seen.push("first");
    offFirst();
  });
  hub.subscribe(() => {
    throw new Error("broken socket");
  });
  hub.subscribe(() => seen.push("third"));
  const error = console.error;
  console.error = () => {};
  try {
    hub.publish("a", f(1), f(1), 1);
    clock.tick();
    hub.publish("a", f(2), f(2), 2);
    clock.tick();
  } finally {
    console.error = error;
  }
  assert.deepEqual(seen, ["first", "third", "third"]);
  assert.equal(hub.subscriberCount, 2);
});

Deno.test("hub - with no subscribers nothing is queued or scheduled", () => {
  const clock = manualSchedule();
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 100,
    schedule: clock.schedule,
  });
  hub.publish("a", f(1), f(1), 1);
  assert.equal(clock.pending(), 0);
  const { got } = listen(hub);
  hub.flush();
  assert.equal(got.length, 0);
});

Deno.test("hub - merges single points and typed batches in order", () => {
  const clock = manualSchedule();
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 3,
    schedule: clock.schedule,
  });
  const { got } = listen(hub);
  hub.publish("a", [1], [10], 1);
  hub.publish("a", f(2, 3), f(20, 30), 3);
  hub.publish("a", [4], [40], 4);
  clock.tick();
  assert.deepEqual(got, [{
    type: "points",
    channel: "a",
    seq: 4,
    x: [2, 3, 4],
    y: [20, 30, 40],
  }]);
});

Deno.test("hub - the first batch after a quiet tick goes out at once, later ones wait a tick", () => {
  const clock = manualSchedule();
  let now = 1000;
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 100,
    schedule: clock.schedule,
    now: () => now,
  });
  listen(hub);
  hub.publish("a", [1], [1], 1);
  assert.deepEqual(clock.delays, [0], "leading edge: no wait");
  clock.tick();
  now += 4;
  hub.publish("a", [2], [2], 2);
  assert.deepEqual(clock.delays, [0, 12], "the rest of the tick");
  clock.tick();
  now += 100;
  hub.publish("a", [3], [3], 3);
  assert.equal(clock.delays.at(-1), 0);
});

Deno.test("hub - encodes each tick once per encoding in use, whatever the number of viewers", () => {
  const clock = manualSchedule();
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 100,
    schedule: clock.schedule,
  });
  const frames: Frame[] = [];
  for (let i = 0; i < 3; i++) hub.subscribe((f) => frames.push(f), "json");
  for (let i = 0; i < 3; i++) hub.subscribe((f) => frames.push(f), "f64");
  hub.publish("a", [1, 2], [3, 4], 2);
  clock.tick();
  const texts = frames.filter((f): f is string => typeof f === "string");
  const binary = frames.filter((f): f is Uint8Array => f instanceof Uint8Array);
  assert.equal(texts.length, 3);
  assert.equal(binary.length, 3);
  assert.ok(texts.every((t) => t === texts[0]));
  assert.ok(
    binary.every((b) => b === binary[0]),
    "one buffer shared by every binary viewer",
  );
  const decoded = decodeBinary(binary[0].slice().buffer);
  assert.ok(decoded && decoded.type === "points");
  assert.deepEqual([...decoded.y], [3, 4]);
  assert.deepEqual(JSON.parse(texts[0]).y, [3, 4]);
});

Deno.test("hub - when sending takes long, ticks space out so ingest keeps most of the time", () => {
  const clock = manualSchedule();
  let now = 0;
  let sendMs = 10;
  const hub = new Hub({
    tickMs: 16,
    maxDeltaPoints: 100,
    schedule: clock.schedule,
    now: () => now,
  });
  hub.subscribe(() => (now += sendMs)); // a fan-out that takes sendMs
  hub.publish("a", [1], [1], 1);
  clock.tick(); // flush from t=0 to t=10
  hub.publish("a", [2], [2], 2);
  assert.equal(
    clock.delays.at(-1),
    20,
    "the next flush starts 3 x 10 ms after the last began",
  );
  sendMs = 100;
  now = 30;
  clock.tick(); // flush from t=30 to t=130
  hub.publish("a", [3], [3], 3);
  assert.equal(
    clock.delays.at(-1),
    0,
    "capped at four ticks (64 ms), long past by t=130",
  );
  clock.tick();
  now += 1000;
  hub.publish("a", [4], [4], 4);
  assert.equal(
    clock.delays.at(-1),
    0,
    "once it has been quiet, the next point goes at once",
  );
});

Deno.test("hub - the tick grows with the subscribers, so many viewers cost ingest no more sends", () => {
  for (const [viewers, want] of [[10, 4], [100, 6.4], [1000, 64]] as const) {
    const clock = manualSchedule();
    let now = 1000;
    const hub = new Hub({
      tickMs: 4,
      maxDeltaPoints: 100,
      schedule: clock.schedule,
      now: () => now,
    });
    const offs = Array.from({ length: viewers }, () => hub.subscribe(() => {}));
    hub.publish("a", [1], [1], 1);
    clock.tick(); // a lone point goes at once
    hub.publish("a", [2], [2], 2);
    assert.ok(
      Math.abs(clock.delays.at(-1)! - want) < 1e-9,
      `${viewers} viewers: ${clock.delays.at(-1)}`,
    );
    for (const off of offs) off();
    now++;
  }
});
