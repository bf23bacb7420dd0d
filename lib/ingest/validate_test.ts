import assert from "node:assert/strict";
import type { Values } from "../shared/ring_buffer.ts";
import {
  type Failure,
  failureMessage,
  parseBatch,
  parseBinary,
  type Parsed,
  parseJson,
  toFiniteNumber,
} from "./validate.ts";

const opts = { maxBatch: 5, nowSeconds: 1700000000.123 };
const parse = (
  body: unknown,
  extra: Partial<typeof opts & { queryChannel: string }> = {},
) => parseBatch(body, { ...opts, ...extra });

function ok(p: Parsed) {
  if (!p.ok) throw new Error(`expected success, got ${failureMessage(p)}`);
  return { channel: p.batch.channel, x: [...p.batch.x], y: [...p.batch.y] };
}
function bad(p: Parsed): Failure {
  if (p.ok) throw new Error("expected a failure");
  return p;
}

Deno.test("validate - one point, a batch and columns", () => {
  assert.deepEqual(ok(parse({ x: 12.34, y: 56.78 })), {
    channel: "default",
    x: [12.34],
    y: [56.78],
  });
  assert.deepEqual(ok(parse([{ x: 1, y: 2 }, { x: 2, y: 3 }])), {
    channel: "default",
    x: [1, 2],
    y: [2, 3],
  });
  assert.deepEqual(ok(parse({ x: [1, 2, 3], y: [2, 3, 4] })), {
    channel: "default",
    x: [1, 2, 3],
    y: [2, 3, 4],
  });
});

Deno.test("validate - a missing x becomes the receive time", () => {
  assert.deepEqual(ok(parse({ y: 1 })).x, [opts.nowSeconds]);
  assert.deepEqual(ok(parse([{ y: 1 }, { x: 5, y: 2 }])).x, [
    opts.nowSeconds,
    5,
  ]);
});

Deno.test("validate - y columns without x are spread up to the receive time, not stacked on it", () => {
  const now = opts.nowSeconds;
  const round = (xs: Values) => [...xs].map((v) => Math.round(v * 1e6) / 1e6);
  // no recent point on the channel: 1 ms apart
  assert.deepEqual(
    round(ok(parse({ y: [1, 2, 3] })).x),
    round([now - 0.002, now - 0.001, now]),
  );
  // after the channel's newest point (0.3 s ago): evenly over the time since
  const after = parseBatch({ y: [1, 2, 3] }, {
    ...opts,
    lastX: (name) => name === "default" ? now - 0.3 : null,
  });
  assert.deepEqual(
    round(ok(after).x),
    round([now - 0.2, now - 0.1, now]),
  );
  // rows that all lack x too
  assert.deepEqual(
    round(ok(parse([{ y: 1 }, { y: 2 }])).x),
    round([
      now - 0.001,
      now,
    ]),
  );
});

Deno.test("validate - sampled columns: x = x0 + i·dx, ending at the receive time without x0", () => {
  const now = opts.nowSeconds;
  assert.deepEqual(ok(parse({ y: [1, 2, 3], dx: 0.5, x0: 10 })).x, [
    10,
    10.5,
    11,
  ]);
  const x = ok(parse({ y: [1, 2, 3], dx: "0.001" })).x;
  assert.equal(x[2], now);
  assert.ok(Math.abs(x[0] - (now - 0.002)) < 1e-9);
  const bad = (body: unknown, field: string, reason: RegExp) => {
    const p = parse(body);
    assert.equal(p.ok, false, JSON.stringify(body));
    if (!p.ok) {
      assert.equal(p.field, field);
      assert.match(p.reason, reason);
    }
  };
  bad({ y: [1], dx: 0 }, "dx", /greater than 0/);
  bad({ y: [1], dx: -1 }, "dx", /greater than 0/);
  bad({ y: [1], dx: "abc" }, "dx", /greater than 0/);
  bad({ y: [1], x0: 5 }, "dx", /required with x0/);
  bad({ y: [1], x: [1], dx: 1 }, "dx", /cannot be given with x/);
  bad({ y: [1], dx: 1, x0: "nan" }, "x0", /finite/);
  bad({ y: [1, 2], dx: 1e308, x0: 1e308 }, "dx", /largest finite/);
});

Deno.test("validate - decimal strings are numbers as Python's float() read them", () => {
  assert.deepEqual(ok(parse({ x: "12.34", y: " -5e2 " })), {
    channel: "default",
    x: [12.34],
    y: [-500],
  });
  for (
    const s of [
      "nan",
      "NaN",
      "inf",
      "-Infinity",
      "",
      " ",
      "abc",
      "1e999",
      "0x10",
      "1,5",
      "1_000",
    ]
  ) {
    assert.ok(Number.isNaN(toFiniteNumber(s)), `"${s}" must not be a number`);
  }
  for (const v of [null, true, false, {}, [], Infinity, NaN]) {
    assert.ok(
      Number.isNaN(toFiniteNumber(v)),
      `${String(v)} must not be a number`,
    );
  }
});

