// Signals and probes shared by the trigger tests (trigger, trigger_scanner, trigger_control);
// only tests import this module.
import { noise } from "./signals_testing.ts";
import { arraySamples, type Samples } from "./samples.ts";
import type { TriggerSpec } from "./trigger.ts";

export const RISING: TriggerSpec = {
  level: 0,
  edge: "rising",
  hysteresis: 0,
  holdoffX: 0,
};

/** `seconds` of a sine sampled at `rateHz`, from x = `startX`. */
export function sine(
  opts: {
    hz: number;
    rateHz: number;
    seconds: number;
    amplitude?: number;
    phase?: number;
    noise?: number;
    startX?: number;
  },
): { x: Float64Array; y: Float64Array } {
  const n = Math.round(opts.seconds * opts.rateHz);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const rand = noise(42);
  for (let i = 0; i < n; i++) {
    x[i] = (opts.startX ?? 0) + i / opts.rateHz;
    y[i] = (opts.amplitude ?? 1) *
        Math.sin(2 * Math.PI * opts.hz * x[i] + (opts.phase ?? 0)) +
      (opts.noise ?? 0) * rand();
  }
  return { x, y };
}

export function samplesOf(w: { x: Float64Array; y: Float64Array }): Samples {
  return arraySamples(w.x, w.y);
}

/** Counts reads, to check a function looks only at the tail it needs. */
export function counting(s: Samples): Samples & { reads: number } {
  const c = {
    reads: 0,
    get size() {
      return s.size;
    },
    xAt(i: number) {
      c.reads++;
      return s.xAt(i);
    },
    yAt(i: number) {
      c.reads++;
      return s.yAt(i);
    },
  };
  return c;
}
