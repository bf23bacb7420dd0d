import assert from "node:assert/strict";
import { RingBuffer } from "../shared/ring_buffer.ts";
import { fitExtent } from "./acquisition.ts";
import { EMPTY, firstPicture, LEVELS } from "./first_picture.ts";

function ring(x: number[], y: number[]): RingBuffer {
  const r = new RingBuffer(Math.max(1, x.length));
  r.pushBatch(x, y);
  return r;
}

/** Each bucket's (low, high) of a trace's rows. */
function decode(rows: string): [number, number][] {
  const bytes = atob(rows);
  const at = (i: number) =>
    bytes.charCodeAt(2 * i) | (bytes.charCodeAt(2 * i + 1) << 8);
  const out: [number, number][] = [];
  for (let i = 0; i < bytes.length / 2; i += 2) out.push([at(i), at(i + 1)]);
  return out;
}

const range = <T = number>(n: number, f: (i: number) => T): T[] =>
  Array.from({ length: n }, (_, i) => f(i));

Deno.test("first picture - the fit-all window in equal buckets of each trace's low and high", () => {
  // a ramp from 0 to 1 over x = 100..108, two points a bucket on 8 buckets... of a window
  // that fit-all makes 10 s wide (1 s/div), ending at the newest point
  const x = range(17, (i) => 100 + i / 2);
  const y = range(17, (i) => i / 16);
  const p = firstPicture([{ color: "#f7d038", ring: ring(x, y) }], 1000, 10)!;
  assert.deepEqual({ from: p.from, to: p.to }, { from: 98, to: 108 });
  const window = fitExtent(100, 108)!;
  assert.deepEqual([p.from, p.to], [window.from, window.to]);
  assert.equal(p.traces[0].count, 17);
  assert.equal(p.traces[0].color, "#f7d038");
  const rows = decode(p.traces[0].rows);
  assert.equal(rows.length, 10);
  // before the first point: nothing; then the ramp's levels, its last point in the last bucket
  assert.deepEqual(rows[0], [EMPTY, EMPTY]);
  assert.deepEqual(rows[1], [EMPTY, EMPTY]);
  const level = (v: number) => Math.round(v * LEVELS);
  assert.deepEqual(rows[2], [level(0), level(1 / 16)]);
  assert.deepEqual(rows[9], [level(14 / 16), level(1)]);
});

Deno.test("first picture - traces share one scale, the chart's autoscaled axis", () => {
  const x = range(4000, (i) => i / 1000);
  const a = ring(x, x.map((t) => Math.sin(40 * t)));
  const b = ring(x, x.map((t) => 3 + Math.sin(40 * t)));
  const p = firstPicture([
    { color: "#f7d038", ring: a },
    { color: "#29d3f0", ring: b },
  ], 10_000)!;
  const lows = p.traces.map((t) =>
    Math.min(...decode(t.rows).map((r) => r[0]))
  );
  const highs = p.traces.map((t) =>
    Math.max(...decode(t.rows).filter((r) => r[1] !== EMPTY).map((r) => r[1]))
  );
  // a spans -1..1 of the shared -1..4: its top is at 2/5 of the levels; b's bottom at 3/5
  assert.equal(lows[0], 0);
  assert.ok(Math.abs(highs[0] - 0.4 * LEVELS) < 20, `a's top ${highs[0]}`);
  assert.ok(Math.abs(lows[1] - 0.6 * LEVELS) < 20, `b's bottom ${lows[1]}`);
  assert.equal(highs[1], LEVELS);
});

Deno.test("first picture - only the newest points the page will hold", () => {
  // 1000 old points at y = 100, then 3000 at y in -1..1: the page holds the newest 3000
  const x = range(4000, (i) => i / 1000);
  const y = x.map((t, i) => (i < 1000 ? 100 : Math.sin(40 * t)));
  const p = firstPicture([{ color: "#f7d038", ring: ring(x, y) }], 3000)!;
  assert.equal(p.traces[0].count, 3000);
  assert.equal(p.to, x[3999]);
  // fit-all of 1 .. 3.999 s: 0.5 s/div
  assert.equal(p.from, x[3999] - 5);
  // and the scale is theirs: the old points at 100 are not on it
  const rows = decode(p.traces[0].rows).filter((r) => r[0] !== EMPTY);
  assert.equal(Math.min(...rows.map((r) => r[0])), 0);
  assert.equal(Math.max(...rows.map((r) => r[1])), LEVELS);
  assert.ok(
    rows.filter((r) => r[1] - r[0] > LEVELS / 2).length < 100,
    "the sine's buckets span a fraction of the range each",
  );
});

