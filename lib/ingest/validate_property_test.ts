import assert from "node:assert/strict";
import fc from "fast-check";
import { receiveTimes } from "./receive_time.ts";
import { CHANNEL_PATTERN, DEFAULT_CHANNEL } from "../shared/names.ts";
import {
  parseBatch,
  parseBinary,
  type Parsed,
  parseJson,
  type ParseOptions,
} from "./validate.ts";

// Enough runs to reach the odd shapes, few enough that both property files stay under ~5 s.
const RUNS = { numRuns: 300 };
const NOW_SECONDS = 1700000000.123;

/** What a caller may rely on whatever the body was: well-formed points or a named failure. */
function assertWellFormed(p: Parsed): void {
  if (p.ok) {
    const { channel, x, y } = p.batch;
    assert.match(channel, CHANNEL_PATTERN);
    assert.ok(y.length > 0, "a successful batch holds at least one point");
    assert.equal(x.length, y.length);
    for (let i = 0; i < y.length; i++) {
      assert.ok(Number.isFinite(x[i]), `x[${i}] = ${x[i]} is not finite`);
      assert.ok(Number.isFinite(y[i]), `y[${i}] = ${y[i]} is not finite`);
    }
  } else {
    assert.equal(typeof p.field, "string");
    assert.notEqual(p.field, "");
    assert.equal(typeof p.reason, "string");
    assert.notEqual(p.reason, "");
    assert.ok(p.tooMany === undefined || p.tooMany === true);
  }
}

function points(p: Parsed): { channel: string; x: number[]; y: number[] } {
  if (!p.ok) throw new Error(`expected success, got ${p.field} ${p.reason}`);
  return { channel: p.batch.channel, x: [...p.batch.x], y: [...p.batch.y] };
}

const validChannel = fc.stringMatching(CHANNEL_PATTERN);

/** Query channels as a route may pass them: mostly absent, else null, valid or any text. */
const anyQueryChannel = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 4 },
  { arbitrary: fc.constant(null), weight: 1 },
  // a small set, so a query channel and a body channel sometimes agree
  { arbitrary: fc.constantFrom("a", "b"), weight: 2 },
  { arbitrary: validChannel, weight: 1 },
  { arbitrary: fc.string({ maxLength: 70 }), weight: 1 },
);

const anyOpts: fc.Arbitrary<ParseOptions> = fc.record({
  maxBatch: fc.integer({ min: 1, max: 20 }),
  nowSeconds: fc.constant(NOW_SECONDS),
  queryChannel: anyQueryChannel,
});

// The values senders really get wrong, next to ones that are fine, so that random bodies reach
// every branch of the parser rather than failing on the first key.
const messyScalar = fc.oneof(
  { arbitrary: fc.double(), weight: 3 },
  { arbitrary: fc.integer(), weight: 3 },
  {
    arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    weight: 3,
  },
  {
    arbitrary: fc.constantFrom(
      "nan",
      "NaN",
      "inf",
      "-inf",
      "Infinity",
      "",
      " ",
      "1e999",
      "-1e999",
      "12.5",
      " -5e2 ",
      "1.",
      ".5",
      "0x10",
      "1_000",
      "abc",
    ),
    weight: 2,
  },
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: validChannel, weight: 1 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
);
const messyKey = fc.constantFrom(
  "x",
  "y",
  "channel",
  "points",
  "__proto__",
  "toString",
  "z",
);
const { value: messyValue } = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: Record<string, unknown>;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    messyScalar,
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 8 }),
  object: fc.dictionary(messyKey, tie("value"), { maxKeys: 4 }),
}));

// Bodies shaped like the accepted ones, so that a fair share of random bodies passes and the
// finiteness of what the parser hands on gets checked too.
const messyCell = fc.oneof(
  { arbitrary: messyScalar, weight: 3 },
  { arbitrary: fc.array(messyScalar, { maxLength: 4 }), weight: 1 },
);
const messyPoint = fc.record({
  x: messyCell,
  y: messyCell,
  channel: fc.oneof(
    { arbitrary: fc.constantFrom("a", "b"), weight: 3 },
    { arbitrary: messyScalar, weight: 1 },
  ),
}, { requiredKeys: ["y"] });
const messyBody = fc.oneof(
  messyValue,
  messyPoint,
  fc.array(messyPoint, { maxLength: 6 }),
);

Deno.test("validate (property) - any JSON value gives points or a named failure, never a throw", () => {
  fc.assert(
    fc.property(fc.jsonValue(), anyOpts, (body, opts) => {
      assertWellFormed(parseBatch(body, opts));
    }),
    RUNS,
  );
});

