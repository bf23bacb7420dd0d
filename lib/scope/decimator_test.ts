import assert from "node:assert/strict";
import { Decimator } from "./decimator.ts";
import { makeGrid } from "../shared/grid.ts";
import { resampleMinMax } from "./resample.ts";
import { Trace } from "./trace.ts";

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

/** Checks the decimator against a full resample of the same trace; returns the grid step. */
function same(
  trace: Trace,
  decimator: Decimator,
  slots: number,
  label: string,
): number {
  const ring = trace.ring;
  if (ring.size === 0) return NaN;
  const grid = makeGrid(ring.xAt(0), trace.lastX, slots);
  decimator.update(ring, grid.step);
  const fast = new Float64Array(grid.slots);
  decimator.fill(grid, fast);
  const full = resampleMinMax(ring.runs(), grid);
  assert.deepEqual([...fast].map(String), [...full].map(String), label);
  return grid.step;
}

Deno.test("decimator - matches a full resample frame after frame while the window rolls", () => {
  let carried = 0;
  for (const seed of [1, 2, 3, 4, 5]) {
    const random = rng(seed);
    // one width per run, so the step mostly holds and buckets carry over between frames
    const slots = 64 + seed * 100;
    const trace = new Trace(500);
    const decimator = new Decimator();
    let x = 0;
    let seq = 0;
    let lastStep = NaN;
    for (let frame = 0; frame < 300; frame++) {
      const n = Math.floor(random() * 40);
      const xs: number[] = [];
      const ys: number[] = [];
      for (let i = 0; i < n; i++) {
        x += random() < 0.1 ? 0 : random() * 3; // repeats and irregular gaps
        xs.push(x);
        ys.push(Math.round((random() - 0.5) * 100));
      }
      seq += n;
      if (n > 0) trace.append(seq, xs, ys);
      const step = same(trace, decimator, slots, `seed ${seed} frame ${frame}`);
      if (step === lastStep && trace.ring.size === 500) carried++;
      lastStep = step;
    }
  }
  assert.ok(
    carried > 500,
    `${carried} frames reused buckets while points rolled off`,
  );
});

Deno.test("decimator - starts over when the trace restarts, is cleared or the step changes", () => {
  const trace = new Trace(1000);
  const decimator = new Decimator();
  const ramp = Array.from({ length: 100 }, (_, i) => i);
  trace.replace(100, ramp, ramp.map((i) => i % 7));
  same(trace, decimator, 100, "first");
  trace.append(103, [100, 5, 6], [1, 2, 3]); // x goes backwards: new sweep
  same(trace, decimator, 100, "after a restart");
  trace.append(203, ramp.map((i) => 7 + i * 50), ramp.map((i) => -i));
  same(trace, decimator, 100, "wider span, new step");
  trace.clear(203);
  trace.append(204, [1], [1]);
  same(trace, decimator, 100, "after a clear");
});

Deno.test("decimator - a spike survives in a 1M-point window fed in frames", () => {
  const trace = new Trace(1_000_000);
  const decimator = new Decimator();
  let seq = 0;
  const frame = () => {
    const grid = makeGrid(trace.ring.xAt(0), trace.lastX, 2400);
    decimator.update(trace.ring, grid.step);
    return grid;
  };
  for (let start = 0; start < 1_200_000; start += 20_000) {
    const xs = Array.from({ length: 20_000 }, (_, i) => start + i);
    const ys = xs.map((v) => (v === 987_654 ? 99 : Math.sin(v / 100)));
    seq += xs.length;
    trace.append(seq, xs, ys);
    frame();
  }
  const grid = frame();
  const out = new Float64Array(grid.slots);
  decimator.fill(grid, out);
  assert.equal(Math.max(...out.filter((v) => !Number.isNaN(v))), 99);
});
