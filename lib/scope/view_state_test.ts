import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeView,
  DEFAULT_VIEW,
  defaultView,
  encodeView,
  type ViewState,
} from "./view_state.ts";

function custom(): ViewState {
  return {
    timePerDiv: 0.002,
    roll: false,
    trigger: {
      enabled: true,
      source: "adc:0",
      edge: "falling",
      level: -0.25,
      mode: "normal",
      preFraction: 0.1,
      holdoffX: 0.005,
    },
    hidden: ["noise", "sq"],
    vertical: {
      "adc:0": { voltsPerDiv: 0.5, offset: -1 },
      sq: { voltsPerDiv: 2, offset: 0 },
    },
    zoom: { fromX: 1764067200.25, toX: 1764067201.5 },
    view: "fft",
    xy: { x: "adc:0", y: "adc.1" },
    fftWindow: "flattop",
    running: false,
  };
}

Deno.test("view state - the default view encodes to an empty query", () => {
  assert.equal(encodeView(DEFAULT_VIEW), "");
  assert.deepEqual(decodeView(""), DEFAULT_VIEW);
  assert.deepEqual(decodeView("?"), DEFAULT_VIEW);
  assert.deepEqual(defaultView(), DEFAULT_VIEW);
});

Deno.test("view state - a non-default view round-trips through a readable query", () => {
  const v = custom();
  const q = encodeView(v);
  assert.deepEqual(decodeView(q), v);
  assert.deepEqual(decodeView("?" + q), v);
  assert.equal(
    q,
    "t=0.002&roll=0&trig=1&src=adc:0&edge=falling&level=-0.25&tmode=normal&pre=0.1" +
      "&hold=0.005&hide=noise,sq&y.adc:0=0.5,-1&y.sq=2,0&zoom=1764067200.25,1764067201.5" +
      "&view=fft&xy=adc:0,adc.1&win=flattop&run=0",
  );
});

Deno.test("view state - only changed fields are written", () => {
  const v = defaultView();
  v.trigger.level = 1.5;
  assert.equal(encodeView(v), "level=1.5");
  v.view = "xy";
  v.xy = { x: "a", y: "b" };
  assert.equal(encodeView(v), "level=1.5&view=xy&xy=a,b");
});

Deno.test("view state - garbage gives the defaults and never throws", () => {
  for (
    const q of [
      "%",
      "%%%&&&===",
      "t=abc&roll=maybe&trig=2&edge=up&level=1e999&tmode=fast&pre=x&hold=-1",
      "hide=&y.=1,2&y.a=0,0&y.b=-1,0&y.c=1,x&y.d=1,2,3&zoom=5,1&zoom=1&xy=a&xy=a,b,c",
      "view=3d&win=kaiser&run=yes&src=bad name&token=abc",
      "t=Infinity&level=NaN&pre=0x1&t=0x10&level= 1",
      "\u0000\uffff=\ud800",
      "y.__proto__=x&__proto__=1&constructor=2",
    ]
  ) {
    const v = decodeView(q);
    const d = defaultView();
    if (q.startsWith("hide=")) d.hidden = [];
    assert.deepEqual(v, d, q);
  }
  // not even a string
  assert.deepEqual(decodeView(undefined as unknown as string), DEFAULT_VIEW);
  assert.deepEqual(decodeView(42 as unknown as string), DEFAULT_VIEW);
});

Deno.test("view state - partial garbage keeps the good fields", () => {
  const v = decodeView(
    "t=0.5&roll=banana&level=2&edge=sideways&hide=a,bad name,b,a&y.a=0.1,3&y.b=zero,1&pre=1.7&hold=nope&view=xy&xy=a,b&win=nope",
  );
  const want = defaultView();
  want.timePerDiv = 0.5;
  want.trigger.level = 2;
  want.trigger.preFraction = 1;
  want.hidden = ["a", "b"];
  want.vertical = { a: { voltsPerDiv: 0.1, offset: 3 } };
  want.view = "xy";
  want.xy = { x: "a", y: "b" };
  assert.deepEqual(v, want);
  assert.equal(decodeView("pre=-3").trigger.preFraction, 0);
  assert.equal(
    decodeView("y.a=0.5").vertical.a.offset,
    0,
    "offset defaults to 0",
  );
});

Deno.test("view state - a channel named __proto__ is just a key", () => {
  const v = decodeView("y.__proto__=2,1");
  assert.deepEqual(Object.keys(v.vertical), ["__proto__"]);
  assert.deepEqual(Object.getPrototypeOf(v.vertical), Object.prototype);
  assert.deepEqual(decodeView(encodeView(v)), v);
});

