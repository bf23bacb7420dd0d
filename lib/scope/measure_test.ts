import assert from "node:assert/strict";
import fc from "fast-check";
import { measure } from "./measure.ts";
import { arraySamples } from "./samples.ts";
import { noise, sampled } from "../../tests/fixtures/signals.ts";

function near(actual: number | null, expected: number, tolerance: number) {
  assert.ok(actual !== null, `expected ${expected}, got null`);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

Deno.test("measure - a sine's RMS is A/√2 and its peak-to-peak 2A", () => {
  for (const amplitude of [1, 3.3, 0.01]) {
    const m = measure(
      sampled(
        (x) => amplitude * Math.sin(2 * Math.PI * 50 * x + 0.2),
        1000,
        1000,
      ),
    )!;
    near(m.rms, amplitude / Math.SQRT2, 0.005 * amplitude / Math.SQRT2);
    // 20 samples per cycle can miss the crest by up to 1 - cos(π/20) ≈ 1.2%
    near(m.peakToPeak, 2 * amplitude, 0.025 * amplitude);
    near(m.mean, 0, 1e-9 * amplitude + 1e-12);
    assert.equal(m.count, 1000);
    assert.ok(m.max <= amplitude && m.min >= -amplitude);
  }
});

Deno.test("measure - an offset sine has that offset as its mean", () => {
  const m = measure(
    sampled((x) => 2.5 + Math.sin(2 * Math.PI * 50 * x), 1000, 1000),
  )!;
  near(m.mean, 2.5, 1e-9);
  near(m.max, 3.5, 1e-9);
  near(m.min, 1.5, 1e-9);
  near(m.peakToPeak, 2, 1e-9);
  near(m.rms, Math.sqrt(2.5 ** 2 + 0.5), 1e-9);
  near(m.frequency, 50, 0.05);
});

Deno.test("measure - a 50 Hz sine sampled at 1 kHz reads 50 Hz", () => {
  const m = measure(
    sampled((x) => Math.sin(2 * Math.PI * 50 * x + 0.7), 1000, 1000),
  )!;
  near(m.frequency, 50, 0.05);
  near(m.period, 0.02, 0.00002);
  near(m.dutyCycle, 0.5, 0.005);
});

Deno.test("measure - frequency stays accurate when it is not a divisor of the rate", () => {
  const m = measure(
    sampled((x) => Math.sin(2 * Math.PI * 37.3 * x + 0.1), 1000, 2000),
  )!;
  near(m.frequency, 37.3, 0.0373);
});

Deno.test("measure - hysteresis keeps a noisy sine at its frequency", () => {
  const rand = noise(7);
  const s = sampled(
    (x) => Math.sin(2 * Math.PI * 10 * x) + 0.1 * rand(),
    1000,
    2000,
  );
  const m = measure(s)!;
  near(m.frequency, 10, 0.1);
  near(m.dutyCycle, 0.5, 0.02);
  const bare = measure(s, undefined, undefined, { hysteresisFraction: 0 })!;
  assert.ok(bare.frequency! > 12, `without hysteresis: ${bare.frequency} Hz`);
});

Deno.test("measure - square wave duty cycles", () => {
  for (const duty of [0.25, 0.5, 0.75]) {
    // 10 Hz square, 1000 samples per period, 20 periods
    const m = measure(
      sampled((x) => ((x * 10) % 1 < duty ? 3 : -1), 10000, 20000),
    )!;
    near(m.dutyCycle, duty, 0.002);
    near(m.frequency, 10, 0.01);
    near(m.peakToPeak, 4, 0);
    near(m.mean, -1 + 4 * duty, 0.002);
  }
});

Deno.test("measure - fromX and toX restrict the range, inclusive", () => {
  // 5 Hz before x = 1, 20 Hz after
  const s = sampled(
    (x) =>
      x < 1
        ? Math.sin(2 * Math.PI * 5 * x)
        : 10 + Math.sin(2 * Math.PI * 20 * x),
    1000,
    2000,
  );
  const early = measure(s, 0, 0.999)!;
  near(early.frequency, 5, 0.01);
  near(early.mean, 0, 1e-6);
  assert.equal(early.count, 1000);
  const late = measure(s, 1, 1.999)!;
  near(late.frequency, 20, 0.02);
  near(late.mean, 10, 1e-6);
  assert.equal(measure(s, 0.5, 0.5)!.count, 1);
  assert.equal(measure(s, NaN, 0.0015)!.count, 2);
});

Deno.test("measure - nothing in range gives null", () => {
  assert.equal(measure(arraySamples([], [])), null);
  const s = arraySamples([0, 1, 2], [1, 2, 3]);
  assert.equal(measure(s, 5, 6), null);
  assert.equal(measure(s, 2, 1), null);
  assert.equal(measure(s, 0.2, 0.8), null);
});

Deno.test("measure - too few edges leave the timing fields null", () => {
  const flat = measure(arraySamples([0, 1, 2], [4, 4, 4]))!;
  assert.equal(flat.peakToPeak, 0);
  assert.equal(flat.rms, 4);
  assert.equal(flat.frequency, null);
  assert.equal(flat.period, null);
  assert.equal(flat.dutyCycle, null);
  const one = measure(arraySamples([0, 1, 2, 3], [0, 1, 0, 0]))!;
  assert.equal(one.frequency, null, "a single rising edge has no period");
  const two = measure(arraySamples([0, 1, 2, 3, 4], [0, 1, 0, 1, 0]))!;
  assert.equal(two.period, 2);
  assert.equal(two.frequency, 0.5);
  assert.equal(two.dutyCycle, 0.5);
});

Deno.test("measure - mean, rms, min and max match a direct computation (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
        minLength: 1,
        maxLength: 60,
      }),
      (ys) => {
        const m = measure(arraySamples(ys.map((_, i) => i), ys))!;
        const mean = ys.reduce((a, b) => a + b, 0) / ys.length;
        const rms = Math.sqrt(ys.reduce((a, b) => a + b * b, 0) / ys.length);
        assert.equal(m.count, ys.length);
        assert.equal(m.min, Math.min(...ys));
        assert.equal(m.max, Math.max(...ys));
        assert.ok(Math.abs(m.mean - mean) <= 1e-9 * (1 + Math.abs(mean)));
        assert.ok(Math.abs(m.rms - rms) <= 1e-9 * (1 + rms));
        if (m.dutyCycle !== null) {
          assert.ok(
            m.dutyCycle >= 0 && m.dutyCycle <= 1,
            `duty ${m.dutyCycle}`,
          );
          assert.ok(m.period! > 0);
        }
      },
    ),
    { numRuns: 300 },
  );
});