Deno.test("validate - names the field and the reason for every bad value", () => {
  assert.equal(failureMessage(bad(parse({ x: 1 }))), "y is required");
  assert.equal(
    failureMessage(bad(parse({ x: 1, y: "abc" }))),
    "y must be a finite number",
  );
  assert.equal(
    failureMessage(bad(parse({ x: null, y: 1 }))),
    "x must be a finite number",
  );
  assert.equal(
    failureMessage(bad(parse({ x: true, y: 1 }))),
    "x must be a finite number",
  );
  assert.equal(
    failureMessage(bad(parse({ x: 1, y: Infinity }))),
    "y must be a finite number",
  );
  const rows = [{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 3, y: "nan" }];
  assert.equal(
    failureMessage(bad(parse(rows))),
    "points[2].y must be a finite number",
  );
  assert.equal(
    failureMessage(bad(parse([{ x: 1, y: 1 }, 7]))),
    "points[1] must be an object with y (and x)",
  );
  assert.equal(
    failureMessage(bad(parse({ x: [1, 2], y: [1, null] }))),
    "y[1] must be a finite number",
  );
  assert.equal(
    failureMessage(bad(parse({ x: [1, "z"], y: [1, 2] }))),
    "x[1] must be a finite number",
  );
});

Deno.test("validate - rejects empty batches, mismatched columns and other shapes", () => {
  assert.equal(bad(parse([])).field, "points");
  assert.equal(bad(parse({ y: [] })).field, "y");
  assert.equal(
    failureMessage(bad(parse({ x: [1, 2, 3], y: [1, 2] }))),
    "x must have as many values as y (3 vs 2)",
  );
  assert.equal(bad(parse({ x: 1, y: [1, 2] })).field, "x");
  for (const body of [null, 3, "text", true]) {
    assert.equal(bad(parse(body)).field, "body");
  }
});

Deno.test("validate - more points than the limit is a too-many failure", () => {
  const six = Array.from({ length: 6 }, (_, i) => ({ x: i, y: i }));
  const f = bad(parse(six));
  assert.equal(f.tooMany, true);
  assert.equal(f.field, "points");
  assert.equal(bad(parse({ y: [1, 2, 3, 4, 5, 6] })).tooMany, true);
  assert.equal(ok(parse(six.slice(1))).x.length, 5);
});

Deno.test("validate - channel from the body or the query, and they must agree", () => {
  assert.equal(ok(parse({ y: 1, channel: "temp.1" })).channel, "temp.1");
  assert.equal(ok(parse({ y: 1 }, { queryChannel: "a:b" })).channel, "a:b");
  assert.equal(ok(parse([{ y: 1, channel: "c" }, { y: 2 }])).channel, "c");
  assert.equal(bad(parse({ y: 1, channel: "bad name" })).field, "channel");
  assert.equal(
    bad(parse({ y: 1 }, { queryChannel: "x".repeat(65) })).field,
    "channel",
  );
  assert.equal(bad(parse({ y: 1, channel: 5 })).field, "channel");
  assert.equal(
    bad(parse({ y: 1, channel: "a" }, { queryChannel: "b" })).field,
    "channel",
  );
  assert.equal(
    bad(parse([{ y: 1, channel: "a" }, { y: 2, channel: "b" }])).field,
    "points[1].channel",
  );
});

Deno.test("validate - parseJson reports invalid and empty bodies", () => {
  assert.deepEqual(parseJson('{"y":1}'), { ok: true, value: { y: 1 } });
  const broken = parseJson('{"y":');
  assert.equal(broken.ok, false);
  assert.equal((broken as Failure).field, "body");
  assert.equal((parseJson("  ") as Failure).field, "body");
});

function pairs(...values: number[]): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return new Uint8Array(view.buffer);
}

Deno.test("validate - binary bodies are little-endian float64 pairs", () => {
  const p = parseBinary(pairs(1, 2, 3.5, -4), { ...opts, queryChannel: "adc" });
  assert.deepEqual(ok(p), { channel: "adc", x: [1, 3.5], y: [2, -4] });
  assert.equal(ok(parseBinary(pairs(0, 0), opts)).channel, "default");
});

Deno.test("validate - binary bodies: length, finiteness, limit and channel are checked", () => {
  assert.match(
    failureMessage(bad(parseBinary(new Uint8Array(24), opts))),
    /24 bytes is not a multiple of 16/,
  );
  assert.equal(bad(parseBinary(new Uint8Array(0), opts)).field, "body");
  assert.equal(
    failureMessage(bad(parseBinary(pairs(1, 2, NaN, 4), opts))),
    "points[1].x must be a finite number",
  );
  assert.equal(
    failureMessage(bad(parseBinary(pairs(1, Infinity), opts))),
    "points[0].y must be a finite number",
  );
  assert.equal(bad(parseBinary(new Uint8Array(16 * 6), opts)).tooMany, true);
  assert.equal(
    bad(parseBinary(pairs(1, 2), { ...opts, queryChannel: "no good" })).field,
    "channel",
  );
});
