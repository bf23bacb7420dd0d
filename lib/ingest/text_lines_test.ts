import assert from "node:assert/strict";
import type { LineParsed, LinePoint } from "./line_points.ts";
import { parseTextLine, type TextLineOptions } from "./text_lines.ts";

const plain: TextLineOptions = { channel: "default", prefix: null };
const named: TextLineOptions = { channel: "bench", prefix: "bench" };

function points(line: string, opts = plain): LinePoint[] {
  const r = parseTextLine(line, opts);
  if (!r.ok) throw new Error(`${JSON.stringify(line)}: ${r.reason}`);
  return r.points;
}

function reason(line: string, opts = plain): string {
  const r: LineParsed = parseTextLine(line, opts);
  assert.equal(r.ok, false, `${JSON.stringify(line)} should fail`);
  return r.ok ? "" : r.reason;
}

const p = (channel: string, y: number, x: number | null = null): LinePoint => ({
  channel,
  x,
  y,
});

Deno.test("text lines - blank lines and # comments give no points", () => {
  for (const line of ["", "   ", "\t\r", "# time,value", "#a:1", " , ,"]) {
    assert.deepEqual(points(line), [], JSON.stringify(line));
  }
});

Deno.test("text lines - a bare number goes to the request's channel with no x", () => {
  assert.deepEqual(points("3.3"), [p("default", 3.3)]);
  assert.deepEqual(points("  -1.5e-3 \r"), [p("default", -0.0015)]);
  assert.deepEqual(points("+7,"), [p("default", 7)]);
  assert.deepEqual(points("3.3", named), [p("bench", 3.3)]);
});

Deno.test("text lines - two numbers around one comma are CSV x,y", () => {
  assert.deepEqual(points("1.5,2.25"), [p("default", 2.25, 1.5)]);
  assert.deepEqual(points("1.5 , 2.25"), [p("default", 2.25, 1.5)]);
  assert.deepEqual(points("0,-1e3", named), [p("bench", -1000, 0)]);
});

Deno.test("text lines - Arduino Serial Plotter examples from Arduino's docs", () => {
  // Arduino IDE 2 docs, "Using the Serial Plotter Tool": Serial.print("Variable_1:"),
  // the value, ",", Serial.print("Variable_2:"), Serial.println(static_variable)
  assert.deepEqual(points("Variable_1:512,Variable_2:500\r"), [
    p("Variable_1", 512),
    p("Variable_2", 500),
  ]);
  // ArduinoSerialPlotterProtocol.md, "Two Traces with label send every time"
  assert.deepEqual(points("Value:377\tAVG5:431.01"), [
    p("Value", 377),
    p("AVG5", 431.01),
  ]);
  // the same protocol doc, "Single Trace with label send every time" (its label loses the
  // space: the IDE 2 plotter dropped spaces in labels)
  assert.deepEqual(points("Label_1:10"), [p("Label_1", 10)]);
});

Deno.test("text lines - Serial Plotter parts split on any mix of comma, space and tab", () => {
  assert.deepEqual(points("a:1,b:2"), [p("a", 1), p("b", 2)]);
  assert.deepEqual(points("temp:20.5 hum:40"), [p("temp", 20.5), p("hum", 40)]);
  assert.deepEqual(points("sin:0.5\tcos:0.8"), [p("sin", 0.5), p("cos", 0.8)]);
  // Serial.print(", ") after every value, the trailing one included
  assert.deepEqual(points("a:0.5, b:1.0, c:1.0, "), [
    p("a", 0.5),
    p("b", 1),
    p("c", 1),
  ]);
  assert.deepEqual(points("x:1 ,\t, y:2"), [p("x", 1), p("y", 2)]);
});

Deno.test("text lines - Serial Plotter labels get the request's prefix", () => {
  assert.deepEqual(points("a:1,b:2", named), [
    p("bench.a", 1),
    p("bench.b", 2),
  ]);
  assert.deepEqual(points("a:1", named), [p("bench.a", 1)]);
});