Deno.test("validate (property) - messy bodies of numbers, numeric strings, nan, inf, null and nesting give points or a named failure", () => {
  fc.assert(
    fc.property(messyBody, anyOpts, (body, opts) => {
      assertWellFormed(parseBatch(body, opts));
    }),
    RUNS,
  );
});

/** A value as sent (`raw`) and the number the parser must read from it. */
interface Sent {
  raw: unknown;
  value: number;
}

const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
const padding = fc.constantFrom("", " ", "  ", "\t", "\n ");

/** Finite values in every form the parser accepts: JSON numbers and decimal strings. */
const sentValue: fc.Arbitrary<Sent> = fc.oneof(
  finiteDouble.map((v) => ({ raw: v, value: v })),
  fc.integer({ min: -1e6, max: 1e6 }).map((v) => ({ raw: v, value: v })),
  // String() round-trips every double except -0, which it writes as "0"
  fc.tuple(finiteDouble, padding, padding, fc.boolean()).map((
    [v, before, after, exponent],
  ) => ({
    raw: before + (exponent ? v.toExponential() : String(v)) + after,
    value: v === 0 ? 0 : v,
  })),
  // hand-written decimals such as "12.5", "-.5", "+3.", "7e-3"
  fc.tuple(
    fc.constantFrom("", "+", "-"),
    fc.stringMatching(/^\d{0,6}$/),
    fc.boolean(),
    fc.stringMatching(/^\d{0,6}$/),
    fc.option(fc.stringMatching(/^[eE][+-]?\d{1,2}$/), { nil: undefined }),
    padding,
    padding,
  ).filter(([, whole, , fraction]) => whole.length + fraction.length > 0)
    .map(([sign, whole, dot, fraction, exponent, before, after]) => {
      const number = sign + whole + (dot || fraction !== "" ? "." : "") +
        fraction + (exponent ?? "");
      return { raw: before + number + after, value: parseFloat(number) };
    }),
);

interface SentPoint {
  x?: Sent;
  y: Sent;
  /** for rows: whether this row carries the channel too */
  tagged: boolean;
}
const sentPoint: fc.Arbitrary<SentPoint> = fc.record({
  x: fc.option(sentValue, { nil: undefined }),
  y: sentValue,
  tagged: fc.boolean(),
});

/** A valid body, the query channel sent with it and exactly the batch it describes. */
interface ValidCase {
  body: unknown;
  queryChannel?: string;
  expected: { channel: string; x: number[]; y: number[] };
}

const channelPlacement = fc.record({
  name: validChannel,
  inBody: fc.boolean(),
  inQuery: fc.boolean(),
});

function withChannel(
  body: Record<string, unknown>,
  place: { name: string; inBody: boolean },
): Record<string, unknown> {
  return place.inBody ? { ...body, channel: place.name } : body;
}

const pointCase: fc.Arbitrary<ValidCase> = fc.tuple(
  sentPoint,
  channelPlacement,
).map(([p, place]) => ({
  body: withChannel(
    p.x === undefined ? { y: p.y.raw } : { x: p.x.raw, y: p.y.raw },
    place,
  ),
  queryChannel: place.inQuery ? place.name : undefined,
  expected: {
    channel: place.inBody || place.inQuery ? place.name : DEFAULT_CHANNEL,
    x: [p.x?.value ?? NOW_SECONDS],
    y: [p.y.value],
  },
}));

const rowsCase: fc.Arbitrary<ValidCase> = fc.tuple(
  fc.array(sentPoint, { minLength: 1, maxLength: 12 }),
  channelPlacement,
).map(([rows, place]) => {
  const tagged = place.inBody && rows.some((r) => r.tagged);
  return {
    body: rows.map((r) => {
      const row: Record<string, unknown> = { y: r.y.raw };
      if (r.x !== undefined) row.x = r.x.raw;
      if (place.inBody && r.tagged) row.channel = place.name;
      return row;
    }),
    queryChannel: place.inQuery ? place.name : undefined,
    expected: {
      channel: tagged || place.inQuery ? place.name : DEFAULT_CHANNEL,
      // rows that all lack x are spread like a column; otherwise the missing get the time
      x: rows.every((r) => r.x === undefined)
        ? [...receiveTimes(rows.length, NOW_SECONDS, null)]
        : rows.map((r) => r.x?.value ?? NOW_SECONDS),
      y: rows.map((r) => r.y.value),
    },
  };
});

