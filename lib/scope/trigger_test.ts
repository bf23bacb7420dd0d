import assert from "node:assert/strict";
import fc from "fast-check";
import { RingBuffer } from "../shared/ring_buffer.ts";
import { arraySamples } from "./samples.ts";
import { findTriggers, hysteresisFor, latestSweep } from "./trigger.ts";
import {
  counting,
  RISING,
  samplesOf,
  sine,
} from "../../tests/fixtures/trigger_signals.ts";

Deno.test("trigger - a clean sine triggers once per cycle on either edge, at the crossing", () => {
  // 10 cycles of 50 Hz; phase -0.3 so no sample sits exactly on the level
  const s = samplesOf(
    sine({ hz: 50, rateHz: 1000, seconds: 0.2, phase: -0.3 }),
  );
  const rising = findTriggers(s, RISING);
  assert.equal(rising.length, 10);
  rising.forEach((t, k) => {
    const exact = (2 * Math.PI * k + 0.3) / (2 * Math.PI * 50);
    assert.ok(Math.abs(t - exact) < 1e-5, `rising ${k} at ${t}, not ${exact}`);
  });
  const falling = findTriggers(s, { ...RISING, edge: "falling" });
  assert.equal(falling.length, 10);
  falling.forEach((t, k) => {
    const exact = (Math.PI * (2 * k + 1) + 0.3) / (2 * Math.PI * 50);
    assert.ok(Math.abs(t - exact) < 1e-5, `falling ${k} at ${t}, not ${exact}`);
  });
});

Deno.test("trigger - the crossing is interpolated between the two samples", () => {
  const s = arraySamples([0, 1, 2, 3], [0, 0, 4, 0]);
  assert.deepEqual(findTriggers(s, { ...RISING, level: 1, hysteresis: 0.5 }), [
    1.25,
  ]);
  assert.deepEqual(findTriggers(s, { ...RISING, level: 1, edge: "falling" }), [
    2.75,
  ]);
});

Deno.test("trigger - a level off centre fires at the matching phase", () => {
  const s = samplesOf(sine({ hz: 1, rateHz: 10000, seconds: 3, phase: -0.1 }));
  const t = findTriggers(s, { ...RISING, level: 0.5 });
  assert.equal(t.length, 3);
  // sin(phase) = 0.5 at phase π/6
  const first = (Math.PI / 6 + 0.1) / (2 * Math.PI);
  assert.ok(Math.abs(t[0] - first) < 1e-6, `${t[0]} vs ${first}`);
});

Deno.test("trigger - hysteresis gives one trigger per cycle on a noisy sine, none gives more", () => {
  // 10 Hz at 1 kHz: the signal moves ~0.06 per sample at the crossing, noise is ±0.1
  const s = samplesOf(
    sine({ hz: 10, rateHz: 1000, seconds: 1, phase: 0.3, noise: 0.1 }),
  );
  for (const edge of ["rising", "falling"] as const) {
    const clean = findTriggers(s, { ...RISING, edge, hysteresis: 0.3 });
    assert.equal(clean.length, 10, `${edge}: ${clean.length} triggers`);
    for (let k = 1; k < clean.length; k++) {
      const gap = clean[k] - clean[k - 1];
      assert.ok(Math.abs(gap - 0.1) < 0.01, `${edge}: period ${gap}`);
    }
    const jittery = findTriggers(s, { ...RISING, edge });
    assert.ok(
      jittery.length > 10,
      `${edge}: only ${jittery.length} without hysteresis`,
    );
  }
});

