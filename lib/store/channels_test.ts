import assert from "node:assert/strict";
import { Channels } from "./channels.ts";

const seqsOf = (c: Channels, name: string) => {
  const b = c.get(name)!;
  return Array.from({ length: b.size }, (_, i) => b.firstSeq + i);
};
const xsOf = (c: Channels, name: string) => {
  const b = c.get(name)!;
  return Array.from({ length: b.size }, (_, i) => b.xAt(i));
};

Deno.test("Channels.apply - mirrors batches numbered elsewhere, skipping what it holds", () => {
  const c = new Channels(10, 4);
  assert.deepEqual(c.apply("a", [1, 2], [1, 2], 2), { x: [1, 2], y: [1, 2] });
  // the same batch again (a resent read) changes nothing
  assert.equal(c.apply("a", [1, 2], [1, 2], 2), null);
  // overlapping: only the new tail is applied and returned
  assert.deepEqual(c.apply("a", [2, 3, 4], [2, 3, 4], 4), {
    x: [3, 4],
    y: [3, 4],
  });
  assert.deepEqual(xsOf(c, "a"), [1, 2, 3, 4]);
  assert.deepEqual(seqsOf(c, "a"), [1, 2, 3, 4]);
});

Deno.test("Channels.apply - a batch after a gap restarts the buffer at its seqs", () => {
  const c = new Channels(10, 4);
  c.apply("a", [1, 2], [1, 2], 2);
  c.apply("a", [7, 8], [7, 8], 8);
  assert.deepEqual(xsOf(c, "a"), [7, 8]);
  assert.deepEqual(seqsOf(c, "a"), [7, 8]);
  // a first batch that starts late, as after a restart that reads the newest points only
  c.apply("b", [50], [50], 50);
  assert.deepEqual(seqsOf(c, "b"), [50]);
});

Deno.test("Channels.apply - past the channel limit nothing is allocated", () => {
  const c = new Channels(10, 1);
  c.apply("a", [1], [1], 1);
  assert.equal(c.apply("b", [1], [1], 1), null);
  assert.deepEqual(c.names(), ["a"]);
});

Deno.test("Channels.clearThrough - drops up to a seq, keeps newer points and the numbering", () => {
  const c = new Channels(10, 4);
  c.apply("a", [1, 2, 3, 4, 5], [1, 2, 3, 4, 5], 5);
  assert.equal(c.clearThrough("a", 3), 3);
  assert.deepEqual(xsOf(c, "a"), [4, 5]);
  assert.deepEqual(seqsOf(c, "a"), [4, 5]);
  assert.equal(c.clearThrough("a", 9), 2);
  assert.equal(c.get("a")!.size, 0);
  assert.equal(c.get("a")!.lastSeq, 9, "seqs go on from the clear");
  assert.deepEqual(c.apply("a", [10], [10], 10), { x: [10], y: [10] });
  assert.equal(c.clearThrough("missing", 3), 0);
});