Deno.test("text lines - unlabeled Serial Plotter values are value1, value2, ...", () => {
  assert.deepEqual(points("10\t11\t12"), [
    p("value1", 10),
    p("value2", 11),
    p("value3", 12),
  ]);
  assert.deepEqual(points("1,2,3"), [
    p("value1", 1),
    p("value2", 2),
    p("value3", 3),
  ]);
  // space or tab between two numbers is the plotter's format, not CSV
  assert.deepEqual(points("1.5 2.25"), [p("value1", 1.5), p("value2", 2.25)]);
  assert.deepEqual(points("1\t2"), [p("value1", 1), p("value2", 2)]);
  assert.deepEqual(points("1,,2"), [p("value1", 1), p("value2", 2)]);
  // n counts the unlabeled values only
  assert.deepEqual(points("a:1,5,b:2,6"), [
    p("a", 1),
    p("value1", 5),
    p("b", 2),
    p("value2", 6),
  ]);
  assert.deepEqual(points("1 2 3", named), [
    p("bench.value1", 1),
    p("bench.value2", 2),
    p("bench.value3", 3),
  ]);
});

Deno.test("text lines - a Serial Plotter header line declares labels and gives no points", () => {
  assert.deepEqual(points("var1:,var2:,var3:"), []);
  assert.deepEqual(points("label0:\tlabel1:\tlabel2:"), []);
  assert.deepEqual(points("a:1,b:"), [p("a", 1)]);
});

Deno.test("text lines - Teleplot examples from Teleplot's README", () => {
  const ts = 1627551892437 / 1000;
  assert.deepEqual(points("myValue:1234"), [p("myValue", 1234)]);
  assert.deepEqual(points("myValue:1234|"), [p("myValue", 1234)]);
  assert.deepEqual(points("myValue:1234|g"), [p("myValue", 1234)]);
  assert.deepEqual(points("myValue:12.34e+2"), [p("myValue", 1234)]);
  assert.deepEqual(points("myValue:1627551892437:1234"), [
    p("myValue", 1234, ts),
  ]);
  assert.deepEqual(points("myValue:1234§km²"), [p("myValue", 1234)]);
  assert.deepEqual(points("myValue:1627551892437:1234|np"), [
    p("myValue", 1234, ts),
  ]);
  assert.deepEqual(
    points("myValue:1627551892444:1;1627551892555:2;1627551892666:3§rad"),
    [
      p("myValue", 1, 1627551892.444),
      p("myValue", 2, 1627551892.555),
      p("myValue", 3, 1627551892.666),
    ],
  );
});

Deno.test("text lines - Teleplot |xy samples are x:y with x as given", () => {
  assert.deepEqual(points("trajectory:12.3:45.67|xy"), [
    p("trajectory", 45.67, 12.3),
  ]);
  assert.deepEqual(points("trajectory:12.3:45.67|xy,np"), [
    p("trajectory", 45.67, 12.3),
  ]);
  assert.deepEqual(points("trajectory:1:1;2:2;3:3;4:4|xy"), [
    p("trajectory", 1, 1),
    p("trajectory", 2, 2),
    p("trajectory", 3, 3),
    p("trajectory", 4, 4),
  ]);
  // a timestamp after y is checked, but the point has no room for it
  assert.deepEqual(
    points(
      "trajectoryTimestamped:1:1:1627551892437;2:2:1627551892448;3:3:1627551892459|xy",
    ),
    [
      p("trajectoryTimestamped", 1, 1),
      p("trajectoryTimestamped", 2, 2),
      p("trajectoryTimestamped", 3, 3),
    ],
  );
});

Deno.test("text lines - Teleplot's serial marker > and the request's prefix", () => {
  assert.deepEqual(points(">myValue:1234"), [p("myValue", 1234)]);
  assert.deepEqual(points(">temp:1627551892437:20.5§°C|np"), [
    p("temp", 20.5, 1627551892.437),
  ]);
  assert.deepEqual(points(">temp:20.5", named), [p("bench.temp", 20.5)]);
  assert.deepEqual(points(">pos:3:4|xy", named), [p("bench.pos", 4, 3)]);
  assert.deepEqual(points("myValue:1627551892437:1234", named), [
    p("bench.myValue", 1234, 1627551892.437),
  ]);
  // values without timestamps share the receive time; an empty sample is skipped
  assert.deepEqual(points(">acc:1.1;-0.5;;9.8;"), [
    p("acc", 1.1),
    p("acc", -0.5),
    p("acc", 9.8),
  ]);
  assert.deepEqual(points(">idle:"), []);
});

Deno.test("text lines - Teleplot text and 3D telemetries are refused", () => {
  const text = "is Teleplot text (|t), not a number";
  assert.equal(reason("myValue:hello|t"), text);
  assert.equal(reason("motor_4_state:Turned On|t"), text);
  assert.equal(reason("motor_4_state:1627551892437:Off|t"), text);
  assert.equal(
    reason("state:1627551892444:state_a;1627551892555:state_b|t"),
    text,
  );
  assert.equal(reason(">status:Running|np,t"), text);
  assert.equal(
    reason("3D|mySimpleCube:S:cube:P:1:1:1:R:0:0:0:W:2:H:2:D:2:C:#2ecc71"),
    "is a Teleplot 3D shape, not a number",
  );
});