const columnsCase: fc.Arbitrary<ValidCase> = fc.tuple(
  fc.array(fc.tuple(sentValue, sentValue), { minLength: 1, maxLength: 12 }),
  fc.boolean(),
  channelPlacement,
).map(([pairs, hasX, place]) => ({
  body: withChannel(
    hasX
      ? { x: pairs.map(([x]) => x.raw), y: pairs.map(([, y]) => y.raw) }
      : { y: pairs.map(([, y]) => y.raw) },
    place,
  ),
  queryChannel: place.inQuery ? place.name : undefined,
  expected: {
    channel: place.inBody || place.inQuery ? place.name : DEFAULT_CHANNEL,
    x: hasX
      ? pairs.map(([x]) => x.value)
      : [...receiveTimes(pairs.length, NOW_SECONDS, null)],
    y: pairs.map(([, y]) => y.value),
  },
}));

Deno.test("validate (property) - every accepted shape yields exactly the points it describes", () => {
  fc.assert(
    fc.property(
      fc.oneof(pointCase, rowsCase, columnsCase),
      ({ body, queryChannel, expected }) => {
        const p = parseBatch(body, {
          maxBatch: 12,
          nowSeconds: NOW_SECONDS,
          queryChannel,
        });
        assertWellFormed(p);
        // deepStrictEqual compares numbers with Object.is, so -0 and 0 count as different
        assert.deepEqual(points(p), expected);
      },
    ),
    RUNS,
  );
});

/** Values that must never become a point, whatever position they take. */
const badValue = fc.constantFrom<unknown>(
  "nan",
  "NaN",
  "inf",
  "-inf",
  "Infinity",
  "-Infinity",
  "",
  " ",
  "abc",
  "0x10",
  "1,5",
  "1_000",
  "1e999",
  "-1e999",
  "1e99999",
  null,
  true,
  false,
  {},
  { y: 1 },
  [],
  Infinity,
  -Infinity,
  NaN,
);

/** A non-object where a row should be. */
const badRow = fc.constantFrom<unknown>(7, "7", null, true, [], [1, 2]);

// index is reduced modulo the row count rather than chained on it, so counterexamples shrink
const badCase = fc.oneof(
  fc.record({
    shape: fc.constant("point" as const),
    rows: fc.array(sentPoint, { minLength: 1, maxLength: 1 }),
    target: fc.constantFrom("x" as const, "y" as const),
    index: fc.constant(0),
    bad: badValue,
  }),
  fc.record({
    shape: fc.constantFrom("rows" as const, "columns" as const),
    rows: fc.array(sentPoint, { minLength: 1, maxLength: 12 }),
    target: fc.constantFrom("x" as const, "y" as const, "row" as const),
    index: fc.nat(11),
    bad: badValue,
  }).map((c) => ({ ...c, index: c.index % c.rows.length })),
);

Deno.test("validate (property) - one bad value anywhere fails the whole batch and names its index", () => {
  fc.assert(
    fc.property(badCase, badRow, (c, notARow) => {
      const target = c.shape === "columns" && c.target === "row"
        ? "y"
        : c.target;
      // columns carry x for every point or for none; a bad x needs the column present
      const columnOfX = c.shape === "columns" &&
        (target === "x" || c.rows.every((r) => r.x !== undefined));
      const xs: unknown[] = c.rows.map((r) =>
        columnOfX ? r.x?.raw ?? 0 : r.x?.raw
      );
      const ys: unknown[] = c.rows.map((r) => r.y.raw);
      // after the filling above, so that a bad null is not taken for a missing x
      if (target === "x") xs[c.index] = c.bad;
      if (target === "y") ys[c.index] = c.bad;
      let body: unknown;
      let field: string;
      if (c.shape === "point") {
        body = xs[0] === undefined ? { y: ys[0] } : { x: xs[0], y: ys[0] };
        field = target;
      } else if (c.shape === "columns") {
        body = columnOfX ? { x: xs, y: ys } : { y: ys };
        field = `${target}[${c.index}]`;
      } else {
        body = xs.map((x, i) =>
          i === c.index && target === "row"
            ? notARow
            : x === undefined
            ? { y: ys[i] }
            : { x, y: ys[i] }
        );
        field = target === "row"
          ? `points[${c.index}]`
          : `points[${c.index}].${target}`;
      }
      const p = parseBatch(body, { maxBatch: 12, nowSeconds: NOW_SECONDS });
      assertWellFormed(p);
      assert.equal(p.ok, false, `accepted ${JSON.stringify(body)}`);
      if (!p.ok) {
        assert.equal(p.field, field);
        assert.equal(p.tooMany, undefined);
      }
    }),
    RUNS,
  );
});

