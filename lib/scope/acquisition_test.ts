import assert from "node:assert/strict";
import { Acquisition, fitWindow } from "./acquisition.ts";
import { RingBuffer } from "../shared/ring_buffer.ts";
import { Trace } from "./trace.ts";
import { defaultView, type ViewState } from "./view_state.ts";

/** `n` samples of a 5 Hz sine at 1 kHz from x = `x0`, as a trace would hold them. */
function sine(trace: Trace, x0: number, n: number): void {
  const x = Array.from({ length: n }, (_, i) => x0 + i / 1000);
  const y = x.map((t) => Math.sin(2 * Math.PI * 5 * t));
  trace.append(trace.lastSeq + n, x, y);
}

function view(patch: Partial<ViewState> = {}): ViewState {
  return { ...defaultView(), ...patch };
}

const NO_EXTRAS = { hysteresis: 0.01 };

/** One step of a stopped scope at `nowMs`; `dataChanged` as the runtime would say. */
function stepStopped(
  acq: Acquisition,
  traces: Map<string, Trace>,
  dataChanged: boolean,
  nowMs: number,
) {
  return acq.step(
    traces,
    view({ running: false }),
    NO_EXTRAS,
    dataChanged,
    0,
    nowMs,
  );
}

Deno.test("acquisition - rolling shows the newest span of the live trace", () => {
  const acq = new Acquisition();
  const trace = new Trace(10_000);
  sine(trace, 0, 2000);
  const traces = new Map([["a", trace]]);
  const shown = acq.step(
    traces,
    view({ timePerDiv: 0.1 }),
    NO_EXTRAS,
    true,
    0,
    0,
  );
  assert.equal(shown.status, "roll");
  assert.equal(shown.follow, true);
  assert.equal(shown.record.get("a"), trace.ring, "the live ring, not a copy");
  assert.ok(shown.window !== null);
  assert.ok(Math.abs(shown.window.to - 1.999) < 1e-9);
  assert.ok(Math.abs(shown.window.to - shown.window.from - 1) < 1e-9);
});

Deno.test("acquisition - Stop holds a copy that new points do not change", () => {
  const acq = new Acquisition();
  const trace = new Trace(1000);
  sine(trace, 0, 1000);
  const traces = new Map([["a", trace]]);
  acq.step(traces, view(), NO_EXTRAS, true, 0, 0);
  const stopped = stepStopped(acq, traces, false, 16);
  assert.equal(stopped.status, "stop");
  const held = stopped.record.get("a")!;
  assert.notEqual(held, trace.ring);
  const newest = held.xAt(held.size - 1);
  // a whole ring of new points arrives: the held capture is unchanged
  sine(trace, 1, 1000);
  const later = stepStopped(acq, traces, true, 32);
  assert.equal(
    later.record.get("a")!.xAt(later.record.get("a")!.size - 1),
    newest,
  );
  assert.equal(later.changed, false);
});

Deno.test("acquisition - a capture held from a reduced snapshot stays marked after every sample arrives", () => {
  const acq = new Acquisition();
  const trace = new Trace(1000);
  // a joining page's snapshot: bucket extremes all the way to its newest x
  const x = Array.from({ length: 1000 }, (_, i) => i / 1000);
  const y = x.map((t) => Math.sin(2 * Math.PI * 5 * t));
  trace.replace(1000, x, y, true);
  const traces = new Map([["a", trace]]);
  const live = acq.step(traces, view(), NO_EXTRAS, true, 0, 0);
  assert.equal(
    live.reducedToX.get("a"),
    0.999,
    "the live record is an estimate",
  );
  const stopped = stepStopped(acq, traces, false, 16);
  // every sample arrives after the stop: the live trace is exact, the held copy is not
  trace.refine(1000, x, y);
  assert.equal(trace.reducedToX, -Infinity);
  const held = stepStopped(acq, traces, true, 32);
  assert.equal(held.record, stopped.record, "the same capture");
  assert.equal(
    held.reducedToX.get("a"),
    0.999,
    "still the snapshot's extremes",
  );
  // Run again: the live record, every sample
  const running = acq.step(traces, view(), NO_EXTRAS, false, 0, 48);
  assert.equal(running.reducedToX.get("a"), -Infinity);
});

