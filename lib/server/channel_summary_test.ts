import assert from "node:assert/strict";
import { Channels } from "../store/channels.ts";
import { channelFacts, RateSampler } from "./channel_summary.ts";

Deno.test("channel summary - each channel's count, capacity, last seq and newest value", () => {
  const channels = new Channels(4, 8);
  channels.append("a", Float64Array.of(1, 2, 3), Float64Array.of(10, 20, 30));
  channels.append(
    "b",
    Float64Array.of(1, 2, 3, 4, 5),
    Float64Array.of(1, 2, 3, 4, -5),
  );
  const [a, b] = channelFacts(channels);
  assert.deepEqual(a, {
    name: "a",
    count: 3,
    capacity: 4,
    lastSeq: 3,
    lastY: 30,
  });
  // the ring holds 4 of b's 5 points; the newest is the last posted
  assert.equal(b.name, "b");
  assert.equal(b.count, 4);
  assert.equal(b.lastY, -5);
});

Deno.test("rate sampler - null until a whole second has passed, then the rate over it", () => {
  const rates = new RateSampler<"points">();
  assert.deepEqual(rates.read({ points: 0 }, 0), { points: null });
  assert.deepEqual(rates.read({ points: 500 }, 400), { points: null });
  assert.deepEqual(rates.read({ points: 1000 }, 2000), { points: 500 });
  // within the next window the last rate stands
  assert.deepEqual(rates.read({ points: 1100 }, 2500), { points: 500 });
  assert.deepEqual(rates.read({ points: 1300 }, 3000), { points: 300 });
});
