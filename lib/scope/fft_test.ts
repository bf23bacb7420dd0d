import assert from "node:assert/strict";
import fc from "fast-check";
import {
  DB_FLOOR,
  fft,
  peakFrequency,
  spectralPeak,
  spectrum,
  WINDOW_NAMES,
} from "./fft.ts";
import { arraySamples } from "./samples.ts";
import { sampled } from "../../tests/fixtures/signals.ts";

const tone = (hz: number, amplitude = 1, phase = 0.4) => (x: number) =>
  amplitude * Math.sin(2 * Math.PI * hz * x + phase);

/** dB at the bin nearest to `hz`. */
function dbAt(sp: { db: Float64Array; binWidth: number }, hz: number): number {
  return sp.db[Math.round(hz / sp.binWidth)];
}

Deno.test("fft - an impulse has a flat spectrum", () => {
  const re = new Float64Array(64);
  const im = new Float64Array(64);
  re[0] = 1;
  fft(re, im);
  for (let k = 0; k < 64; k++) {
    assert.ok(
      Math.abs(re[k] - 1) < 1e-15 && Math.abs(im[k]) < 1e-15,
      `bin ${k}`,
    );
  }
});

Deno.test("fft - a delayed impulse keeps a flat magnitude", () => {
  const re = new Float64Array(16);
  const im = new Float64Array(16);
  re[3] = 2;
  fft(re, im);
  for (let k = 0; k < 16; k++) {
    assert.ok(Math.abs(Math.hypot(re[k], im[k]) - 2) < 1e-14, `bin ${k}`);
  }
});

