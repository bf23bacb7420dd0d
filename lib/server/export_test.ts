import assert from "node:assert/strict";
import { csvChunks, jsonChunks } from "./export.ts";

const slice = (seq: number, x: number[], y: number[]) => ({
  seq,
  x: Float64Array.from(x),
  y: Float64Array.from(y),
});

Deno.test("export - JSON chunks join into the documented shape", () => {
  const text = [
    ...jsonChunks([["a", slice(3, [1, 2.5], [-1, 1e-7])], [
      "b",
      slice(0, [], []),
    ]]),
  ].join("");
  assert.deepEqual(JSON.parse(text), {
    channels: {
      a: { seq: 3, x: [1, 2.5], y: [-1, 1e-7] },
      b: { seq: 0, x: [], y: [] },
    },
  });
});

Deno.test("export - JSON stays valid across chunk boundaries", () => {
  const n = 20_000;
  const x = Array.from({ length: n }, (_, i) => i / 3);
  const parsed = JSON.parse([...jsonChunks([["a", slice(n, x, x)]])].join(""));
  assert.deepEqual(parsed.channels.a.x, x);
});

Deno.test("export - CSV has a header and one row per point with its seq", () => {
  const text = [
    ...csvChunks([["a", slice(5, [1, 2], [3, 4])], [
      "b",
      slice(1, [9], [-0.5]),
    ]]),
  ].join("");
  assert.equal(text, "channel,seq,x,y\na,4,1,3\na,5,2,4\nb,1,9,-0.5\n");
});
