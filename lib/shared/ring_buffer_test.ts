import assert from "node:assert/strict";
import { RingBuffer } from "./ring_buffer.ts";

const f = (...v: number[]) => Float64Array.from(v);

Deno.test("ring buffer - numbers points from 1 and returns the last seq", () => {
  const rb = new RingBuffer(4);
  assert.equal(rb.lastSeq, 0);
  assert.equal(rb.pushBatch(f(1, 2), f(10, 20)), 2);
  assert.equal(rb.pushBatch(f(3), f(30)), 3);
  assert.equal(rb.size, 3);
  assert.equal(rb.firstSeq, 1);
  assert.deepEqual([...rb.latest(10).x], [1, 2, 3]);
});

Deno.test("ring buffer - drops the oldest point when full", () => {
  const rb = new RingBuffer(3);
  rb.pushBatch(f(1, 2, 3), f(10, 20, 30));
  rb.pushBatch(f(4, 5), f(40, 50));
  const all = rb.latest(3);
  assert.deepEqual([...all.x], [3, 4, 5]);
  assert.deepEqual([...all.y], [30, 40, 50]);
  assert.equal(all.seq, 5);
  assert.equal(rb.firstSeq, 3);
  assert.equal(rb.xAt(0), 3);
  assert.equal(rb.yAt(2), 50);
});

Deno.test("ring buffer - wraps across many pushes and keeps order", () => {
  const rb = new RingBuffer(7);
  let next = 1;
  for (let round = 0; round < 50; round++) {
    const n = (round * 3) % 5 + 1;
    const x = new Float64Array(n).map((_, i) => next + i);
    next += n;
    rb.pushBatch(x, x.map((v) => -v));
    const held = rb.latest(rb.size);
    const expected = Array.from(
      { length: held.x.length },
      (_, i) => next - held.x.length + i,
    );
    assert.deepEqual([...held.x], expected);
    assert.deepEqual([...held.y], expected.map((v) => -v));
  }
  assert.equal(rb.lastSeq, next - 1);
});

Deno.test("ring buffer - a batch larger than capacity keeps its newest points and full seq", () => {
  const rb = new RingBuffer(3);
  rb.pushBatch(f(1), f(1));
  assert.equal(rb.pushBatch(f(2, 3, 4, 5, 6), f(2, 3, 4, 5, 6)), 6);
  assert.deepEqual([...rb.latest(3).x], [4, 5, 6]);
  assert.equal(rb.firstSeq, 4);
});

Deno.test("ring buffer - since returns only newer points", () => {
  const rb = new RingBuffer(5);
  rb.pushBatch(f(1, 2, 3, 4, 5, 6, 7), f(1, 2, 3, 4, 5, 6, 7)); // holds seqs 3..7
  assert.deepEqual([...rb.since(5).x], [6, 7]);
  assert.deepEqual([...rb.since(0).x], [3, 4, 5, 6, 7]);
  assert.equal(rb.since(7).x.length, 0);
  assert.equal(rb.since(99).x.length, 0);
  assert.equal(rb.since(5).seq, 7);
});

Deno.test("ring buffer - clear empties it but seqs never repeat", () => {
  const rb = new RingBuffer(4);
  rb.pushBatch(f(1, 2), f(1, 2));
  rb.clear();
  assert.equal(rb.size, 0);
  assert.equal(rb.lastSeq, 2);
  assert.equal(rb.pushBatch(f(9), f(9)), 3);
  assert.deepEqual([...rb.latest(4).x], [9]);
});

Deno.test("ring buffer - rejects a bad capacity and mismatched arrays", () => {
  assert.throws(() => new RingBuffer(0), RangeError);
  assert.throws(() => new RingBuffer(1.5), RangeError);
  assert.throws(() => new RingBuffer(2).pushBatch(f(1, 2), f(1)), RangeError);
});

Deno.test("ring buffer - runs are views of the held points without copying", () => {
  const rb = new RingBuffer(4);
  rb.pushBatch(f(1, 2, 3, 4, 5, 6), f(1, 2, 3, 4, 5, 6)); // wrapped: holds 3..6
  const runs = rb.runs();
  assert.equal(runs.length, 2);
  assert.deepEqual(runs.flatMap(([x]) => [...x]), [3, 4, 5, 6]);
  assert.deepEqual(rb.runs(2).flatMap(([, y]) => [...y]), [5, 6]);
  assert.deepEqual(rb.runs(4), []);
});

Deno.test("ring buffer - takes plain arrays as well as typed ones, across the wrap", () => {
  const rb = new RingBuffer(3);
  rb.pushBatch([1], [10]);
  rb.pushBatch([2, 3, 4], [20, 30, 40]);
  rb.pushBatch(f(5), f(50));
  assert.deepEqual([...rb.latest(3).x], [3, 4, 5]);
  assert.deepEqual([...rb.latest(3).y], [30, 40, 50]);
  assert.equal(rb.lastSeq, 5);
});
