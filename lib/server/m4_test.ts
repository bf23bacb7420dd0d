import assert from "node:assert/strict";
import { alignedIndices, m4Indices, pick } from "./m4.ts";

Deno.test("m4 - keeps first, last, min and max of each column, in order", () => {
  const x = Float64Array.from({ length: 15 }, (_, i) => i);
  // 3 columns of 5 points
  const y = Float64Array.from([
    5,
    9,
    1,
    4,
    4,
    /**/ 4,
    4,
    0,
    8,
    8,
    /**/ 2,
    3,
    7,
    6,
    6,
  ]);
  assert.deepEqual([...m4Indices(x, y, 3)], [
    0,
    1,
    2,
    4,
    5,
    7,
    8,
    9,
    10,
    12,
    14,
  ]);
});

Deno.test("m4 - small inputs pass through; big ones shrink to 4 points per column at most", () => {
  const small = Float64Array.from([1, 2, 3]);
  assert.deepEqual([...m4Indices(small, small, 10)], [0, 1, 2]);
  const n = 1_000_000;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1000));
  y[424_242] = 1e6;
  const kept = m4Indices(x, y, 1000);
  assert.ok(kept.length <= 4000, `${kept.length} points`);
  assert.ok(kept.includes(424_242), "the spike is kept");
  assert.equal(kept[0], 0);
  assert.equal(kept.at(-1), n - 1);
  for (let i = 1; i < kept.length; i++) assert.ok(kept[i] > kept[i - 1]);
});

Deno.test("m4 - a slice keeps each point's seq", () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => i);
  const y = Float64Array.from({ length: 100 }, (_, i) => (i === 57 ? 10 : 0));
  const s = pick(x, y, 1100, m4Indices(x, y, 5));
  const at = s.y.indexOf(10);
  assert.equal(s.x[at], 57);
  assert.equal(s.seqs[at], 1001 + 57);
  assert.equal(s.seqs.at(-1), 1100);
});

Deno.test("m4 - x that goes backwards still gives a valid, ordered subset with its extremes", () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => i % 30);
  const y = Float64Array.from(
    { length: 100 },
    (_, i) => (i === 77 ? -50 : i % 5),
  );
  const kept = m4Indices(x, y, 5);
  assert.ok(kept.includes(77));
  for (let i = 1; i < kept.length; i++) assert.ok(kept[i] > kept[i - 1]);
});

Deno.test("m4 - aligned buckets keep each bucket's extremes at fixed x boundaries", () => {
  const x = Float64Array.from([0, 1, 9, 10, 11, 19.5, 20, 35, 39]);
  const y = Float64Array.from([1, 5, 2, 3, 0, 4, 8, 9, 7]);
  // width 10: [0,1,9] [10,11,19.5] [20] [35,39]
  assert.deepEqual([...alignedIndices(x, y, 10)], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  const dense = Float64Array.from({ length: 100 }, (_, i) => i / 10); // 0 .. 9.9
  const wave = dense.map((v) => Math.sin(v * 7));
  const kept = alignedIndices(dense, wave, 1);
  assert.ok(kept.length <= 40);
  for (let b = 0; b < 10; b++) {
    const inBucket = [...dense.keys()].filter((i) =>
      Math.floor(dense[i]) === b
    );
    const ys = inBucket.map((i) => wave[i]);
    const keptYs = [...kept].filter((i) => Math.floor(dense[i]) === b).map((
      i,
    ) => wave[i]);
    assert.equal(Math.max(...keptYs), Math.max(...ys));
    assert.equal(Math.min(...keptYs), Math.min(...ys));
  }
});