Deno.test("trigger - holdoff suppresses triggers until x has advanced that far", () => {
  const s = samplesOf(
    sine({ hz: 50, rateHz: 1000, seconds: 0.2, phase: -0.3 }),
  );
  const all = findTriggers(s, RISING);
  assert.equal(all.length, 10);
  // 1.25 periods: every other edge is inside the holdoff
  const held = findTriggers(s, { ...RISING, holdoffX: 0.025 });
  assert.equal(held.length, 5);
  assert.deepEqual(held, all.filter((_, k) => k % 2 === 0));
  // a signal that is still high when the holdoff ends needs a new edge
  const step = arraySamples([0, 1, 2, 3, 4, 5, 6], [-1, 1, 1, 1, 1, -1, 1]);
  assert.deepEqual(findTriggers(step, { ...RISING, holdoffX: 2 }), [0.5, 5.5]);
  assert.deepEqual(findTriggers(step, { ...RISING, holdoffX: 6 }), [0.5]);
});

Deno.test("trigger - a range scan sees arming that happened before it", () => {
  const s = samplesOf(sine({ hz: 10, rateHz: 1000, seconds: 1, noise: 0.1 }));
  const spec = { ...RISING, hysteresis: 0.3 };
  const all = findTriggers(s, spec);
  for (const [from, to] of [[0, 1000], [130, 700], [101, 102], [500, 500]]) {
    const part = findTriggers(s, spec, from, to);
    const expected = all.filter((t) =>
      t > s.xAt(from - 1 < 0 ? 0 : from - 1) && t <= s.xAt(to - 1)
    );
    assert.deepEqual(part, expected, `[${from}, ${to})`);
  }
  assert.deepEqual(findTriggers(s, spec, 5000, 6000), []);
  assert.deepEqual(findTriggers(arraySamples([], []), spec), []);
});

Deno.test("trigger - latestSweep returns the newest trigger whose window is covered", () => {
  const s = samplesOf(sine({ hz: 50, rateHz: 1000, seconds: 1, phase: 0.3 }));
  const all = findTriggers(s, RISING);
  const first = s.xAt(0);
  const last = s.xAt(s.size - 1);
  for (const pre of [0, 0.1, 0.5, 0.9, 1]) {
    for (const span of [0.004, 0.05, 0.3, 0.99]) {
      const t = latestSweep(s, RISING, span, pre);
      const fits = all.filter((c) =>
        c - pre * span >= first && c + (1 - pre) * span <= last
      );
      assert.equal(
        t,
        fits.length > 0 ? fits[fits.length - 1] : null,
        `pre ${pre} span ${span}`,
      );
      if (t !== null) {
        assert.ok(t - pre * span >= first);
        assert.ok(t + (1 - pre) * span <= last);
      }
    }
  }
  assert.equal(
    latestSweep(s, RISING, 2, 0.5),
    null,
    "span wider than the data",
  );
  assert.equal(latestSweep(s, { ...RISING, level: 5 }, 0.1, 0.5), null);
  assert.equal(latestSweep(s, RISING, 0, 0.5), null);
  assert.equal(latestSweep(s, RISING, NaN, 0.5), null);
  assert.equal(latestSweep(arraySamples([1], [1]), RISING, 0.1, 0.5), null);
});

Deno.test("trigger - arming long before the scanned window still counts", () => {
  // armed at the start, then 990 samples inside the hysteresis band, then one rising edge
  const y = Array.from(
    { length: 1011 },
    (_, i) => i < 10 ? -1 : i < 1000 ? -0.1 : 1,
  );
  const s = arraySamples(y.map((_, i) => i), y);
  const spec = { ...RISING, hysteresis: 0.5 };
  assert.deepEqual(findTriggers(s, spec), [999.0909090909091]);
  assert.deepEqual(findTriggers(s, spec, 998), [999.0909090909091]);
  // the search must widen past several windows and still see the arming at the start
  assert.equal(latestSweep(s, spec, 500, 1), 999.0909090909091);
  assert.equal(latestSweep(s, spec, 10, 0.5), 999.0909090909091);
  // a new edge inside the band does not arm
  assert.deepEqual(findTriggers(s, spec, 500), [999.0909090909091]);
  assert.deepEqual(findTriggers(s, { ...spec, hysteresis: 2 }), []);
});

