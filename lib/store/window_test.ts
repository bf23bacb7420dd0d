import assert from "node:assert/strict";
import { RingBuffer } from "../shared/ring_buffer.ts";
import { History } from "./history.ts";
import { m4Window, readWindow } from "./window.ts";

/** 1 kHz for `seconds`, samples at half-ms offsets (never on a bucket edge). */
function feed(seconds: number, ringPoints: number) {
  const n = seconds * 1000;
  const x = Float64Array.from({ length: n }, (_, i) => (i + 0.5) / 1000);
  // a 7 Hz sine whose amplitude is the second it is in, plus 1
  const y = x.map((t) => (Math.floor(t) + 1) * Math.sin(2 * Math.PI * 7 * t));
  const ring = new RingBuffer(ringPoints);
  const history = new History({ widths: [0.001, 0.01, 0.1, 1], buckets: 1000 });
  ring.pushBatch(x, y);
  history.add(x, y);
  return { x, y, ring, history };
}

/** Per column of [from, to]: the lowest and highest y of every point in it. */
function envelope(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  from: number,
  to: number,
  columns: number,
): [number, number][] {
  const out: [number, number][] = Array.from(
    { length: columns },
    () => [Infinity, -Infinity],
  );
  const w = (to - from) / columns;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < from || x[i] > to) continue;
    const c = Math.min(columns - 1, Math.floor((x[i] - from) / w));
    out[c][0] = Math.min(out[c][0], y[i]);
    out[c][1] = Math.max(out[c][1], y[i]);
  }
  return out;
}

Deno.test("window - inside the ring: every point, cut by M4 to the same picture", () => {
  const { x, y, ring, history } = feed(100, 20_000);
  const w = readWindow(ring, history, 90, 95, 400);
  assert.deepEqual(w.pieces, [{ from: 90, to: 95, resolution: 0 }]);
  assert.ok(w.x.length <= 400);
  assert.deepEqual(
    envelope(w.x, w.y, 90, 95, 100),
    envelope(x, y, 90, 95, 100),
  );
});

Deno.test("window - beyond the ring: the coarsest level no wider than a column, the same picture", () => {
  const { x, y, ring, history } = feed(100, 20_000);
  // 10 s over 100 columns: 0.1 s a column, so the 100 ms buckets (they reach back 100 s)
  const w = readWindow(ring, history, 20, 30, 400);
  assert.deepEqual(w.pieces, [{ from: 20, to: 30, resolution: 0.1 }]);
  assert.deepEqual(
    envelope(w.x, w.y, 20, 30, 100),
    envelope(x, y, 20, 30, 100),
  );
  // the ring's stretch comes from the ring, the rest from the history
  const both = readWindow(ring, history, 70, 90, 400);
  assert.deepEqual(both.pieces.map((p) => p.resolution), [0.1, 0]);
  assert.equal(both.pieces[1].from, 80.0005);
  assert.deepEqual(
    envelope(both.x, both.y, 70, 90, 100),
    envelope(x, y, 70, 90, 100),
  );
});

Deno.test("window - older than the fine levels reach: the finest that does, and the answer says so", () => {
  const { ring, history } = feed(100, 20_000);
  // the 10 ms level holds the newest 1000 buckets (10 s): second 5 is only in 100 ms buckets
  const w = readWindow(ring, history, 5, 5.5, 400);
  assert.deepEqual(w.pieces.map((p) => p.resolution), [0.1]);
  const highest = Math.max(...w.y);
  assert.ok(
    Math.abs(highest - 6) < 0.01,
    `second 5's amplitude is 6, got ${highest}`,
  );
});

Deno.test("window - M4 keeps at most 4 points a column, in order", () => {
  const xs = Array.from({ length: 1000 }, (_, i) => i);
  const ys = xs.map((v) => Math.sin(v));
  const { x } = m4Window(xs, ys, 0, 999, 10);
  assert.ok(x.length <= 40);
  assert.deepEqual([...x], [...x].sort((a, b) => a - b));
});

Deno.test("window - asking for as many points as the window holds gets every one", () => {
  const { ring, history } = feed(100, 20_000);
  const w = readWindow(ring, history, 89.9995, 90.5995, 400);
  assert.equal(w.samples, 601);
  assert.equal(readWindow(ring, history, 89.9995, 90.5995, 601).x.length, 601);
});

Deno.test("window - a channel of one point inside the window answers that point", () => {
  const ring = new RingBuffer(10);
  ring.pushBatch([12.34], [56.78]);
  const w = readWindow(ring, null, 0, 100, 2000);
  assert.deepEqual([...w.x], [12.34]);
  assert.deepEqual(w.pieces, [{ from: 12.34, to: 12.34, resolution: 0 }]);
});
