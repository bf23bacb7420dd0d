import assert from "node:assert/strict";
import { DatagramIngest } from "./datagram.ts";
import type { MessageSink } from "./message.ts";

const enc = new TextEncoder();

function sink(room = 32): MessageSink {
  return {
    known: () => false,
    room: () => room,
    lastX: () => null,
    nowSeconds: () => 1000,
  };
}

Deno.test("datagram - Teleplot lines, one point each; ms timestamps become seconds", () => {
  const d = new DatagramIngest(sink());
  const read = d.read(
    enc.encode(
      "temp:21.5\nrpm:1627551892437:1234§rpm|g\nrpm:1627551892447:1240\n",
    ),
  );
  assert.deepEqual(read, {
    lines: 3,
    points: 3,
    bad: 0,
    refused: 0,
    reason: null,
  });
  const batches = d.take();
  assert.deepEqual(batches.map((b) => [b.channel, [...b.x], [...b.y]]), [
    ["temp", [1000], [21.5]],
    ["rpm", [1627551892.437, 1627551892.447], [1234, 1240]],
  ]);
  assert.equal(d.pending, 0);
});

Deno.test("datagram - a bad line is dropped and counted, the rest kept", () => {
  const d = new DatagramIngest(sink());
  const read = d.read(enc.encode("a:1\na:oops\na:3|t\na:4"));
  assert.equal(read.points, 2);
  assert.equal(read.bad, 2);
  assert.match(read.reason ?? "", /a:oops/);
  assert.deepEqual([...d.take()[0].y], [1, 4]);
});

Deno.test("datagram - |xy keeps x as sent", () => {
  const d = new DatagramIngest(sink());
  d.read(enc.encode("circle:0.5:0.25|xy"));
  const [b] = d.take();
  assert.deepEqual([b.channel, [...b.x], [...b.y]], ["circle", [0.5], [0.25]]);
});

Deno.test("datagram - lines past the channel limit are refused, across datagrams until taken", () => {
  const d = new DatagramIngest(sink(2));
  assert.equal(d.read(enc.encode("a:1\nb:1")).refused, 0);
  const read = d.read(enc.encode("c:1\na:2"));
  assert.equal(read.refused, 1);
  assert.equal(read.points, 1);
});
