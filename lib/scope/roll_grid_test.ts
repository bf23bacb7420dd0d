import assert from "node:assert/strict";
import fc from "fast-check";
import { slotX } from "../shared/grid.ts";
import { rollGrid } from "./roll_grid.ts";

Deno.test("roll grid - two slots a pixel, the same step and count wherever the window is", () => {
  fc.assert(
    fc.property(
      // x where a step of span / 2·width keeps slots apart (see the fallback below)
      fc.oneof(
        fc.record({
          start: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
          span: fc.constantFrom(0.01, 0.5, 2, 50, 3600),
        }),
        fc.record({
          start: fc.double({ min: 1e9, max: 2e9, noNaN: true }),
          span: fc.constantFrom(5, 50, 3600),
        }),
      ),
      fc.integer({ min: 200, max: 3000 }),
      fc.array(fc.double({ min: 0, max: 5, noNaN: true }), {
        minLength: 1,
        maxLength: 20,
      }),
      ({ start, span }, plotPx, moves) => {
        let to = start;
        const first = rollGrid({ from: to - span, to }, plotPx);
        assert.equal(first.slots, 2 * plotPx);
        for (const m of moves) {
          to += m * span;
          const g = rollGrid({ from: to - span, to }, plotPx);
          // the same slots, so the axis and the chart's index of them stay as they are
          assert.equal(g.slots, first.slots);
          assert.equal(g.step, first.step);
          // even, so the decimator's buckets (slot pairs) keep their meaning
          assert.ok(g.first % 2 === 0, "an even first slot");
          // the whole window is on it
          assert.ok(slotX(g, 0) <= to - span, "left edge");
          assert.ok(slotX(g, g.slots - 1) >= to, "right edge");
        }
      },
    ),
  );
});

Deno.test("roll grid - the span carries no float noise into the step", () => {
  // a window whose ends lie in different binades: to - from is the span give or take an ulp
  const steps = new Set<number>();
  for (let i = 1; i <= 1000; i++) {
    const to = i * 0.0137;
    steps.add(rollGrid({ from: to - 0.01, to }, 1206).step);
  }
  assert.equal(steps.size, 1);
});

Deno.test("roll grid - not exact, or x too large for such a step: a 1-2-5 step, a fixed count", () => {
  for (const exact of [false, true]) {
    // a microsecond window at 1e12: a step of span/2400 would not keep slots apart
    const span = exact ? 1e-6 : 50;
    const at = exact ? 1e12 : 1.7e9;
    const counts = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const to = at + i * span * 0.37;
      const g = rollGrid({ from: to - span, to }, 1206, exact);
      const mantissa = g.step / 10 ** Math.floor(Math.log10(g.step) + 1e-9);
      assert.ok(
        [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6),
        `a 1-2-5 step (${g.step})`,
      );
      assert.ok(g.first % 2 === 0, "an even first slot");
      assert.ok(slotX(g, 0) <= to - span && slotX(g, g.slots - 1) >= to);
      counts.add(g.slots);
    }
    assert.equal(counts.size, 1, "one slot count");
  }
});
