import assert from "node:assert/strict";
import { ReceiveClock, receiveTimes } from "./receive_time.ts";

Deno.test("receive times - a lone value gets the receive time", () => {
  assert.deepEqual([...receiveTimes(1, 100, 99.5)], [100]);
});

Deno.test("receive times - values spread evenly after the channel's newest point", () => {
  const x = receiveTimes(4, 100, 99.6);
  assert.deepEqual([...x].map((v) => Math.round(v * 1e6) / 1e6), [
    99.7,
    99.8,
    99.9,
    100,
  ]);
});

Deno.test("receive times - without a recent point, 1 ms apart ending now", () => {
  for (const previous of [null, undefined, 50, 101]) {
    const x = receiveTimes(3, 100, previous);
    assert.deepEqual([...x].map((v) => Math.round(v * 1e6) / 1e6), [
      99.998,
      99.999,
      100,
    ], `previous ${previous}`);
  }
});

Deno.test("receive times - a newest point at the receive time itself: the values come with it, never before", () => {
  assert.deepEqual([...receiveTimes(3, 100, 100)], [100, 100, 100]);
  assert.deepEqual([...receiveTimes(2, 100, 100.0005)], [100.0005, 100.0005]);
});

Deno.test("receive clock - microseconds between the wall clock's milliseconds, never going back", () => {
  let wall = 1_000_000;
  let mono = 5;
  const clock = new ReceiveClock(() => wall, () => mono);
  assert.equal(clock.now(), 1000);
  mono += 0.25;
  assert.equal(clock.now(), 1000.00025);
  // the wall clock set back by a second: re-anchored, but no earlier than what was given
  wall -= 1000;
  mono += 0.25;
  assert.equal(clock.now(), 1000.00025);
  mono += 2000;
  wall += 2000;
  assert.equal(clock.now(), 1001);
});
