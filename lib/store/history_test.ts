import assert from "node:assert/strict";
import fc from "fast-check";
import { History, levelWidths } from "./history.ts";

/** Every bucket a level holds, as [firstX, firstY, lastX, lastY, lowX, lowY, highX, highY]. */
function buckets(h: History, level: number): number[][] {
  const l = h.levels[level];
  return Array.from({ length: l.size }, (_, i) => {
    const b = l.at(i);
    return [...l.data.subarray(b, b + 8)];
  });
}

/**
 * The same buckets computed from every point: a point's bucket at level k is its 1 ms bucket's
 * number divided by 10^k (so the levels nest exactly, whatever floating point does at edges).
 */
function expected(x: number[], y: number[], level: number): number[][] {
  const out = new Map<number, number[]>();
  for (let i = 0; i < x.length; i++) {
    const k = Math.floor(Math.floor(x[i] / 0.001) / 10 ** level);
    const b = out.get(k);
    if (!b) {
      out.set(k, [x[i], y[i], x[i], y[i], x[i], y[i], x[i], y[i]]);
      continue;
    }
    b[2] = x[i];
    b[3] = y[i];
    if (y[i] < b[5]) [b[4], b[5]] = [x[i], y[i]];
    if (y[i] > b[7]) [b[6], b[7]] = [x[i], y[i]];
  }
  return [...out.values()];
}

Deno.test("history - levels from 1 ms up to the first whose buckets cover the span", () => {
  assert.deepEqual(levelWidths(86400, 4096), [0.001, 0.01, 0.1, 1, 10, 100]);
  assert.deepEqual(levelWidths(3600, 100_000), [0.001, 0.01, 0.1]);
});

Deno.test("history - every closed bucket of every level is its points' first, last, lowest and highest", () => {
  fc.assert(
    fc.property(
      fc.array(
        // steps of 0 to 30 ms in µs (fc.double crowds its values at the ends of the range,
        // which left most levels with one point a bucket), and values with few repeats
        fc.tuple(
          fc.integer({ min: 0, max: 30_000 }).map((us) => us / 1e6),
          fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        ),
        { minLength: 1, maxLength: 400 },
      ),
      fc.integer({ min: 1, max: 50 }),
      (steps, batch) => {
        const x: number[] = [];
        const y: number[] = [];
        let t = 1000;
        for (const [dx, v] of steps) {
          t += dx;
          x.push(t);
          y.push(v);
        }
        const h = new History({ widths: [0.001, 0.01, 0.1], buckets: 10_000 });
        for (let i = 0; i < x.length; i += batch) {
          h.add(x.slice(i, i + batch), y.slice(i, i + batch));
        }
        // level 0 is complete; a level above holds what the level below closed, so all its
        // buckets but the newest are complete
        assert.deepEqual(buckets(h, 0), expected(x, y, 0));
        closedLevelsNest(h, x, y);
      },
    ),
    { numRuns: 1000 },
  );
});

/** Every bucket of levels 1 and 2 but the newest (still open) is the one the samples make. */
function closedLevelsNest(h: History, x: number[], y: number[]): void {
  for (const level of [1, 2]) {
    const got = buckets(h, level);
    const closed = Math.max(0, got.length - 1);
    assert.deepEqual(
      got.slice(0, closed),
      expected(x, y, level).slice(0, closed),
    );
  }
}

Deno.test("history - levels nest even where floating point puts x on two sides of an edge", () => {
  // found by the property above: 1000.05 / 0.01 and 1000.05 / 0.001 fall on different sides
  const x = [1000.05, 1000.0500000000001, 1000.1, 1000.1, 1000.2];
  const y = [0, 0, 0, 0, 0];
  const h = new History({ widths: [0.001, 0.01, 0.1], buckets: 100 });
  for (let i = 0; i < x.length; i++) {
    h.add(x.slice(i, i + 1), y.slice(i, i + 1));
  }
  closedLevelsNest(h, x, y);
});

Deno.test("history - a level keeps its newest buckets, memory bounded by levels × buckets × 64 B", () => {
  const h = new History({ widths: [0.001, 0.01], buckets: 100 });
  const x = Float64Array.from({ length: 10_000 }, (_, i) => (i + 0.5) / 1000);
  h.add(x, x);
  assert.equal(h.levels[0].size, 100);
  assert.equal(h.levels[0].fromX, 9.9005);
  assert.equal(h.levels[0].toX, 9.9995);
  assert.equal(h.levels[1].size, 100);
  assert.ok(h.bytes <= 2 * 100 * 64, `${h.bytes} bytes`);
});

Deno.test("history - x stepping back starts it afresh, once x has ascended a while again", () => {
  const h = new History({ widths: [0.001, 0.01], buckets: 100 });
  h.add([1, 1.0005, 1.002], [1, 2, 3]);
  h.add([0.5], [9]);
  assert.equal(h.levels[0].size, 0);
  assert.equal(h.levels[1].size, 0);
  // a sender whose x restarts with every batch keeps no history (and costs it nothing)
  for (let batch = 0; batch < 50; batch++) {
    h.add(
      Array.from({ length: 1000 }, (_, i) => i * 0.001),
      new Array(1000).fill(1),
    );
  }
  assert.equal(h.levels[0].size, 0);
  // 10,000 ascending points after the last step back (1000 of them in the last batch) it
  // takes them again: here the last 50 of 9,050
  const x = Float64Array.from(
    { length: 9_050 },
    (_, i) => 100.0005 + i * 0.001,
  );
  h.add(x, x);
  assert.equal(h.levels[0].size, 50);
  assert.ok(Math.abs(h.levels[0].fromX - 109.0005) < 1e-9);
});