Deno.test("text lines - a value that is not a finite number is named", () => {
  assert.equal(
    reason("temp:abc"),
    'value "abc" of "temp" is not a finite number',
  );
  assert.equal(
    reason("temp:abc", named),
    'value "abc" of "temp" is not a finite number',
  );
  assert.equal(
    reason("a:1 b:nan"),
    'value "nan" of "b" is not a finite number',
  );
  assert.equal(
    reason("1 inf 3"),
    'value "inf" of "value2" is not a finite number',
  );
  assert.equal(reason("abc"), 'value "abc" is not a finite number');
  assert.equal(reason("1e999"), 'value "1e999" is not a finite number');
  assert.equal(reason("0x10"), 'value "0x10" is not a finite number');
  assert.equal(reason("time,value"), 'x "time" is not a finite number');
  assert.equal(reason("1.5,abc"), 'y "abc" is not a finite number');
  assert.equal(
    reason(">temp:warm"),
    'value "warm" of "temp" is not a finite number',
  );
  assert.equal(
    reason("t:soon:1"),
    'timestamp "soon" of "t" is not a finite number',
  );
  assert.equal(
    reason("t:1:Infinity"),
    'value "Infinity" of "t" is not a finite number',
  );
  assert.equal(reason("pos:a:1|xy"), 'x "a" of "pos" is not a finite number');
  assert.equal(reason("pos:1:b|xy"), 'y "b" of "pos" is not a finite number');
  assert.equal(
    reason("pos:1:2:later|xy"),
    'timestamp "later" of "pos" is not a finite number',
  );
  // a 64 KiB line doesn't come back whole in the reason
  assert.equal(
    reason(`a:${"9".repeat(80)}x`),
    `value "${"9".repeat(64)}…" of "a" is not a finite number`,
  );
});

Deno.test("text lines - an empty or invalid label is named", () => {
  assert.equal(reason(":5"), 'label is empty in ":5"');
  assert.equal(reason("a:1,:5"), 'label is empty in ":5"');
  assert.equal(reason(">:Hello world"), 'name is empty in ">:Hello world"');
  const rule = "must be 1-64 characters of A-Z a-z 0-9 _ . : -";
  assert.equal(reason("tëmp:1"), `label "tëmp" ${rule}`);
  assert.equal(reason(">a/b:1"), `label "a/b" ${rule}`);
  assert.equal(reason("a|b:1"), `label "a|b" ${rule}`);
  const long = "L".repeat(60);
  assert.deepEqual(points(`${long}:1`), [p(long, 1)]);
  assert.equal(
    reason(`${long}:1`, named),
    `label "${long}" (channel "bench.${"L".repeat(58)}…") ${rule}`,
  );
  // an unlabeled value's channel gets the prefix too, so it can be too long as well
  const prefix = "p".repeat(60);
  assert.equal(
    reason("1 2", { channel: prefix, prefix }),
    `label "value1" (channel "${prefix}.val…") ${rule}`,
  );
});

Deno.test("text lines - a shape neither format has is refused", () => {
  assert.equal(
    reason("a:1:2 b:3"),
    '"a:1:2" is not label:value (more than one ":")',
  );
  assert.equal(reason(">hello"), '">hello" is not Teleplot name:value');
  assert.equal(
    reason("a:1:2:3"),
    'sample "1:2:3" of "a" is not value or timestamp:value',
  );
  assert.equal(
    reason(">a:1;2:3:4"),
    'sample "2:3:4" of "a" is not value or timestamp:value',
  );
  assert.equal(
    reason("pos:5|xy"),
    'sample "5" of "pos" is not x:y or x:y:timestamp (|xy)',
  );
});

Deno.test("text lines - parses 300k lines in well under a second", () => {
  const lines = ["a:1.25,b:-3", "3.3", "1.5,2.25", ">t:1627551892437:20.5|np"];
  let count = 0;
  const start = performance.now();
  for (let i = 0; i < 300_000; i++) {
    const r = parseTextLine(lines[i & 3], named);
    if (r.ok) count += r.points.length;
  }
  const ms = performance.now() - start;
  assert.equal(count, 375_000);
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});