Deno.test("trigger - latestSweep widens its search for an old trigger, and stops at tMin", () => {
  // one edge near the start, then a long flat top
  const y = Array.from({ length: 2001 }, (_, i) => i < 100 ? -1 : 1);
  const s = arraySamples(y.map((_, i) => i), y);
  assert.equal(latestSweep(s, RISING, 10, 0.5), 99.5);
  // no edge at all: the search gives up once it is past tMin instead of reading everything
  const ring = new RingBuffer(10_000);
  const xs = Array.from({ length: 10_000 }, (_, i) => i);
  ring.pushBatch(xs, xs.map(() => -0.5));
  const counted = counting(ring);
  assert.equal(latestSweep(counted, RISING, 8000, 1), null);
  assert.ok(counted.reads < 20_000, `${counted.reads} reads`);
});

Deno.test("trigger - latestSweep clamps preFraction", () => {
  const s = samplesOf(sine({ hz: 50, rateHz: 1000, seconds: 1, phase: 0.3 }));
  assert.equal(latestSweep(s, RISING, 0.1, 7), latestSweep(s, RISING, 0.1, 1));
  assert.equal(latestSweep(s, RISING, 0.1, -2), latestSweep(s, RISING, 0.1, 0));
});

Deno.test("trigger - latestSweep reads only the tail of a 100k buffer", () => {
  const ring = new RingBuffer(100_000);
  const w = sine({ hz: 50, rateHz: 10_000, seconds: 12, phase: 0.3 });
  ring.pushBatch(w.x, w.y);
  const s = counting(ring);
  const t = latestSweep(s, RISING, 0.05, 0.5);
  assert.ok(t !== null);
  assert.ok(s.reads < 10_000, `${s.reads} reads`);
  const last = ring.xAt(ring.size - 1);
  assert.equal(
    t,
    findTriggers(ring, RISING).filter((c) => c + 0.025 <= last).at(-1),
  );
});

Deno.test("trigger - latestSweep with a holdoff agrees with a full scan", () => {
  const s = samplesOf(
    sine({ hz: 50, rateHz: 1000, seconds: 2, phase: 0.3, noise: 0.05 }),
  );
  for (const holdoffX of [0.025, 0.045, 0.13]) {
    const spec = { ...RISING, hysteresis: 0.2, holdoffX };
    const span = 0.02;
    const last = s.xAt(s.size - 1);
    const fits = findTriggers(s, spec).filter((t) => t + span / 2 <= last);
    assert.equal(
      latestSweep(s, spec, span, 0.5),
      fits.at(-1),
      `holdoff ${holdoffX}`,
    );
  }
});

Deno.test("trigger - latestSweep equals the filtered full scan (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -5, max: 5 }), {
        minLength: 2,
        maxLength: 80,
      }),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(0, 1, 2),
      fc.constantFrom<"rising" | "falling">("rising", "falling"),
      fc.integer({ min: 1, max: 30 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(0, 0, 2.5, 7),
      (ys, level, hysteresis, edge, span, pre, holdoffX) => {
        const xs = ys.map((_, i) => i);
        const s = arraySamples(xs, ys);
        const spec = { level: level + 0.5, edge, hysteresis, holdoffX };
        const fits = findTriggers(s, spec).filter((t) =>
          t - pre * span >= 0 && t + (1 - pre) * span <= xs.length - 1
        );
        assert.equal(latestSweep(s, spec, span, pre), fits.at(-1) ?? null);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("trigger - hysteresis is the 1-2-5 value at or above 2 % of the swing, 0 when flat", () => {
  assert.equal(hysteresisFor(2), 0.05); // 2 % of 2 V is 40 mV: 50 mV
  assert.equal(hysteresisFor(10), 0.2);
  assert.equal(hysteresisFor(0.5), 0.01);
  assert.equal(hysteresisFor(0), 0);
});
