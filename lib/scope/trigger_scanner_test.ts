import assert from "node:assert/strict";
import fc from "fast-check";
import { RingBuffer } from "../shared/ring_buffer.ts";
import { findTriggers, type TriggerSpec } from "./trigger.ts";
import { TriggerScanner } from "./trigger_scanner.ts";
import {
  RISING,
  samplesOf,
  sine,
} from "../../tests/fixtures/trigger_signals.ts";

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
