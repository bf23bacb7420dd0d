import assert from "node:assert/strict";
import { decodeBinary, encodeBinary, encodePoints } from "./wire.ts";

Deno.test("wire - JSON points are the documented shape", () => {
  const text = encodePoints("points", "a:1", 7, Float64Array.of(1.5, 2), [
    3,
    -4e-7,
  ]);
  assert.deepEqual(JSON.parse(text), {
    type: "points",
    channel: "a:1",
    seq: 7,
    x: [1.5, 2],
    y: [3, -4e-7],
  });
});

Deno.test("wire - binary frames round-trip every type and any channel name length", () => {
  for (const channel of ["a", "ab", "abcd", "abcde", "x".repeat(64)]) {
    const frame = encodeBinary(
      "points",
      channel,
      99,
      [1, 2.5, 3],
      Float64Array.of(-1, 0, 1e300),
    );
    const copy = frame.slice().buffer; // what arrives: an ArrayBuffer of its own
    const msg = decodeBinary(copy);
    assert.ok(msg && msg.type === "points");
    assert.equal(msg.channel, channel);
    assert.equal(msg.seq, 99);
    assert.deepEqual([...msg.x], [1, 2.5, 3]);
    assert.deepEqual([...msg.y], [-1, 0, 1e300]);
  }
  assert.deepEqual(decodeBinary(encodeBinary("clear", "c", 5).slice().buffer), {
    type: "clear",
    channel: "c",
    seq: 5,
  });
  const snap = decodeBinary(
    encodeBinary("snapshot", "s", 0, [], []).slice().buffer,
  );
  assert.ok(snap && snap.type === "snapshot" && snap.x.length === 0);
  assert.equal(snap.reduced, false);
  const reduced = decodeBinary(
    encodeBinary("snapshot", "s", 7, [1], [2], true).slice().buffer,
  );
  assert.ok(reduced && reduced.type === "snapshot" && reduced.reduced);
  assert.match(
    encodePoints("snapshot", "s", 7, [1], [2], true),
    /"reduced":true}$/,
  );
});

Deno.test("wire - a truncated or foreign binary frame decodes to null", () => {
  const frame = encodeBinary("points", "a", 1, [1], [2]);
  assert.equal(decodeBinary(frame.slice(0, frame.length - 8).buffer), null);
  assert.equal(decodeBinary(new Uint8Array(32).buffer), null);
  assert.equal(decodeBinary(new ArrayBuffer(4)), null);
});
