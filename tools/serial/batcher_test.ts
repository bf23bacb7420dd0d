import assert from "node:assert/strict";
import { Batcher } from "./batcher.ts";

const ndjson = (body: string) =>
  body.trim().split("\n").map((l) => JSON.parse(l));

Deno.test("serial batcher - Serial Plotter, Teleplot and bare numbers per channel, read times spread", () => {
  const b = new Batcher({ prefix: null, maxPoints: 1000 });
  assert.deepEqual(b.add(["a:1,b:2"], 10), []);
  assert.deepEqual(
    b.add(["a:3,b:4", "a:5,b:6", ">t:1500:7", "8", "1 2"], 10.5),
    [],
  );
  const taken = b.take()!;
  assert.equal(taken.points, 10);
  assert.deepEqual(ndjson(taken.body), [
    { channel: "a", x: [10, 10.25, 10.5], y: [1, 3, 5] },
    { channel: "b", x: [10, 10.25, 10.5], y: [2, 4, 6] },
    { channel: "t", x: [1.5], y: [7] },
    { channel: "default", x: [10.5], y: [8] },
    { channel: "value1", x: [10.5], y: [1] },
    { channel: "value2", x: [10.5], y: [2] },
  ]);
  assert.equal(b.take(), null);
});

Deno.test("serial batcher - --channel prefixes labels; bad lines are returned, not sent", () => {
  const b = new Batcher({ prefix: "uno", maxPoints: 1000 });
  const dropped = b.add(["a:1", "garbage here!", "2"], 1);
  assert.equal(dropped.length, 1);
  assert.equal(dropped[0].line, "garbage here!");
  assert.deepEqual(ndjson(b.take()!.body).map((l) => l.channel), [
    "uno.a",
    "uno",
  ]);
});

Deno.test("serial batcher - a body put back goes first; past maxPoints the oldest go", () => {
  const b = new Batcher({ prefix: null, maxPoints: 4 });
  b.add(["a:1", "a:2"], 1);
  const first = b.take()!;
  b.add(["a:3"], 2);
  b.putBack(first.body);
  assert.deepEqual(ndjson(b.take()!.body)[0].y, [1, 2, 3]);
  b.add(["a:1", "a:2", "a:3", "a:4", "a:5", "a:6"], 3);
  assert.equal(b.points, 4);
  assert.equal(b.overflowed, 2);
  assert.deepEqual(ndjson(b.take()!.body)[0].y, [3, 4, 5, 6]);
});
