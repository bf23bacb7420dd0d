import assert from "node:assert/strict";
import { Trace } from "./trace.ts";

const held = (t: Trace) => t.ring.runs().flatMap(([x]) => [...x]);

Deno.test("trace - appends deltas and skips points it already has", () => {
  const t = new Trace(100);
  t.replace(3, [1, 2, 3], [1, 2, 3]);
  assert.equal(t.append(5, [3, 4, 5], [3, 4, 5]), "ok"); // seq 3 overlaps the snapshot
  assert.deepEqual(held(t), [1, 2, 3, 4, 5]);
  assert.equal(t.append(5, [5], [5]), "ok");
  assert.deepEqual(held(t), [1, 2, 3, 4, 5]);
  assert.equal(t.lastSeq, 5);
});

Deno.test("trace - reports a gap in seq and applies nothing", () => {
  const t = new Trace(100);
  t.replace(3, [1, 2, 3], [1, 2, 3]);
  assert.equal(t.append(9, [8, 9], [8, 9]), "gap");
  assert.deepEqual(held(t), [1, 2, 3]);
  assert.equal(t.lastSeq, 3);
});

Deno.test("trace - a delta that fills the window after a gap replaces it", () => {
  const t = new Trace(3);
  t.replace(1, [1], [1]);
  assert.equal(t.append(20, [17, 18, 19, 20], [0, 0, 0, 0]), "ok");
  assert.deepEqual(held(t), [18, 19, 20]);
});

Deno.test("trace - x going backwards starts a new sweep", () => {
  const t = new Trace(100);
  t.replace(3, [10, 11, 12], [1, 1, 1]);
  t.append(6, [13, 0, 1], [1, 2, 2]);
  assert.deepEqual(held(t), [0, 1]);
  t.append(7, [0.5], [3]);
  assert.deepEqual(held(t), [0.5]);
  t.append(8, [0.5], [3]); // equal x is not backwards
  assert.deepEqual(held(t), [0.5, 0.5]);
});

Deno.test("trace - clear empties it and later points continue", () => {
  const t = new Trace(100);
  t.replace(3, [1, 2, 3], [1, 2, 3]);
  t.clear(3);
  assert.deepEqual(held(t), []);
  assert.equal(t.append(4, [4], [4]), "ok");
  assert.deepEqual(held(t), [4]);
});

Deno.test("trace - counts only points that arrived live, not snapshots", () => {
  const t = new Trace(100);
  t.replace(50, Array(50).fill(1), Array(50).fill(1));
  assert.equal(t.received, 0);
  t.append(52, [1, 1, 1], [1, 1, 1]); // one overlaps
  assert.equal(t.received, 2);
});

Deno.test("trace - a reduced snapshot is refined by the full points, keeping newer deltas", () => {
  const t = new Trace(100);
  // the extremes of 0..9 in buckets, then two deltas
  t.replace(10, [0, 4, 5, 9], [0, 4, 5, 9], true);
  assert.equal(t.reducedToX, 9);
  assert.equal(t.append(12, [10, 11], [10, 11]), "ok");
  const full = Array.from({ length: 10 }, (_, i) => i);
  t.refine(10, full, full);
  assert.equal(t.reducedToX, -Infinity);
  assert.equal(t.lastSeq, 12);
  assert.deepEqual(
    Array.from({ length: t.ring.size }, (_, i) => t.ring.xAt(i)),
    [...full, 10, 11],
  );
});

Deno.test("trace - full points that cover only the newest part leave the older ones marked", () => {
  const t = new Trace(100);
  t.replace(20, [0, 9, 10, 19], [0, 9, 10, 19], true);
  t.refine(20, [15, 16, 17, 18, 19], [15, 16, 17, 18, 19]);
  assert.equal(t.reducedToX, 10);
  assert.deepEqual(
    Array.from({ length: t.ring.size }, (_, i) => t.ring.xAt(i)),
    [0, 9, 10, 15, 16, 17, 18, 19],
  );
  // a snapshot of every sample clears the mark
  t.replace(21, [1], [1]);
  assert.equal(t.reducedToX, -Infinity);
});
