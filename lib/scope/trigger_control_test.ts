import assert from "node:assert/strict";
import { RingBuffer } from "../shared/ring_buffer.ts";
import { findTriggers, type TriggerSpec } from "./trigger.ts";
import { TriggerControl } from "./trigger_control.ts";
import {
  counting,
  RISING,
  sine,
} from "../../tests/fixtures/trigger_signals.ts";

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
