import assert from "node:assert/strict";
import { copyRing, windowIndices, windowRuns } from "./record.ts";
import type { Run } from "./resample.ts";
import { RingBuffer } from "../shared/ring_buffer.ts";

/** A ring of capacity 8 that has wrapped: it holds x = 4..11 with y = 10x. */
function wrapped(): RingBuffer {
  const ring = new RingBuffer(8);
  const x = Array.from({ length: 12 }, (_, i) => i);
  ring.pushBatch(x, x.map((v) => 10 * v));
  return ring;
}

function flat(runs: readonly Run[]): number[] {
  return runs.flatMap(([xs]) => [...xs]);
}

Deno.test("record - a window's indices include one neighbour each side", () => {
  const ring = wrapped();
  assert.deepEqual(windowIndices(ring, 6.5, 8.5), [2, 6]); // x 6,7,8,9
  assert.deepEqual(windowIndices(ring, 6, 8), [1, 6]); // x 5..9
  assert.deepEqual(windowIndices(ring, -5, 2), [0, 1]);
  assert.deepEqual(windowIndices(ring, 20, 30), [7, 8]);
  assert.deepEqual(windowIndices(new RingBuffer(4), 0, 1), [0, 0]);
});

Deno.test("record - window runs read across the ring's wrap without copying", () => {
  const ring = wrapped();
  assert.deepEqual(flat(windowRuns(ring, 6.5, 8.5)), [6, 7, 8, 9]);
  assert.deepEqual(flat(windowRuns(ring, -Infinity, Infinity)), [
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
  ]);
  assert.deepEqual(windowRuns(new RingBuffer(2), 0, 1), []);
});

Deno.test("record - a copy holds the window's points and no longer follows the ring", () => {
  const ring = wrapped();
  const all = copyRing(ring);
  assert.equal(all.size, 8);
  const part = copyRing(ring, 6.5, 8.5);
  assert.deepEqual(
    Array.from({ length: part.size }, (_, i) => [part.xAt(i), part.yAt(i)]),
    [[6, 60], [7, 70], [8, 80], [9, 90]],
  );
  ring.pushBatch([12, 13], [0, 0]);
  assert.equal(all.xAt(0), 4, "the copy kept the oldest point");
  assert.equal(copyRing(new RingBuffer(3)).size, 0);
});
