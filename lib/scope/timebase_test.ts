import assert from "node:assert/strict";
import fc from "fast-check";
import {
  DIVISIONS_X,
  DIVISIONS_Y,
  formatPerDiv,
  snap125,
  step125,
} from "./timebase.ts";

Deno.test("timebase - a scope screen is 10 by 8 divisions", () => {
  assert.equal(DIVISIONS_X, 10);
  assert.equal(DIVISIONS_Y, 8);
});

Deno.test("timebase - snap125 picks the nearest 1-2-5 value in log space", () => {
  assert.equal(snap125(1), 1);
  assert.equal(snap125(2), 2);
  assert.equal(snap125(5), 5);
  // √10 ≈ 3.162 is the midpoint between 2 and 5
  assert.equal(snap125(3), 2);
  assert.equal(snap125(3.1), 2);
  assert.equal(snap125(3.2), 5);
  assert.equal(snap125(1.4), 1);
  assert.equal(snap125(1.42), 2);
  assert.equal(snap125(7), 5);
  assert.equal(snap125(7.1), 10);
  assert.equal(snap125(0.3), 0.2);
  assert.equal(snap125(0.00049), 0.0005);
  assert.equal(snap125(1999), 2000);
  assert.equal(snap125(0.30000000000000004), 0.2);
  assert.equal(snap125(0.1 * 3), 0.2);
  assert.equal(snap125(0.9999999), 1);
  assert.equal(snap125(1e-9), 1e-9);
  assert.equal(snap125(2e-7), 2e-7);
  assert.ok(Number.isNaN(snap125(0)));
  assert.ok(Number.isNaN(snap125(-1)));
  assert.ok(Number.isNaN(snap125(NaN)));
  assert.ok(Number.isNaN(snap125(Infinity)));
});

Deno.test("timebase - step125 walks the sequence both ways across decades", () => {
  const up = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100];
  for (let i = 0; i + 1 < up.length; i++) {
    assert.equal(step125(up[i], 1), up[i + 1], `${up[i]} up`);
    assert.equal(step125(up[i + 1], -1), up[i], `${up[i + 1]} down`);
  }
  assert.equal(step125(0.001, -1), 0.0005);
  assert.equal(step125(0.0005, 1), 0.001);
  assert.equal(step125(1e-6, -1), 5e-7);
  // snapped first: 3 is 2, 0.30000000000000004 is 0.2
  assert.equal(step125(3, 1), 5);
  assert.equal(step125(3, -1), 1);
  assert.equal(step125(0.1 + 0.2, 1), 0.5);
  assert.ok(Number.isNaN(step125(0, 1)));
});

Deno.test("timebase - values are exactly the literals, with no float noise", () => {
  let v = 1e-9;
  const seen: number[] = [];
  for (let i = 0; i < 40; i++) {
    seen.push(v);
    v = step125(v, 1);
  }
  seen.forEach((x, i) => {
    const literal = `${[1, 2, 5][i % 3]}e${-9 + Math.floor(i / 3)}`;
    assert.equal(x, Number(literal), `${x} is not ${literal}`);
  });
  for (let i = seen.length - 1; i > 0; i--) {
    assert.equal(step125(seen[i], -1), seen[i - 1]);
  }
});

Deno.test("timebase - snap and step stay on the grid (property)", () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-12, max: 1e12, noNaN: true }), (v) => {
      const s = snap125(v);
      assert.equal(snap125(s), s, "snapping is idempotent");
      const ratio = Math.max(s / v, v / s);
      assert.ok(ratio <= Math.sqrt(2.5) * (1 + 1e-12), `${v} → ${s}`);
      assert.ok(step125(v, 1) > s && step125(v, -1) < s);
      assert.equal(step125(step125(s, 1), -1), s);
    }),
    { numRuns: 500 },
  );
});

Deno.test("timebase - formatPerDiv scales seconds to SI prefixes", () => {
  assert.equal(formatPerDiv(0.001, "s"), "1 ms/div");
  assert.equal(formatPerDiv(0.002, "s"), "2 ms/div");
  assert.equal(formatPerDiv(0.0005, "s"), "500 µs/div");
  assert.equal(formatPerDiv(0.0003, "s"), "300 µs/div");
  assert.equal(formatPerDiv(0.1 + 0.2, "s"), "300 ms/div");
  assert.equal(formatPerDiv(1, "s"), "1 s/div");
  assert.equal(formatPerDiv(20, "s"), "20 s/div");
  assert.equal(formatPerDiv(5e-9, "s"), "5 ns/div");
  assert.equal(formatPerDiv(2e-6, "s"), "2 µs/div");
  assert.equal(formatPerDiv(1e-13, "s"), "0.1 ps/div");
  assert.equal(formatPerDiv(0.000999999999, "s"), "1 ms/div");
  assert.equal(formatPerDiv(0, "s"), "0 s/div");
});

Deno.test("timebase - formatPerDiv without seconds is plain", () => {
  assert.equal(formatPerDiv(0.5), "0.5 /div");
  assert.equal(formatPerDiv(0.1 + 0.2), "0.3 /div");
  assert.equal(formatPerDiv(2000), "2000 /div");
  assert.equal(formatPerDiv(0.5, "V"), "0.5 V/div");
  assert.equal(formatPerDiv(NaN, "s"), "–");
});
