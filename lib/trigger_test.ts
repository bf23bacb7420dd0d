import assert from "node:assert/strict";
import fc from "fast-check";
import { RingBuffer } from "./ring_buffer.ts";
import { arraySamples, type Samples } from "./samples.ts";
import {
  findTriggers,
  latestSweep,
  TriggerControl,
  TriggerScanner,
  type TriggerSpec,
} from "./trigger.ts";

const RISING: TriggerSpec = {
  level: 0,
  edge: "rising",
  hysteresis: 0,
  holdoffX: 0,
};

/** Deterministic uniform noise in [-1, 1) (mulberry32), so failures reproduce. */
function noise(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  };
}

/** `seconds` of a sine sampled at `rateHz`, from x = `startX`. */
function sine(
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

function samplesOf(w: { x: Float64Array; y: Float64Array }): Samples {
  return arraySamples(w.x, w.y);
}

/** Counts reads, to check a function looks only at the tail it needs. */
function counting(s: Samples): Samples & { reads: number } {
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

Deno.test("trigger - the scanner fed in pieces finds what one full scan finds (property)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 120 }),
      fc.array(fc.integer({ min: 1, max: 20 }), {
        minLength: 1,
        maxLength: 20,
      }),
      fc.integer({ min: 0, max: 6 }),
      (ys, pieces, holdoffX) => {
        const spec: TriggerSpec = {
          level: 0.5,
          edge: "rising",
          hysteresis: 1,
          holdoffX,
        };
        const ring = new RingBuffer(1000);
        const scanner = new TriggerScanner();
        let i = 0;
        for (let p = 0; i < ys.length; p++) {
          const n = Math.min(pieces[p % pieces.length], ys.length - i);
          ring.pushBatch(
            ys.slice(i, i + n).map((_, k) => i + k),
            ys.slice(i, i + n),
          );
          i += n;
          scanner.update(ring, spec);
        }
        assert.deepEqual(scanner.triggers(), findTriggers(ring, spec));
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("trigger - the scanner starts over on a new spec or when x goes back", () => {
  const scanner = new TriggerScanner();
  const a = samplesOf(
    sine({ hz: 50, rateHz: 1000, seconds: 0.2, phase: -0.3 }),
  );
  scanner.update(a, RISING);
  assert.equal(scanner.triggers().length, 10);
  scanner.update(a, { ...RISING, edge: "falling" });
  assert.deepEqual(
    scanner.triggers(),
    findTriggers(a, { ...RISING, edge: "falling" }),
  );
  const ring = new RingBuffer(100);
  ring.pushBatch([0, 1, 2, 3], [-1, 1, -1, 1]);
  scanner.update(ring, RISING);
  assert.deepEqual(scanner.triggers(), [0.5, 2.5]);
  ring.clear();
  ring.pushBatch([0, 1], [-1, 1]);
  scanner.update(ring, RISING);
  assert.deepEqual(scanner.triggers(), [0.5]);
  // triggers that fell out of the ring are forgotten
  const small = new RingBuffer(4);
  small.pushBatch([0, 1, 2, 3], [-1, 1, -1, 1]);
  scanner.update(small, RISING);
  small.pushBatch([4, 5], [-1, 1]);
  scanner.update(small, RISING);
  assert.deepEqual(scanner.triggers(), [2.5, 4.5]);
  assert.equal(scanner.newest(0, 4), 2.5);
  assert.equal(scanner.newest(3, 4), null);
  assert.equal(scanner.firstAfter(2.5, 0), 4.5);
  assert.equal(scanner.firstAfter(4.5, 0), null);
  // more arrived than the ring holds: the holdoff from before the gap no longer applies
  const held = { ...RISING, holdoffX: 100 };
  const gap = new RingBuffer(4);
  gap.pushBatch([0, 1, 2, 3], [-1, 1, -1, -1]);
  scanner.update(gap, held);
  assert.deepEqual(scanner.triggers(), [0.5]);
  gap.pushBatch([4, 5, 6, 7, 8, 9], [-1, 1, -1, 1, -1, 1]);
  scanner.update(gap, held);
  assert.deepEqual(scanner.triggers(), findTriggers(gap, held));
  assert.deepEqual(scanner.triggers(), [6.5]);
});

/** Streams a waveform into a ring in 10 ms frames and steps the control once per frame. */
function stream(
  control: TriggerControl,
  ring: RingBuffer,
  wave: (x: number) => number,
  opts: { fromX: number; frames: number; startMs: number; spec?: TriggerSpec },
) {
  const out = [];
  const rateHz = 1000;
  let x = opts.fromX;
  for (let f = 0; f < opts.frames; f++) {
    const xs = [];
    const ys = [];
    for (let k = 0; k < 10; k++) {
      xs.push(x);
      ys.push(wave(x));
      x += 1 / rateHz;
    }
    ring.pushBatch(xs, ys);
    out.push(
      control.step(ring, opts.spec ?? RISING, 0.05, 0.5, opts.startMs + 10 * f),
    );
  }
  return { decisions: out, nextX: x };
}

const sine50 = (x: number) => Math.sin(2 * Math.PI * 50 * x + 0.3);
const flat = (_x: number) => -0.5;

Deno.test("trigger control - auto shows triggered sweeps and free-runs after the timeout", () => {
  const control = new TriggerControl();
  assert.equal(control.mode, "auto");
  assert.equal(control.running, true);
  const ring = new RingBuffer(10_000);
  const live = stream(control, ring, sine50, {
    fromX: 0,
    frames: 30,
    startMs: 0,
  });
  const triggered = live.decisions.filter((d) => d.startX !== null);
  assert.ok(triggered.length > 10);
  for (const d of triggered) {
    assert.equal(d.status, "trig'd");
    // every sweep starts a quarter period... i.e. the trigger (rising zero) is mid-window
    const t = d.startX! + 0.025;
    assert.ok(
      Math.abs(sine50(t)) < 1e-3,
      `sweep at ${d.startX} is not on an edge`,
    );
  }
  // the signal stops crossing: 200 ms later the scope free-runs on the newest data
  const dead = stream(control, ring, flat, {
    fromX: live.nextX,
    frames: 40,
    startMs: 300,
  });
  // edges from the last 25 ms of the sine complete their sweeps in the first frames
  const quiet = dead.decisions.slice(3, 15);
  assert.ok(quiet.every((d) => d.startX === null && d.status === "trig'd"));
  const last = dead.decisions.at(-1)!;
  assert.equal(last.status, "auto");
  assert.ok(Math.abs(last.startX! - (ring.xAt(ring.size - 1) - 0.05)) < 1e-9);
  // and locks again as soon as there are edges
  const back = stream(control, ring, sine50, {
    fromX: dead.nextX,
    frames: 10,
    startMs: 800,
  });
  assert.ok(
    back.decisions.some((d) => d.status === "trig'd" && d.startX !== null),
  );
});

Deno.test("trigger control - with no trigger auto free-runs but normal keeps the old sweep", () => {
  const auto = new TriggerControl({ autoTimeoutMs: 100 });
  const normal = new TriggerControl({ autoTimeoutMs: 100 });
  normal.mode = "normal";
  const ringA = new RingBuffer(10_000);
  const ringN = new RingBuffer(10_000);
  const a = stream(auto, ringA, flat, { fromX: 0, frames: 30, startMs: 0 });
  const n = stream(normal, ringN, flat, { fromX: 0, frames: 30, startMs: 0 });
  assert.deepEqual(a.decisions[0], { startX: null, status: "ready" });
  assert.ok(
    a.decisions.slice(10).every((d) =>
      d.status === "auto" && d.startX !== null
    ),
  );
  assert.ok(
    n.decisions.every((d) => d.startX === null && d.status === "ready"),
  );
  // normal: a sweep, then the signal dies; the sweep stays until a new trigger
  const normal2 = new TriggerControl({ autoTimeoutMs: 100 });
  normal2.mode = "normal";
  const ring = new RingBuffer(10_000);
  const live = stream(normal2, ring, sine50, {
    fromX: 0,
    frames: 20,
    startMs: 0,
  });
  assert.ok(
    live.decisions.some((d) => d.startX !== null && d.status === "trig'd"),
  );
  const dead = stream(normal2, ring, flat, {
    fromX: live.nextX,
    frames: 30,
    startMs: 200,
  });
  assert.ok(dead.decisions.slice(3).every((d) => d.startX === null));
  assert.equal(dead.decisions.at(-1)!.status, "ready");
});

Deno.test("trigger control - single captures the first trigger after arming, then stops", () => {
  const control = new TriggerControl();
  const ring = new RingBuffer(10_000);
  // history full of edges, then a flat signal: none of the old edges may be captured
  const before = stream(control, ring, sine50, {
    fromX: 0,
    frames: 10,
    startMs: 0,
  });
  const quiet = stream(control, ring, flat, {
    fromX: before.nextX,
    frames: 10,
    startMs: 100,
  });
  control.single();
  assert.equal(control.mode, "single");
  const waiting = stream(control, ring, flat, {
    fromX: quiet.nextX,
    frames: 10,
    startMs: 200,
  });
  assert.ok(
    waiting.decisions.every((d) => d.startX === null && d.status === "ready"),
  );
  const armedAt = ring.xAt(ring.size - 1);
  const live = stream(control, ring, sine50, {
    fromX: waiting.nextX,
    frames: 10,
    startMs: 300,
  });
  const captured = live.decisions.filter((d) => d.startX !== null);
  assert.equal(captured.length, 1);
  assert.equal(captured[0].status, "trig'd");
  const t = captured[0].startX! + 0.025;
  // the first rising edge after the signal came back, not a later one
  const first = findTriggers(ring, RISING).find((x) => x > armedAt)!;
  assert.ok(Math.abs(t - first) < 1e-12, `captured ${t}, first edge ${first}`);
  assert.equal(control.running, false);
  const after = live.decisions.slice(live.decisions.indexOf(captured[0]) + 1);
  assert.ok(after.every((d) => d.startX === null && d.status === "stopped"));
  // run() with mode single arms another capture
  control.run();
  const again = stream(control, ring, sine50, {
    fromX: live.nextX,
    frames: 10,
    startMs: 400,
  });
  assert.equal(again.decisions.filter((d) => d.startX !== null).length, 1);
});

Deno.test("trigger control - single armed on an empty buffer takes the first trigger", () => {
  const control = new TriggerControl();
  const ring = new RingBuffer(10_000);
  control.single();
  assert.deepEqual(control.step(ring, RISING, 0.05, 0.5, 0), {
    startX: null,
    status: "ready",
  });
  const live = stream(control, ring, sine50, {
    fromX: 0,
    frames: 10,
    startMs: 10,
  });
  const captured = live.decisions.filter((d) => d.startX !== null);
  assert.equal(captured.length, 1);
  const first = findTriggers(ring, RISING).find((t) => t - 0.025 >= 0)!;
  assert.ok(Math.abs(captured[0].startX! + 0.025 - first) < 1e-12);
});

Deno.test("trigger control - stopped shows nothing new until run", () => {
  const control = new TriggerControl();
  const ring = new RingBuffer(10_000);
  control.stop();
  const stopped = stream(control, ring, sine50, {
    fromX: 0,
    frames: 20,
    startMs: 0,
  });
  assert.ok(
    stopped.decisions.every((d) => d.startX === null && d.status === "stopped"),
  );
  control.run();
  const d = control.step(ring, RISING, 0.05, 0.5, 500);
  assert.equal(d.status, "trig'd");
  assert.notEqual(d.startX, null);
});

Deno.test("trigger control - a mode change re-arms and the same trigger is not shown twice", () => {
  const control = new TriggerControl();
  const ring = new RingBuffer(10_000);
  const wave = sine({ hz: 5, rateHz: 1000, seconds: 1, phase: 0.3 });
  ring.pushBatch(wave.x, wave.y);
  const first = control.step(ring, RISING, 0.05, 0.5, 0);
  assert.equal(first.status, "trig'd");
  assert.notEqual(first.startX, null);
  // no new data: the sweep stays, labelled trig'd until the timeout, then auto
  assert.deepEqual(control.step(ring, RISING, 0.05, 0.5, 50), {
    startX: null,
    status: "trig'd",
  });
  assert.equal(control.step(ring, RISING, 0.05, 0.5, 250).status, "auto");
  control.mode = "normal";
  assert.deepEqual(control.step(ring, RISING, 0.05, 0.5, 300), first);
  assert.deepEqual(control.step(ring, RISING, 0.05, 0.5, 600), {
    startX: null,
    status: "ready",
  });
});

Deno.test("trigger control - a bad timeout falls back to 200 ms", () => {
  assert.equal(new TriggerControl().autoTimeoutMs, 200);
  assert.equal(new TriggerControl({ autoTimeoutMs: -1 }).autoTimeoutMs, 200);
  assert.equal(new TriggerControl({ autoTimeoutMs: NaN }).autoTimeoutMs, 200);
  assert.equal(new TriggerControl({ autoTimeoutMs: 0 }).autoTimeoutMs, 0);
});

Deno.test("trigger control - each frame reads only the new samples of a 100k buffer", () => {
  const ring = new RingBuffer(100_000);
  const control = new TriggerControl();
  const counted = counting(ring);
  const chunk = (from: number, n: number, wave: (x: number) => number) => {
    const xs = Array.from({ length: n }, (_, k) => (from + k) / 10_000);
    ring.pushBatch(xs, xs.map(wave));
  };
  chunk(0, 100_000, flat);
  control.step(counted, RISING, 0.05, 0.5, 0);
  for (let f = 1; f <= 10; f++) {
    chunk(100_000 + 100 * (f - 1), 100, flat);
    counted.reads = 0;
    const d = control.step(counted, RISING, 0.05, 0.5, 20 * f);
    assert.ok(counted.reads < 1000, `frame ${f}: ${counted.reads} reads`);
    assert.equal(d.status, f * 20 >= 200 ? "auto" : "ready");
  }
});
