import assert from "node:assert/strict";
import { type ColumnMap, columnRows, stickyRange } from "./trace_columns.ts";

// slot i at column 0.5·i (two slots a pixel), value v at row 100 - 10·v, one device pixel a CSS one
const MAP: ColumnMap = {
  x0: 0,
  perSlot: 0.5,
  p0: 0,
  y0: 100,
  perValue: -10,
  hpr: 1,
  vpr: 1,
};

function rows(values: number[], columns = 8) {
  const top = new Int32Array(columns);
  const height = new Int32Array(columns);
  const scratch = {
    lo: new Float32Array(columns),
    hi: new Float32Array(columns),
  };
  const v = Float64Array.from(values);
  columnRows(v, 0, v.length - 1, MAP, columns, top, height, scratch);
  return { top: [...top], height: [...height] };
}

Deno.test("trace columns - a level line is one row in each column it crosses", () => {
  const { top, height } = rows([2, 2, 2, 2, 2, 2]);
  // slots 0..5 reach columns 0..3 (5 · 0.5 = 2.5, plus half a pixel of line)
  assert.deepEqual(top.slice(0, 4), [80, 80, 80, 80]);
  assert.deepEqual(height, [1, 1, 1, 1, 0, 0, 0, 0]);
});

Deno.test("trace columns - a min/max zigzag fills each column from its lowest to its highest", () => {
  // buckets (slot pairs) of a signal swinging between -1 and 3: the rows of 3 to -1 (70 to 110)
  const { top, height } = rows([-1, 3, -1, 3, -1, 3]);
  for (let c = 0; c < 3; c++) {
    assert.equal(top[c], 70, `column ${c} top`);
    assert.equal(top[c] + height[c], 111, `column ${c} bottom`);
  }
});

Deno.test("trace columns - empty slots leave their columns empty, a lone sample is a dot", () => {
  const { top, height } = rows([
    NaN,
    NaN,
    NaN,
    NaN,
    NaN,
    NaN,
    NaN,
    NaN,
    NaN,
    NaN,
    5,
    NaN,
  ]);
  // slot 10 is at column 5.0: a 1 px line's half pixel either side touches columns 4 and 5
  assert.deepEqual(height, [0, 0, 0, 0, 1, 1, 0, 0]);
  assert.equal(top[4], 50);
  assert.equal(top[5], 50);
});

Deno.test("trace columns - the autoscale range grows at once and shrinks only past 10 %", () => {
  const held = { min: -1, max: 1 };
  // a new peak: followed at once
  assert.deepEqual(stickyRange(held, { min: -1, max: 1.01 }), {
    min: -1,
    max: 1.01,
  });
  // peaks that wander inside it: the same range, the same object (nothing to repaint)
  assert.equal(stickyRange(held, { min: -0.97, max: 0.99 }), held);
  // a signal that shrank: followed
  assert.deepEqual(stickyRange(held, { min: -0.5, max: 0.5 }), {
    min: -0.5,
    max: 0.5,
  });
  assert.deepEqual(stickyRange(null, { min: 0, max: 1 }), { min: 0, max: 1 });
});