Deno.test("first picture - none where it could not be the chart's first trace", () => {
  const x = range(4000, (i) => i / 1000);
  const sine = x.map((t) => Math.sin(40 * t));
  const one = (xs: number[], ys: number[]) =>
    firstPicture([{ color: "#f7d038", ring: ring(xs, ys) }], 100_000);
  assert.notEqual(one(x, sine), null, "a dense sine has one");
  assert.equal(firstPicture([], 1000), null, "no channel");
  assert.equal(
    one(x, x.map(() => 2)),
    null,
    "a flat trace: the chart picks its scale",
  );
  // sparse: 500 points across 2048 buckets leave gaps the chart bridges with lines and dots
  assert.equal(
    one(range(500, (i) => i), range(500, (i) => Math.sin(i))),
    null,
    "sparse",
  );
  // a gap inside a dense trace
  const gapped = x.filter((t) => t < 1 || t > 2);
  assert.equal(one(gapped, gapped.map((t) => Math.sin(40 * t))), null, "a gap");
  // x that steps back (a sender restarted its clock): the chart's window is not fit-all's
  const fine = range(30_000, (i) => i / 10_000);
  const restarted = [...fine, ...fine.slice(0, 10_000)];
  assert.equal(
    one(restarted, restarted.map((t) => Math.sin(40 * t))),
    null,
    "x back",
  );
  // a channel over a fifth of the window: the chart draws it with a thicker line
  const late = [
    { color: "#f7d038", ring: ring(x, sine) },
    {
      color: "#29d3f0",
      ring: ring(x.slice(3200), sine.slice(3200)),
    },
  ];
  const withLate = firstPicture(late, 100_000)!;
  assert.deepEqual(
    withLate.traces.map((t) => t.rows === ""),
    [false, true],
    "a trace over a fifth is left to the chart",
  );
  // the newest value's label is wider than the axis holds, though the range's are not
  const tail = sine.map((v, i) => (i > 3995 ? -0.00123457 : v));
  assert.equal(one(x, tail), null, "the last value's label");
  // but only the newest bucket's extremes are ever its label: a long value inside it is not
  const xs = range(40_000, (i) => i / 10_000);
  const ys = xs.map((t, i) =>
    i === 39_995
      ? -0.00123457
      : i > 39_990
      ? (i % 2 ? 0.5 : -0.5)
      : Math.sin(40 * t)
  );
  assert.notEqual(one(xs, ys), null, "a long value between the extremes");
  // labels wider than the price axis holds at its least width move the plot
  assert.equal(one(x, sine.map((v) => v * 1.2345e-4)), null, "long labels");
  assert.notEqual(one(x, sine.map((v) => v * 12345)), null, "-12345.7 fits");
  const five = range(5, () => ({ color: "#f7d038", ring: ring(x, sine) }));
  assert.equal(firstPicture(five, 100_000), null, "more than four traces");
  assert.notEqual(firstPicture(five.slice(0, 4), 100_000), null, "four");
  const big = range(600_000, (i) => i / 1e5);
  const bigRing = ring(big, big.map((t) => Math.sin(40 * t)));
  assert.equal(
    firstPicture([
      { color: "#f7d038", ring: bigRing },
      { color: "#29d3f0", ring: bigRing },
    ], 1_000_000),
    null,
    "over a million points to read",
  );
  assert.notEqual(
    firstPicture([{ color: "#f7d038", ring: bigRing }], 1_000_000),
    null,
    "600,000 points",
  );
});

Deno.test("first picture - a sparse trace is left to the chart, on the picture's scale", () => {
  // the README's first steps: a sender's sine over x = 0..12499 and one curl point at y = 56.78
  const x = range(12_500, (i) => i);
  const sine = ring(x, x.map((i) => 5 * Math.sin(i / 500)));
  const p = firstPicture([
    { color: "#29d3f0", ring: ring([12.34], [56.78]) },
    { color: "#f7d038", ring: sine },
  ], 20_000)!;
  assert.deepEqual(p.traces.map((t) => [t.color, t.rows === ""]), [
    ["#29d3f0", true],
    ["#f7d038", false],
  ]);
  // the sine spans -5..5 of -5..56.78: its top is at a sixth of the levels
  const top = Math.max(
    ...decode(p.traces[1].rows).filter((r) => r[1] !== EMPTY).map((r) => r[1]),
  );
  assert.ok(Math.abs(top - (10 / 61.78) * LEVELS) < 20, `top ${top}`);
});