Deno.test("view state - invalid values are not written", () => {
  const v = defaultView();
  v.timePerDiv = NaN;
  v.trigger.level = Infinity;
  v.trigger.source = "no spaces allowed";
  v.hidden = ["ok", "not,ok"];
  v.vertical = { a: { voltsPerDiv: 0, offset: 0 } };
  v.zoom = { fromX: 2, toX: 1 };
  assert.equal(encodeView(v), "hide=ok");
});

Deno.test("view state - DEFAULT_VIEW cannot be changed by accident", () => {
  assert.throws(() => {
    (DEFAULT_VIEW.trigger as { level: number }).level = 3;
  }, TypeError);
  assert.throws(() => DEFAULT_VIEW.hidden.push("x"), TypeError);
  const fresh = defaultView();
  fresh.hidden.push("x");
  assert.deepEqual(DEFAULT_VIEW.hidden, []);
});

const channel = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,12}$/);
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) =>
  n + 0
);
const positive = fc.double({ min: 1e-300, max: 1e300, noNaN: true });
// decodeView builds ordinary objects, so compare against those
const plain = { noNullPrototype: true } as const;
const view: fc.Arbitrary<ViewState> = fc.record({
  timePerDiv: fc.option(positive),
  roll: fc.boolean(),
  trigger: fc.record({
    enabled: fc.boolean(),
    source: fc.option(channel),
    edge: fc.constantFrom("rising" as const, "falling" as const),
    level: finite,
    mode: fc.constantFrom(
      "auto" as const,
      "normal" as const,
      "single" as const,
    ),
    preFraction: fc.double({ min: 0, max: 1, noNaN: true }).map((n) => n + 0),
    holdoffX: fc.double({ min: 0, max: 1e9, noNaN: true }).map((n) => n + 0),
  }, plain),
  hidden: fc.uniqueArray(channel, { maxLength: 5 }),
  vertical: fc.dictionary(
    channel,
    fc.record({ voltsPerDiv: positive, offset: finite }, plain),
    { maxKeys: 4, noNullPrototype: true },
  ),
  zoom: fc.option(
    fc.tuple(finite, finite).filter(([a, b]) => a < b).map(([fromX, toX]) => ({
      fromX,
      toX,
    })),
  ),
  view: fc.constantFrom("yt" as const, "xy" as const, "fft" as const),
  xy: fc.option(fc.record({ x: channel, y: channel }, plain)),
  fftWindow: fc.constantFrom(
    "hann" as const,
    "rectangular" as const,
    "blackman" as const,
    "flattop" as const,
  ),
  running: fc.boolean(),
}, plain);

Deno.test("view state - every valid view round-trips (property)", () => {
  fc.assert(
    fc.property(view, (v) => {
      const q = encodeView(v);
      const back = decodeView(q);
      // decodeView builds vertical in sorted key order; compare as sets of entries
      assert.deepEqual({ ...back, vertical: {} }, { ...v, vertical: {} });
      assert.deepEqual(
        Object.entries(back.vertical).sort(),
        Object.entries(v.vertical).sort(),
      );
      assert.equal(encodeView(back), q, "encoding is stable");
    }),
    { numRuns: 500 },
  );
});

// query-shaped text: real keys and separators mixed with arbitrary characters
const query = fc.array(
  fc.oneof(
    fc.constantFrom(
      "t",
      "roll",
      "trig",
      "src",
      "edge",
      "level",
      "tmode",
      "pre",
    ),
    fc.constantFrom("hold", "hide", "y.", "zoom", "view", "xy", "win", "run"),
    fc.constantFrom(
      "=",
      "&",
      ",",
      "?",
      "%",
      "-",
      ".",
      "e",
      "1",
      "0.5",
      "1e400",
    ),
    fc.string({ unit: "binary", maxLength: 6 }),
  ),
  { maxLength: 40 },
).map((parts) => parts.join(""));

Deno.test("view state - decodeView never throws on arbitrary text (property)", () => {
  fc.assert(
    fc.property(query, (q) => {
      const v = decodeView(q);
      assert.ok(v.trigger.preFraction >= 0 && v.trigger.preFraction <= 1);
      assert.ok(v.timePerDiv === null || v.timePerDiv > 0);
    }),
    { numRuns: 500 },
  );
});