Deno.test("acquisition - a triggered sweep counts x from a rising zero crossing", () => {
  const acq = new Acquisition();
  const trace = new Trace(10_000);
  sine(trace, 0, 3000);
  const traces = new Map([["a", trace]]);
  const v = view({
    roll: false,
    timePerDiv: 0.02,
    trigger: { ...defaultView().trigger, enabled: true, source: "a" },
  });
  const shown = acq.step(traces, v, NO_EXTRAS, true, 0, 0);
  assert.equal(shown.status, "trig'd");
  assert.ok(shown.triggerX !== null);
  // 5 Hz rising zero crossings fall on multiples of 0.2 s
  const k = Math.round(shown.triggerX / 0.2);
  assert.ok(Math.abs(shown.triggerX - 0.2 * k) < 0.002, `${shown.triggerX}`);
  assert.equal(shown.origin, shown.triggerX);
});

Deno.test("acquisition - a triggered sweep ends where a lagging channel has samples too", () => {
  const acq = new Acquisition();
  const a = new Trace(10_000);
  const b = new Trace(10_000);
  sine(a, 0, 3000);
  // started 0.35 s later: its newest x is 0.35 s behind, and its points are arriving
  sine(b, 0, 2650);
  a.receivedAtMs = b.receivedAtMs = 0;
  const traces = new Map([["a", a], ["b", b]]);
  const v = view({
    roll: false,
    timePerDiv: 0.002,
    trigger: { ...defaultView().trigger, enabled: true, source: "a" },
  });
  const shown = acq.step(traces, v, NO_EXTRAS, true, 0, 0);
  assert.equal(shown.status, "trig'd");
  assert.ok(shown.window !== null && shown.window.to <= 2.649 + 1e-9);
  assert.ok(shown.record.get("b")!.size > 10, "b has samples on screen");
  // a channel that stopped long ago does not hold the screen back
  const c = new Trace(10_000);
  sine(c, 0, 100);
  traces.set("c", c);
  const later = acq.step(
    traces,
    { ...v, timePerDiv: 0.0021 },
    NO_EXTRAS,
    true,
    0,
    16,
  );
  assert.ok(later.window !== null && later.window.to > 2.6);
});

Deno.test("fit window - a buffer whose span sits at a 1-2-5 boundary keeps one timebase", () => {
  const ring = (span: number) => {
    const r = new RingBuffer(10);
    r.pushBatch(new Float64Array([100, 100 + span]), new Float64Array([0, 0]));
    return new Map([["a", r]]);
  };
  // without a timebase held, a hair over 0.2 s is 50 ms/div, a hair under 20 ms/div
  assert.equal(fitWindow(ring(0.2000004), [])!.perDiv, 0.05);
  assert.equal(fitWindow(ring(0.1999996), [])!.perDiv, 0.02);
  // held at 20 ms/div, the jitter around 0.2 s keeps it
  let held = 0.02;
  for (const span of [0.2000004, 0.1999996, 0.2001, 0.19999, 0.2019]) {
    const w = fitWindow(ring(span), [], held)!;
    assert.equal(w.perDiv, 0.02, `span ${span}`);
    assert.equal(w.to, 100 + span);
    held = w.perDiv;
  }
  // a record that really outgrew it gets the next timebase, and keeps that in turn
  held = fitWindow(ring(0.203), [], held)!.perDiv;
  assert.equal(held, 0.05);
  assert.equal(fitWindow(ring(0.1995), [], held)!.perDiv, 0.05);
  // and one that shrank well inside the smaller one gets that back
  assert.equal(fitWindow(ring(0.18), [], held)!.perDiv, 0.02);
});
