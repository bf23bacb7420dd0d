// Signals for the tests of the measurement, trigger and FFT modules; only tests import this.
import { arraySamples, type Samples } from "./samples.ts";

/** Deterministic uniform noise in [-1, 1) (mulberry32), so failures reproduce. */
export function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** n samples of `wave(x)` at `rateHz`, x from 0. */
export function sampled(
  wave: (x: number) => number,
  rateHz: number,
  n: number,
): Samples {
  const x = Float64Array.from({ length: n }, (_, i) => i / rateHz);
  return arraySamples(x, x.map(wave));
}
