import assert from "node:assert/strict";
import { CHUNK_POINTS, ChunkReader, fillChunks } from "./kv_layout.ts";

const seqs = (from: number, to: number) =>
  Float64Array.from({ length: to - from + 1 }, (_, i) => from + i);

Deno.test("kv layout - chunks written after a partial chunk read back in seq order", () => {
  const last = CHUNK_POINTS - 3;
  const [prev] = fillChunks(0, null, [{ x: seqs(1, last), y: seqs(1, last) }]);
  const batch = seqs(last + 1, last + CHUNK_POINTS + 10);
  const chunks = fillChunks(last, prev[1], [{ x: batch, y: batch }]);
  assert.deepEqual(chunks.map(([k]) => k), [0, 1, 2]);
  const read = new ChunkReader(5, last + batch.length);
  for (const [k, bytes] of chunks) read.add(k, bytes);
  const { x, y } = read.points();
  assert.deepEqual(x, seqs(5, last + batch.length));
  assert.deepEqual(y, x);
});

Deno.test("kv layout - a missing chunk leaves only the points after it", () => {
  const all = seqs(1, 3 * CHUNK_POINTS);
  const chunks = fillChunks(0, null, [{ x: all, y: all }]);
  const read = new ChunkReader(1, all.length);
  read.add(...chunks[0]);
  read.add(...chunks[2]);
  assert.deepEqual(read.points().x, seqs(2 * CHUNK_POINTS + 1, all.length));
});
