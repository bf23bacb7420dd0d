import assert from "node:assert/strict";
import fc from "fast-check";
import { RingBuffer } from "../shared/ring_buffer.ts";
import {
  arraySamples,
  lowerBound,
  type Samples,
  upperBound,
} from "./samples.ts";

Deno.test("samples - lowerBound finds the first x at or above the value", () => {
  const s = arraySamples([1, 2, 2, 2, 5], [0, 0, 0, 0, 0]);
  assert.equal(lowerBound(s, 0), 0);
  assert.equal(lowerBound(s, 1), 0);
  assert.equal(lowerBound(s, 1.5), 1);
  assert.equal(lowerBound(s, 2), 1);
  assert.equal(lowerBound(s, 3), 4);
  assert.equal(lowerBound(s, 5), 4);
  assert.equal(lowerBound(s, 6), 5);
  assert.equal(lowerBound(s, -Infinity), 0);
  assert.equal(lowerBound(s, Infinity), 5);
});

Deno.test("samples - upperBound finds the first x above the value", () => {
  const s = arraySamples([1, 2, 2, 2, 5], [0, 0, 0, 0, 0]);
  assert.equal(upperBound(s, 0), 0);
  assert.equal(upperBound(s, 1), 1);
  assert.equal(upperBound(s, 2), 4);
  assert.equal(upperBound(s, 5), 5);
  assert.equal(upperBound(s, -Infinity), 0);
});

Deno.test("samples - NaN and empty input match nothing", () => {
  const s = arraySamples([1, 2, 3], [0, 0, 0]);
  assert.equal(lowerBound(s, NaN), 3);
  assert.equal(upperBound(s, NaN), 3);
  const empty = arraySamples([], []);
  assert.equal(empty.size, 0);
  assert.equal(lowerBound(empty, 0), 0);
});

Deno.test("samples - bounds can be limited to a sub-range", () => {
  const s = arraySamples([0, 1, 2, 3, 4, 5], [0, 0, 0, 0, 0, 0]);
  assert.equal(lowerBound(s, 0, 2, 4), 2);
  assert.equal(lowerBound(s, 9, 2, 4), 4);
  assert.equal(upperBound(s, 2.5, 1, 6), 3);
});

Deno.test("samples - arraySamples reads both arrays in place", () => {
  const x = new Float64Array([0, 1, 2]);
  const y = [10, 11, 12];
  const s = arraySamples(x, y);
  assert.equal(s.size, 3);
  assert.equal(s.xAt(2), 2);
  assert.equal(s.yAt(1), 11);
  y[1] = 99;
  assert.equal(s.yAt(1), 99);
  assert.throws(() => arraySamples([1, 2], [1]), RangeError);
});

Deno.test("samples - a wrapped RingBuffer is a Samples", () => {
  const ring = new RingBuffer(4);
  ring.pushBatch([1, 2, 3, 4, 5, 6], [1, 2, 3, 4, 5, 6]);
  const s: Samples = ring;
  assert.equal(lowerBound(s, 4), 1);
  assert.equal(s.xAt(lowerBound(s, 4)), 4);
  assert.equal(upperBound(s, 6), 4);
});

Deno.test("samples - bounds agree with a linear scan (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 40 }),
      fc.integer({ min: -25, max: 25 }),
      (raw, value) => {
        const x = raw.sort((a, b) => a - b);
        const s = arraySamples(x, x);
        const lower = x.findIndex((v) => v >= value);
        const upper = x.findIndex((v) => v > value);
        assert.equal(lowerBound(s, value), lower === -1 ? x.length : lower);
        assert.equal(upperBound(s, value), upper === -1 ? x.length : upper);
      },
    ),
    { numRuns: 300 },
  );
});
