import assert from "node:assert/strict";
import { type MessageSink, readMessage } from "./message.ts";

const enc = new TextEncoder();

function sink(known: string[] = [], room = 32): MessageSink {
  return {
    known: (c) => known.includes(c),
    room: () => room,
    lastX: () => null,
    nowSeconds: () => 1000,
  };
}

const opts = { channel: "lab.temp", maxBytes: 1024, maxBatch: 100 };

Deno.test("message - a bare number is y at the receive time on the topic's channel", async () => {
  const read = await readMessage(enc.encode("21.5"), opts, sink());
  assert.ok(read.ok);
  assert.equal(read.batches.length, 1);
  assert.equal(read.batches[0].channel, "lab.temp");
  assert.deepEqual([...read.batches[0].x], [1000]);
  assert.deepEqual([...read.batches[0].y], [21.5]);
});

Deno.test("message - JSON, NDJSON and Serial Plotter payloads read as POST /data reads them", async () => {
  const json = await readMessage(
    enc.encode('{"x":[1,2,3],"y":[4,5,6]}'),
    opts,
    sink(),
  );
  assert.ok(json.ok);
  assert.deepEqual([...json.batches[0].x], [1, 2, 3]);
  const ndjson = await readMessage(
    enc.encode('{"x":1,"y":2}\n{"x":2,"y":3}\n'),
    opts,
    sink(),
  );
  assert.ok(ndjson.ok);
  assert.equal(ndjson.points, 2);
  const plotter = await readMessage(
    enc.encode("a:1,b:2\na:3,b:4"),
    opts,
    sink(),
  );
  assert.ok(plotter.ok);
  assert.deepEqual(plotter.batches.map((b) => [b.channel, [...b.y]]), [
    ["lab.temp.a", [1, 3]],
    ["lab.temp.b", [2, 4]],
  ]);
});

Deno.test("message - one bad line drops the whole message", async () => {
  const read = await readMessage(enc.encode("1\n2\nnope\n4"), opts, sink());
  assert.equal(read.ok, false);
  assert.match(!read.ok ? read.reason : "", /line 3/);
});

Deno.test("message - new channels past the limit drop the whole message", async () => {
  const read = await readMessage(
    enc.encode("a:1,b:2"),
    { ...opts, channel: null },
    sink(["a"], 0),
  );
  assert.equal(read.ok, false);
  assert.match(!read.ok ? read.reason : "", /channel limit/);
  const fits = await readMessage(
    enc.encode("a:1"),
    { ...opts, channel: null },
    sink(["a"], 0),
  );
  assert.ok(fits.ok);
});

Deno.test("message - oversized, empty and binary payloads are refused with a reason", async () => {
  for (
    const [payload, reason] of [
      [new Uint8Array(2000), /OSC_MAX_BODY/],
      [new Uint8Array(0), /empty/],
      [new Uint8Array([0xff, 0x00, 0x12, 0x80]), /line 1/],
    ] as const
  ) {
    const read = await readMessage(payload, opts, sink());
    assert.equal(read.ok, false);
    assert.match(!read.ok ? read.reason : "", reason);
  }
});
