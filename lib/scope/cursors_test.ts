import assert from "node:assert/strict";
import { decodeCursors, withCursors } from "./cursors.ts";

Deno.test("cursors - travel in a link beside the view, and come back the same", () => {
  const c = { x1: -0.0025, x2: 0.0125, y1: -0.5, y2: 1.25, ref: "lab.temp" };
  const q = withCursors("t=0.005&trig=1", c);
  assert.equal(q, "t=0.005&trig=1&cur=-0.0025,0.0125,-0.5,1.25&cref=lab.temp");
  assert.deepEqual(decodeCursors(q), c);
  assert.equal(withCursors("", null), "");
  assert.equal(withCursors("t=1", null), "t=1");
});

Deno.test("cursors - a link with malformed cursors restores none", () => {
  assert.equal(decodeCursors("cur=1,2,3"), null);
  assert.equal(decodeCursors("cur=1,2,3,x&cref=a"), null);
  assert.equal(decodeCursors("cur=1,2,3,4"), null);
  assert.equal(decodeCursors("cur=1,2,3,4&cref=a b"), null);
  assert.equal(decodeCursors("cur=1,2,3,Infinity&cref=a"), null);
});
