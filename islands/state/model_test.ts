import assert from "node:assert/strict";
import { RingBuffer } from "../../lib/shared/ring_buffer.ts";
import { ScopeModel } from "./model.ts";
import { type Mapper, ScopePort } from "./scope_port.ts";

const NO_ACTIONS = {
  csvWindow: () => {},
  png: () => {},
  shareUrl: () => "",
  clear: () => {},
};

/** A model whose running scope shows x 0…10 and holds one 1 Hz ±2 square of 1000 points. */
function running() {
  const port = new ScopePort();
  const model = new ScopeModel([], port);
  const ring = new RingBuffer(1000);
  const x = Float64Array.from({ length: 1000 }, (_, i) => i / 100);
  const y = x.map((t) => (t % 1 < 0.5 ? 2 : -2));
  ring.pushBatch(x, y);
  let window = { from: 0, to: 10 };
  const disconnect = port.connect({
    window: () => window,
    records: () => new Map([["a", ring]]),
    mapper: {} as Mapper,
    actions: NO_ACTIONS,
  });
  return {
    model,
    port,
    disconnect,
    moveTo: (w: typeof window) => (window = w),
  };
}

Deno.test("scope model - before the runtime connects there is no window to zoom or pan", () => {
  const model = new ScopeModel([], new ScopePort());
  model.zoomBy(0.5);
  model.panBy(1);
  assert.equal(model.view.value.zoom, null);
  assert.equal(model.shownPerDiv(), null);
});

Deno.test("scope model - zoom and pan start from the window the chart shows", () => {
  const { model } = running();
  assert.equal(model.shownPerDiv(), 1);
  model.zoomBy(0.5, 4);
  assert.deepEqual(model.view.value.zoom, { fromX: 2, toX: 7 });
  // from a zoom, the next step starts from the zoom, not the chart
  model.panBy(1);
  assert.deepEqual(model.view.value.zoom, { fromX: 3, toX: 8 });
  model.live();
  assert.equal(model.view.value.zoom, null);
});

Deno.test("scope model - trigger and roll exclude each other; Single arms a capture", () => {
  const { model } = running();
  assert.equal(model.view.value.roll, true);
  model.toggleTrigger();
  assert.equal(model.view.value.trigger.enabled, true);
  assert.equal(model.view.value.roll, false);
  model.toggleRoll();
  assert.equal(model.view.value.trigger.enabled, false);
  const armed = model.arm.value;
  model.single();
  assert.equal(model.arm.value, armed + 1);
  assert.equal(model.view.value.trigger.mode, "single");
  assert.equal(model.view.value.roll, false);
});

Deno.test("scope model - measurements of a channel come from the runtime's record", () => {
  const { model, disconnect } = running();
  const m = model.measureOf("a");
  assert.ok(m !== null);
  assert.equal(m.max, 2);
  assert.equal(m.min, -2);
  model.levelToMiddle();
  assert.equal(model.view.value.trigger.level, 0);
  disconnect();
  assert.equal(model.measureOf("a"), null, "nothing once disconnected");
});
