import assert from "node:assert/strict";
import { makeGrid, slotX } from "../shared/grid.ts";
import { resampleMinMax } from "./resample.ts";

const f = (...v: number[]) => Float64Array.from(v);
const defined = (a: Float64Array) => [...a].filter((v) => !Number.isNaN(v));

Deno.test("resample - a single spike inside a 1M-point window survives", () => {
  const n = 1_000_000;
  const x = new Float64Array(n).map((_, i) => i);
  const y = new Float64Array(n).map((_, i) => Math.sin(i / 1000));
  y[654_321] = 50;
  y[123_456] = -40;
  const g = makeGrid(0, n - 1, 2400);
  const out = resampleMinMax([[x, y]], g);
  assert.ok(out.length <= 2400);
  const values = defined(out);
  assert.equal(Math.max(...values), 50);
  assert.equal(Math.min(...values), -40);
  // the spike sits where its x is
  const at = out.indexOf(50);
  assert.ok(Math.abs(slotX(g, at) - 654_321) <= 2 * g.step);
});

Deno.test("resample - keeps each bucket's min and max in the order they came", () => {
  const g = { first: 0, step: 1, exponent: 0, mantissa: 1 as const, slots: 4 };
  // bucket 0 = x in [0,2): rising then falling; bucket 1 = [2,4): max before min
  const out = resampleMinMax(
    [[f(0, 0.5, 1, 1.5, 2, 3), f(1, 5, 3, 2, 9, -9)]],
    g,
  );
  assert.deepEqual([...out], [1, 5, 9, -9]);
});

Deno.test("resample - sparse points land in the slot nearest their x, empty slots are NaN", () => {
  const g = { first: 0, step: 1, exponent: 0, mantissa: 1 as const, slots: 8 };
  const out = resampleMinMax([[f(0.2, 3.4, 7), f(1, 2, 3)]], g);
  assert.deepEqual([...out].map((v) => (Number.isNaN(v) ? null : v)), [
    1,
    null,
    null,
    2,
    null,
    null,
    null,
    3,
  ]);
});

Deno.test("resample - reads several runs (a wrapped ring buffer) as one series", () => {
  const g = makeGrid(0, 9, 20);
  const whole = resampleMinMax([[
    f(0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    f(0, 1, 4, 9, 16, 25, 36, 49, 64, 81),
  ]], g);
  const split = resampleMinMax([[f(0, 1, 2, 3), f(0, 1, 4, 9)], [
    f(4, 5, 6, 7, 8, 9),
    f(16, 25, 36, 49, 64, 81),
  ]], g);
  assert.deepEqual([...split], [...whole]);
});

Deno.test("resample - points outside the grid are ignored", () => {
  const g = { first: 10, step: 1, exponent: 0, mantissa: 1 as const, slots: 4 };
  const out = resampleMinMax([[
    f(0, 10, 11, 12, 13, 14, 100),
    f(-1, 1, 2, 3, 4, -5, 99),
  ]], g);
  assert.deepEqual(defined(out).sort(), [1, 2, 3, 4]);
});

Deno.test("resample - a lone point goes to whichever slot of its bucket is nearer", () => {
  const g = { first: 0, step: 1, exponent: 0, mantissa: 1 as const, slots: 4 };
  const show = (a: Float64Array) =>
    [...a].map((v) => (Number.isNaN(v) ? null : v));
  assert.deepEqual(show(resampleMinMax([[f(0.4), f(1)]], g)), [
    1,
    null,
    null,
    null,
  ]);
  assert.deepEqual(show(resampleMinMax([[f(0.6), f(1)]], g)), [
    null,
    1,
    null,
    null,
  ]);
  assert.deepEqual(show(resampleMinMax([[f(2.5), f(1)]], g)), [
    null,
    null,
    null,
    1,
  ]);
});

Deno.test("resample - values near the float64 limit stay on the grid", () => {
  const g = makeGrid(-1e308, 1e308, 2000);
  const out = resampleMinMax([[f(-1e308, 0, 1e308), f(1, 2, 3)]], g);
  assert.deepEqual(defined(out), [1, 2, 3]);
});