Deno.test("fft - matches a direct DFT (property)", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 7 }).chain((p) =>
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), {
          minLength: 2 * (1 << p),
          maxLength: 2 * (1 << p),
        })
      ),
      (values) => {
        const n = values.length / 2;
        const re = Float64Array.from(values.slice(0, n));
        const im = Float64Array.from(values.slice(n));
        const inRe = re.slice();
        const inIm = im.slice();
        fft(re, im);
        for (let k = 0; k < n; k++) {
          let sr = 0;
          let si = 0;
          for (let j = 0; j < n; j++) {
            const a = (-2 * Math.PI * j * k) / n;
            sr += inRe[j] * Math.cos(a) - inIm[j] * Math.sin(a);
            si += inRe[j] * Math.sin(a) + inIm[j] * Math.cos(a);
          }
          assert.ok(Math.abs(re[k] - sr) < 1e-9 * n * 100, `re[${k}]`);
          assert.ok(Math.abs(im[k] - si) < 1e-9 * n * 100, `im[${k}]`);
        }
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("fft - rejects lengths that are not one power of two", () => {
  assert.throws(
    () => fft(new Float64Array(6), new Float64Array(6)),
    RangeError,
  );
  assert.throws(
    () => fft(new Float64Array(8), new Float64Array(4)),
    RangeError,
  );
  fft(new Float64Array(1), new Float64Array(1));
});

Deno.test("spectrum - a 50 Hz sine at 1 kHz peaks within one bin of 50 Hz", () => {
  const sp = spectrum(sampled(tone(50), 1000, 4096))!;
  assert.equal(sp.frequency.length, 2049);
  assert.ok(Math.abs(sp.binWidth - 1000 / 4096) < 1e-9);
  assert.equal(sp.frequency[2048], 500);
  const f = peakFrequency(sp);
  assert.ok(Math.abs(f - 50) < sp.binWidth, `peak at ${f} Hz`);
  // the parabola lands well inside the bin
  assert.ok(Math.abs(f - 50) < sp.binWidth / 20, `peak at ${f} Hz`);
});

Deno.test("spectrum - a sine of amplitude 2 peaks near 20 log10(2) dB", () => {
  const expected = 20 * Math.log10(2);
  const s = sampled(tone(50, 2), 1000, 4096);
  const tolerance = { hann: 1, blackman: 1.2, flattop: 0.1, rectangular: 4 };
  for (const window of WINDOW_NAMES) {
    const sp = spectrum(s, { window })!;
    const peak = spectralPeak(sp)!;
    assert.ok(
      Math.abs(peak.db - expected) < tolerance[window],
      `${window}: ${peak.db} dB`,
    );
    assert.ok(
      Math.abs(peak.frequency - 50) < sp.binWidth,
      `${window}: ${peak.frequency} Hz`,
    );
  }
  // on a bin centre the rectangular window is exact and leaks nothing
  const onBin = spectrum(sampled(tone(1000 * 100 / 1024, 2), 1000, 1024), {
    window: "rectangular",
  })!;
  assert.ok(Math.abs(onBin.db[100] - expected) < 1e-9, `${onBin.db[100]} dB`);
  assert.ok(onBin.db[101] < -200 && onBin.db[300] < -200);
});

Deno.test("spectrum - two tones show as two separate peaks", () => {
  const s = sampled((x) => tone(50)(x) + tone(120, 0.5, 1.1)(x), 1000, 4096);
  const sp = spectrum(s)!;
  assert.ok(Math.abs(dbAt(sp, 50) - 0) < 1.5, `50 Hz at ${dbAt(sp, 50)} dB`);
  assert.ok(
    Math.abs(dbAt(sp, 120) - 20 * Math.log10(0.5)) < 1.5,
    `120 Hz at ${dbAt(sp, 120)} dB`,
  );
  // deep valley between them, and the strongest is the 50 Hz one
  assert.ok(dbAt(sp, 85) < -60, `85 Hz at ${dbAt(sp, 85)} dB`);
  assert.ok(Math.abs(peakFrequency(sp) - 50) < sp.binWidth);
  // close tones (2 Hz apart, ~8 bins) are still resolved by the hann window
  const close = spectrum(
    sampled((x) => tone(50)(x) + tone(52)(x), 1000, 4096),
  )!;
  assert.ok(
    dbAt(close, 51) < dbAt(close, 50) - 6,
    "a dip between 50 and 52 Hz",
  );
});

Deno.test("spectrum - DC sits in bin 0 and does not hide the tone", () => {
  const sp = spectrum(sampled((x) => 5 + tone(50, 0.1)(x), 1000, 4096))!;
  assert.ok(
    Math.abs(sp.db[0] - 20 * Math.log10(5)) < 0.01,
    `DC ${sp.db[0]} dB`,
  );
  assert.ok(
    sp.db[1] < -60 && sp.db[2] < -60,
    "no DC leakage into the next bins",
  );
  assert.ok(Math.abs(peakFrequency(sp) - 50) < sp.binWidth);
  assert.equal(peakFrequency(sp, false), 0);
  const zero = spectrum(sampled(() => 0, 1000, 64))!;
  assert.ok(zero.db.every((v) => v === DB_FLOOR));
});

Deno.test("spectrum - unevenly sampled input is resampled onto a uniform grid", () => {
  let seed = 1;
  const jitter = () =>
    ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.4e-3;
  const x = Float64Array.from(
    { length: 4000 },
    (_, i) => i / 1000 + (i > 0 ? jitter() : 0),
  );
  const s = arraySamples(x, x.map(tone(50)));
  const sp = spectrum(s)!;
  assert.ok(Math.abs(peakFrequency(sp) - 50) < sp.binWidth);
  assert.ok(Math.abs(spectralPeak(sp)!.db) < 1.5);
});

Deno.test("spectrum - uses the newest maxPoints samples within fromX..toX", () => {
  // 50 Hz for the first 2 s, 200 Hz for the last 2 s
  const s = sampled((x) => x < 2 ? tone(50)(x) : tone(200)(x), 1000, 4000);
  const newest = spectrum(s, { maxPoints: 1024 })!;
  assert.ok(Math.abs(newest.binWidth - 1000 / 1024) < 1e-9);
  assert.ok(Math.abs(peakFrequency(newest) - 200) < newest.binWidth);
  const early = spectrum(s, { toX: 1.999, maxPoints: 1024 })!;
  assert.ok(Math.abs(peakFrequency(early) - 50) < early.binWidth);
  const ranged = spectrum(s, { fromX: 0.5, toX: 1.5 })!;
  // 1001 samples, zero-padded to 1024 points
  assert.equal(ranged.frequency.length, 513);
  assert.ok(Math.abs(peakFrequency(ranged) - 50) < ranged.binWidth);
  // maxPoints rounds down to a power of two
  assert.equal(spectrum(s, { maxPoints: 3000 })!.frequency.length, 1025);
});

Deno.test("spectrum - too little data gives null", () => {
  assert.equal(spectrum(arraySamples([], [])), null);
  assert.equal(spectrum(arraySamples([1], [1])), null);
  assert.equal(spectrum(arraySamples([1, 1, 1], [1, 2, 3])), null);
  const s = sampled(tone(50), 1000, 100);
  assert.equal(spectrum(s, { fromX: 5 }), null);
  assert.ok(spectrum(arraySamples([0, 1], [0, 1])) !== null);
});

Deno.test("spectral peak - a clean tone reads to 0.1 % with every window, between bins or on one", () => {
  for (const window of WINDOW_NAMES) {
    for (
      const [hz, n] of [[50, 1000], [52.96, 4096], [50, 300], [123.4, 16384]]
    ) {
      const sp = spectrum(sampled(tone(hz), 1000, n), {
        window,
        maxPoints: 16384,
      })!;
      const peak = spectralPeak(sp)!;
      assert.ok(
        Math.abs(peak.frequency - hz) <= 0.001 * hz,
        `${window}, ${hz} Hz over ${n} samples: read ${peak.frequency}`,
      );
      // and the amplitude (1 V: 0 dB) to a few tenths of a dB, scalloping removed
      assert.ok(Math.abs(peak.db) < 0.3, `${window} ${hz} Hz: ${peak.db} dB`);
    }
  }
});
