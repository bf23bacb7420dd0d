import assert from "node:assert/strict";
import { receiveTimes } from "./receive_time.ts";

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
  for (const previous of [null, undefined, 50, 100, 101]) {
    const x = receiveTimes(3, 100, previous);
    assert.deepEqual([...x].map((v) => Math.round(v * 1e6) / 1e6), [
      99.998,
      99.999,
      100,
    ], `previous ${previous}`);
  }
});
