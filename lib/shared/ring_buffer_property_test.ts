import assert from "node:assert/strict";
import fc from "fast-check";
import { RingBuffer } from "./ring_buffer.ts";

// Enough runs to hit every wrap position of the small capacities, few enough to stay fast.
const RUNS = { numRuns: 300 };
const MAX_CAPACITY = 17;

type Op =
  | { kind: "push"; n: number; typed: boolean }
  | { kind: "clear" }
  | { kind: "since"; back: number; half: boolean }
  | { kind: "latest"; count: number }
  | { kind: "runs"; from: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  // weighted towards pushes so the buffer fills, wraps and overflows
  {
    arbitrary: fc.record({
      kind: fc.constant("push" as const),
      // up to 2 × the largest capacity, so batches larger than the buffer are common
      n: fc.nat(2 * MAX_CAPACITY),
      typed: fc.boolean(),
    }),
    weight: 4,
  },
  { arbitrary: fc.constant({ kind: "clear" as const }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant("since" as const),
      // seq = lastSeq - back, from a little past the newest to well before the oldest
      back: fc.integer({ min: -3, max: 3 * MAX_CAPACITY }),
      half: fc.boolean(),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("latest" as const),
      count: fc.integer({ min: -2, max: 2 * MAX_CAPACITY + 2 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("runs" as const),
      from: fc.integer({ min: -2, max: MAX_CAPACITY + 2 }),
    }),
    weight: 2,
  },
);

interface ModelPoint {
  seq: number;
  x: number;
  y: number;
}

/** The obvious implementation: every point since the last clear, in an array that only grows. */
class Model {
  lastSeq = 0;
  sinceClear: ModelPoint[] = [];
  constructor(readonly capacity: number) {}

  push(n: number): ModelPoint[] {
    const batch: ModelPoint[] = [];
    for (let i = 0; i < n; i++) {
      const seq = ++this.lastSeq;
      // distinct per seq and per axis, so a misplaced or swapped value cannot pass unnoticed
      batch.push({ seq, x: seq + 0.25, y: -2 * seq - 0.5 });
    }
    this.sinceClear.push(...batch);
    return batch;
  }

  clear(): void {
    this.sinceClear = [];
  }

  held(): ModelPoint[] {
    return this.sinceClear.slice(-this.capacity);
  }
}

function xs(points: ModelPoint[]): number[] {
  return points.map((p) => p.x);
}
function ys(points: ModelPoint[]): number[] {
  return points.map((p) => p.y);
}

function assertRuns(
  runs: [Float64Array, Float64Array][],
  expected: ModelPoint[],
): void {
  assert.ok(runs.length <= 2, `${runs.length} runs`);
  for (const [x, y] of runs) {
    assert.ok(x.length > 0, "a run is never empty");
    assert.equal(x.length, y.length);
  }
  assert.deepEqual(runs.flatMap(([x]) => [...x]), xs(expected));
  assert.deepEqual(runs.flatMap(([, y]) => [...y]), ys(expected));
}

/** Checks everything the buffer exposes about its state against the model. */
function assertMatches(rb: RingBuffer, model: Model): void {
  const held = model.held();
  assert.equal(rb.size, held.length);
  assert.equal(rb.lastSeq, model.lastSeq);
  assert.equal(rb.firstSeq, rb.lastSeq - rb.size + 1);
  if (held.length > 0) assert.equal(rb.firstSeq, held[0].seq);
  const all = rb.latest(rb.size);
  assert.equal(all.seq, model.lastSeq);
  assert.deepEqual([...all.x], xs(held));
  assert.deepEqual([...all.y], ys(held));
  for (let i = 0; i < held.length; i++) {
    assert.equal(rb.xAt(i), held[i].x);
    assert.equal(rb.yAt(i), held[i].y);
  }
  // the zero-copy views show the same points as the copies
  assertRuns(rb.runs(), held);
}

Deno.test("ring buffer (property) - random pushes, clears and reads agree with an array model", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: MAX_CAPACITY }),
      fc.array(op, { maxLength: 40 }),
      (capacity, ops) => {
        const rb = new RingBuffer(capacity);
        const model = new Model(capacity);
        assertMatches(rb, model);
        for (const o of ops) {
          const before = rb.lastSeq;
          switch (o.kind) {
            case "push": {
              const batch = model.push(o.n);
              const x = xs(batch);
              const y = ys(batch);
              const last = o.typed
                ? rb.pushBatch(Float64Array.from(x), Float64Array.from(y))
                : rb.pushBatch(x, y);
              assert.equal(last, model.lastSeq);
              assert.equal(rb.lastSeq - before, o.n);
              break;
            }
            case "clear":
              rb.clear();
              model.clear();
              assert.equal(rb.lastSeq, before);
              break;
            case "since": {
              // half-way seqs check that "seq greater than s" also holds between integers
              const s = rb.lastSeq - o.back + (o.half ? 0.5 : 0);
              const got = rb.since(s);
              const want = model.held().filter((p) => p.seq > s);
              assert.equal(got.seq, model.lastSeq);
              assert.deepEqual([...got.x], xs(want));
              assert.deepEqual([...got.y], ys(want));
              break;
            }
            case "latest": {
              const got = rb.latest(o.count);
              const held = model.held();
              const want = o.count <= 0 ? [] : held.slice(-o.count);
              assert.equal(got.seq, model.lastSeq);
              assert.deepEqual([...got.x], xs(want));
              assert.deepEqual([...got.y], ys(want));
              break;
            }
            case "runs": {
              const held = model.held();
              const start = Math.max(0, Math.min(held.length, o.from));
              assertRuns(rb.runs(o.from), held.slice(start));
              break;
            }
          }
          assert.ok(rb.lastSeq >= before, "lastSeq never decreases");
          assertMatches(rb, model);
        }
      },
    ),
    RUNS,
  );
});

Deno.test("ring buffer (property) - one batch ends in the same state as its points pushed one by one", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: MAX_CAPACITY }),
      fc.array(fc.nat(2 * MAX_CAPACITY), { maxLength: 8 }),
      (capacity, lengths) => {
        const batched = new RingBuffer(capacity);
        const single = new RingBuffer(capacity);
        let next = 0;
        for (const n of lengths) {
          const x = Array.from({ length: n }, (_, i) => next + i);
          next += n;
          batched.pushBatch(
            Float64Array.from(x),
            Float64Array.from(x, (v) => -v),
          );
          for (const v of x) single.pushBatch([v], [-v]);
          assert.equal(batched.lastSeq, single.lastSeq);
          assert.equal(batched.size, single.size);
          assert.deepEqual(batched.latest(capacity), single.latest(capacity));
        }
      },
    ),
    RUNS,
  );
});
