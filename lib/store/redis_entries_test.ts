import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { entryPoints, packPoints } from "./redis_entries.ts";

const fields = (p: Buffer) => [Buffer.from("p"), p];

Deno.test("redis entries - a packed batch reads back without its cleared points", () => {
  const p = packPoints([1, 2, 3, 4], [10, 20, 30, 40]);
  // the entry holds seqs 7..10; a clear through seq 8 removes the first two
  const points = entryPoints(fields(p), 10, 8);
  assert.deepEqual(points, {
    x: Float64Array.of(3, 4),
    y: Float64Array.of(30, 40),
  });
  assert.equal(entryPoints(fields(p), 10, 10)?.x.length, 0);
  assert.equal(entryPoints([Buffer.from("q"), p], 10, 0), null);
});
