import assert from "node:assert/strict";
import { Deadlines } from "./deadlines.ts";

Deno.test("deadlines - work that finishes in time settles as it would", async () => {
  const d = new Deadlines(() => 0);
  assert.equal(
    await d.within(Promise.resolve(7), 100, () => new Error("late")),
    7,
  );
  await assert.rejects(
    d.within(Promise.reject(new Error("own")), 100, () => new Error("late")),
    /own/,
  );
  assert.equal(d.size, 0, "nothing left behind");
});

Deno.test("deadlines - a sweep after the deadline fails the wait; before it, it does not", async () => {
  let now = 0;
  const d = new Deadlines(() => now);
  let finish!: (v: string) => void;
  const slow = new Promise<string>((r) => (finish = r));
  const waiting = d.within(slow, 500, () => new Error("too slow"));
  now = 499;
  d.sweep();
  assert.equal(d.size, 1);
  now = 500;
  d.sweep();
  await assert.rejects(waiting, /too slow/);
  assert.equal(d.size, 0);
  finish("later"); // arriving afterwards changes nothing
});
