import assert from "node:assert/strict";
import { arraySamples } from "./samples.ts";
import { pairXY } from "./xy.ts";

Deno.test("xy - each sample of A is paired with B interpolated at its x", () => {
  const a = arraySamples([0, 1, 2, 3], [10, 11, 12, 13]);
  const b = arraySamples([0.5, 1.5, 2.5], [0, 10, 20]);
  const p = pairXY(a, b);
  // x = 0 and x = 3 lie outside B's extent and are left out
  assert.deepEqual([...p.a], [11, 12]);
  assert.deepEqual([...p.b], [5, 15]);
});

Deno.test("xy - a sine against a cosine traces a circle", () => {
  const n = 1000;
  const t = Array.from({ length: n }, (_, i) => i / n);
  const a = arraySamples(t, t.map((v) => Math.sin(2 * Math.PI * 3 * v)));
  // B sampled at other instants than A
  const tb = t.map((v) => v + 0.0003);
  const b = arraySamples(tb, tb.map((v) => Math.cos(2 * Math.PI * 3 * v)));
  const p = pairXY(a, b);
  assert.ok(p.a.length > 990);
  for (let i = 0; i < p.a.length; i++) {
    const r = Math.hypot(p.a[i], p.b[i]);
    assert.ok(Math.abs(r - 1) < 1e-3, `radius ${r} at ${i}`);
  }
});

Deno.test("xy - a window and a point budget keep the newest pairs", () => {
  const x = Array.from({ length: 100 }, (_, i) => i);
  const a = arraySamples(x, x);
  const b = arraySamples(x, x.map((v) => -v));
  const p = pairXY(a, b, 10, 60, 5);
  assert.deepEqual([...p.a], [56, 57, 58, 59, 60]);
  assert.deepEqual([...p.b], [-56, -57, -58, -59, -60]);
  assert.equal(pairXY(a, arraySamples([200, 300], [1, 2])).a.length, 0);
  assert.equal(pairXY(a, arraySamples([], [])).a.length, 0);
});
