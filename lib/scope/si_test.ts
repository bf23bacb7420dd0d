import assert from "node:assert/strict";
import { formatDb, formatRate, formatSI } from "./si.ts";

Deno.test("si - readouts get a prefix and keep their significant digits", () => {
  assert.equal(formatSI(5, "Hz"), "5.000 Hz");
  assert.equal(formatSI(4.99996, "Hz"), "5.000 Hz");
  assert.equal(formatSI(0.2, "s"), "200.0 ms");
  assert.equal(formatSI(-0.0125, "s"), "-12.50 ms");
  assert.equal(formatSI(1234567, "Hz", 3), "1.23 MHz");
  assert.equal(formatSI(999.96, "Hz"), "1.000 kHz");
  assert.equal(formatSI(2e-7, "s", 2), "200 ns");
  assert.equal(formatSI(0, "V"), "0 V");
  assert.equal(formatSI(3.3), "3.300");
});

Deno.test("si - no value reads as a dash, and extremes stay readable", () => {
  assert.equal(formatSI(null, "Hz"), "–");
  assert.equal(formatSI(NaN, "s"), "–");
  assert.equal(formatSI(Infinity), "–");
  assert.equal(formatSI(1e-15, "s", 2), "0.0010 ps");
  assert.equal(formatSI(5e16, "", 2), "50000 T");
});

Deno.test("si - rates are short", () => {
  assert.equal(formatRate(9999), "9999/s");
  assert.equal(formatRate(10_000), "10.0k/s");
  assert.equal(formatRate(2.5e6), "2.5M/s");
  assert.equal(formatRate(3.25), "3.3/s");
});

Deno.test("formatDb - tenths of a dB, and never -0.0", () => {
  assert.equal(formatDb(-0.04), "0.0 dB");
  assert.equal(formatDb(-3.01), "-3.0 dB");
  assert.equal(formatDb(6.26), "6.3 dB");
});
