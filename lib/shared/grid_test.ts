import assert from "node:assert/strict";
import {
  formatX,
  looksLikeEpochSeconds,
  makeGrid,
  niceStep,
  slotX,
} from "./grid.ts";

Deno.test("grid - niceStep picks the next 1-2-5 step", () => {
  assert.equal(niceStep(0.7).step, 1);
  assert.equal(niceStep(1).step, 1);
  assert.equal(niceStep(1.01).step, 2);
  assert.equal(niceStep(3).step, 5);
  assert.equal(niceStep(6).step, 10);
  assert.equal(niceStep(0.0003).step, 0.0005);
  assert.equal(niceStep(1000).step, 1000);
});

Deno.test("grid - covers the range with aligned, even, bounded slots", () => {
  for (
    const [a, b] of [[0, 100], [-3.7, 12.2], [1764067200.25, 1764067260.5], [
      5,
      5,
    ], [1e-9, 2e-9]]
  ) {
    const g = makeGrid(a, b, 2000);
    assert.ok(slotX(g, 0) <= a, `first slot ${slotX(g, 0)} is left of ${a}`);
    assert.ok(slotX(g, g.slots - 1) >= b, `last slot is right of ${b}`);
    assert.equal(g.slots % 2, 0);
    assert.ok(g.slots <= 2000, `${g.slots} slots`);
    assert.ok(
      g.slots >= 2000 / 3 || b === a,
      `${g.slots} slots is enough resolution`,
    );
    for (let i = 1; i < g.slots; i++) {
      assert.ok(slotX(g, i) > slotX(g, i - 1), "slot values strictly increase");
    }
  }
});

Deno.test("grid - labels are plain and short", () => {
  assert.equal(formatX(1.5, 3), "1.5");
  assert.equal(formatX(120, 0), "120");
  assert.equal(formatX(-0.25, 2), "-0.25");
  assert.equal(formatX(1764067200, 0), "1764067200");
  assert.ok(looksLikeEpochSeconds(1764067200, 1764067300));
  assert.ok(!looksLikeEpochSeconds(0, 100));
});

Deno.test("grid - extreme and single values give a finite grid around them", () => {
  const huge = makeGrid(-1e308, 1e308, 2000);
  for (let i = 0; i < huge.slots; i++) {
    assert.ok(Number.isFinite(slotX(huge, i)), `slot ${i} is finite`);
  }
  assert.ok(huge.slots > 600);
  const edge = makeGrid(1.7e308, 1.79e308, 2000);
  assert.ok(edge.slots >= 2);
  for (let i = 0; i < edge.slots; i++) {
    assert.ok(Number.isFinite(slotX(edge, i)));
  }
  const one = makeGrid(5, 5, 2000);
  assert.ok(
    slotX(one, 0) < 5 && slotX(one, one.slots - 1) > 5,
    "a single x sits inside its grid",
  );
  assert.ok(one.slots > 600, `${one.slots} slots`);
});