Deno.test("validate (property) - more points than maxBatch is a too-many failure, up to maxBatch is fine", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 1, max: 90 }),
      fc.constantFrom("rows", "columns", "columns without x", "binary"),
      (maxBatch, n, shape) => {
        const opts = { maxBatch, nowSeconds: NOW_SECONDS };
        const ns = Array.from({ length: n }, (_, i) => i);
        let p: Parsed;
        if (shape === "rows") {
          p = parseBatch(ns.map((i) => ({ x: i, y: -i })), opts);
        } else if (shape === "columns") {
          p = parseBatch({ x: ns, y: ns.map(String) }, opts);
        } else if (shape === "columns without x") {
          p = parseBatch({ y: ns }, opts);
        } else {
          p = parseBinary(encode(ns.flatMap((i) => [i, -i])), opts);
        }
        assertWellFormed(p);
        if (n > maxBatch) {
          assert.equal(p.ok, false);
          assert.equal(!p.ok && p.tooMany, true);
          assert.equal(
            !p.ok && p.field,
            shape.startsWith("columns") ? "y" : "points",
          );
        } else {
          assert.equal(points(p).y.length, n);
        }
      },
    ),
    RUNS,
  );
});

/** Little-endian float64s, placed `offset` bytes into a larger buffer as a route may get them. */
function encode(values: number[], offset = 0): Uint8Array {
  const buffer = new ArrayBuffer(offset + values.length * 8 + 3);
  const view = new DataView(buffer, offset, values.length * 8);
  values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return new Uint8Array(buffer, offset, values.length * 8);
}

Deno.test("validate (property) - binary: finite float64 pairs round-trip exactly", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(finiteDouble, finiteDouble), {
        minLength: 1,
        maxLength: 20,
      }),
      fc.nat(15),
      fc.option(validChannel, { nil: undefined }),
      (pairs, offset, queryChannel) => {
        const bytes = encode(pairs.flat(), offset);
        const p = parseBinary(bytes, {
          maxBatch: 20,
          nowSeconds: NOW_SECONDS,
          queryChannel,
        });
        assert.deepEqual(points(p), {
          channel: queryChannel ?? DEFAULT_CHANNEL,
          x: pairs.map(([x]) => x),
          y: pairs.map(([, y]) => y),
        });
      },
    ),
    RUNS,
  );
});

/** Bytes of any length, and whole pairs that sometimes hold NaN or an infinity. */
const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.array(fc.double(), { maxLength: 30 }).map((v) => encode(v)),
  fc.array(fc.uint8Array({ minLength: 16, maxLength: 16 }), { maxLength: 12 })
    .map((chunks) => new Uint8Array(chunks.flatMap((c) => [...c]))),
);

Deno.test("validate (property) - binary: any bytes give the float64 pairs they hold or a named failure", () => {
  fc.assert(
    fc.property(anyBytes, fc.nat(15), anyOpts, (raw, offset, opts) => {
      // a view into a larger buffer, as a body read in chunks may be
      const bytes = new Uint8Array(
        new ArrayBuffer(offset + raw.length + 3),
        offset,
        raw.length,
      );
      bytes.set(raw);
      const p = parseBinary(bytes, opts);
      assertWellFormed(p);

      // the outcome the rules in parseBinary's doc comment call for, worked out independently
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      const n = bytes.length / 16;
      const x: number[] = [];
      const y: number[] = [];
      let field: string | undefined;
      const q = opts.queryChannel;
      if (q !== undefined && q !== null && !CHANNEL_PATTERN.test(q)) {
        field = "channel";
      } else if (bytes.length === 0 || bytes.length % 16 !== 0) {
        field = "body";
      } else if (n > opts.maxBatch) {
        field = "points";
      } else {
        for (let i = 0; i < n && field === undefined; i++) {
          const xi = view.getFloat64(i * 16, true);
          const yi = view.getFloat64(i * 16 + 8, true);
          if (!Number.isFinite(xi)) field = `points[${i}].x`;
          else if (!Number.isFinite(yi)) field = `points[${i}].y`;
          x.push(xi);
          y.push(yi);
        }
      }
      if (field === undefined) {
        assert.deepEqual(points(p), { channel: q ?? DEFAULT_CHANNEL, x, y });
      } else {
        assert.equal(p.ok, false);
        assert.equal(!p.ok && p.field, field);
      }
    }),
    RUNS,
  );
});

Deno.test("validate (property) - parseJson accepts exactly what JSON.parse accepts and never throws", () => {
  const text = fc.oneof(
    fc.string(),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.jsonValue().map((v) => JSON.stringify(v).slice(1)),
  );
  fc.assert(
    fc.property(text, (t) => {
      let expected: { ok: true; value: unknown } | { ok: false };
      try {
        expected = { ok: true, value: JSON.parse(t) };
      } catch {
        expected = { ok: false };
      }
      const p = parseJson(t);
      if (expected.ok) {
        assert.deepEqual(p, expected);
      } else {
        assert.equal(p.ok, false);
        assert.equal(!p.ok && p.field, "body");
        assert.ok(!p.ok && p.reason !== "");
      }
    }),
    RUNS,
  );
});
