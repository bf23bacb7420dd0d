import assert from "node:assert/strict";
import type { LinePoint } from "./line_points.ts";
import {
  type LineProtocolOptions,
  type LineProtocolParsed,
  parseLineProtocol,
  precisionSeconds,
} from "./line_protocol.ts";
import { CHANNEL_PATTERN } from "../shared/names.ts";

const NS: LineProtocolOptions = { unitSeconds: 1e-9, maxPoints: 1000 };

function ok(r: LineProtocolParsed): { points: LinePoint[]; lines: number } {
  if (!r.ok) {
    throw new Error(`expected success, got line ${r.line}: ${r.reason}`);
  }
  for (const p of r.points) assert.match(p.channel, CHANNEL_PATTERN);
  return { points: r.points, lines: r.lines };
}
function points(text: string, opts = NS): LinePoint[] {
  return ok(parseLineProtocol(text, opts)).points;
}
function bad(
  text: string,
  opts = NS,
): { line: number; reason: string; tooMany?: boolean } {
  const r = parseLineProtocol(text, opts);
  if (r.ok) throw new Error(`expected a failure for ${JSON.stringify(text)}`);
  const { line, reason, tooMany } = r;
  return tooMany === undefined ? { line, reason } : { line, reason, tooMany };
}
function channelOf(line: string): string {
  const ps = points(line);
  assert.equal(ps.length, 1, line);
  return ps[0].channel;
}

Deno.test("line protocol - the v2 reference's examples parse as the page describes", () => {
  // https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/
  // string fields are accepted and give no point
  const strings = [
    'myMeasurement,tag1=value1,tag2=value2 fieldKey="fieldValue" 1556813561098000000',
    'measurementName fieldKey="field string value" 1556813561098000000',
    'myMeasurement fieldKey="this is a string"',
    'myMeasurementName fieldKey="fieldValue" 1556813561098000000',
    String.raw`my\ Measurement fieldKey="string value"`,
    String.raw`myMeasurement fieldKey="\"string\" within a string"`,
    'myMeasurement,tagKey=🍭 fieldKey="Launch 🚀" 1556813561098000000',
    '# This is a comment\nmyMeasurement fieldKey="string value" 1556813561098000000',
  ];
  for (const text of strings) {
    assert.deepEqual(parseLineProtocol(text, NS), {
      ok: true,
      points: [],
      lines: 1,
    }, text);
  }
  // "Elements of line protocol"
  assert.deepEqual(
    points(
      'myMeasurement,tag1=val1,tag2=val2 field1="v1",field2=1i 0000000000000000000',
    ),
    [{ channel: "myMeasurement.val1.val2.field2", x: 0, y: 1 }],
  );
  const values: [string, number][] = [
    ["myMeasurement fieldKey=1.0", 1],
    ["myMeasurement fieldKey=1", 1],
    ["myMeasurement fieldKey=-1.234456e+78", -1.234456e+78],
    ["myMeasurement fieldKey=1i", 1],
    ["myMeasurement fieldKey=12485903i", 12485903],
    ["myMeasurement fieldKey=-12485903i", -12485903],
    ["myMeasurement fieldKey=1u", 1],
    ["myMeasurement fieldKey=12485903u", 12485903],
    ["myMeasurement fieldKey=true", 1],
    ["myMeasurement fieldKey=false", 0],
    ["myMeasurement fieldKey=t", 1],
    ["myMeasurement fieldKey=f", 0],
    ["myMeasurement fieldKey=TRUE", 1],
    ["myMeasurement fieldKey=FALSE", 0],
  ];
  for (const [line, y] of values) {
    assert.deepEqual(points(line), [{
      channel: "myMeasurement.fieldKey",
      x: null,
      y,
    }], line);
  }
  assert.equal(
    channelOf(
      String
        .raw`myMeasurement,tag\ Key1=tag\ Value1,tag\ Key2=tag\ Value2 fieldKey=100`,
    ),
    "myMeasurement.tag_Value1.tag_Value2.fieldKey",
  );
});

Deno.test("line protocol - the v1 reference's and tutorial's examples parse as they describe", () => {
  // https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/ (INSERT
  // statements, without the INSERT) and .../line_protocol_tutorial/
  const cases: [string, string, number, number | null][] = [
    [
      "weather,location=us-midwest temperature=82 1465839830100400200",
      "weather.us-midwest.temperature",
      82,
      1465839830.1004002,
    ],
    [
      "weather,location=us-midwest,season=summer temperature=82 1465839830100400200",
      "weather.us-midwest.summer.temperature",
      82,
      1465839830.1004002,
    ],
    [
      "weather temperature=82 1465839830100400200",
      "weather.temperature",
      82,
      1465839830.1004002,
    ],
    [
      "weather,location=us-midwest temperature=82",
      "weather.us-midwest.temperature",
      82,
      null,
    ],
    [
      "weather,location=us-midwest temperature=82i 1465839830100400200",
      "weather.us-midwest.temperature",
      82,
      1465839830.1004002,
    ],
    [
      "weather,location=us-midwest too_hot=true 1465839830100400200",
      "weather.us-midwest.too_hot",
      1,
      1465839830.1004002,
    ],
    [
      "weather,location=us-midwest temperature=81i 1465839830100400300",
      "weather.us-midwest.temperature",
      81,
      1465839830.1004003,
    ],
    [
      "weather,location=us-midwest temperature=81i 1467154750000000000",
      "weather.us-midwest.temperature",
      81,
      1467154750,
    ],
    [
      '"weather",location=us-midwest temperature=87 1465839830100400200',
      "_weather_.us-midwest.temperature",
      87,
      1465839830.1004002,
    ],
    [
      String
        .raw`weather,location=us\,midwest temperature=82 1465839830100400200`,
      "weather.us_midwest.temperature",
      82,
      1465839830.1004002,
    ],
    [
      String
        .raw`weather,location=us-midwest temp\=rature=82 1465839830100400200`,
      "weather.us-midwest.temp_rature",
      82,
      1465839830.1004002,
    ],
    [
      String
        .raw`weather,location\ place=us-midwest temperature=82 1465839830100400200`,
      "weather.us-midwest.temperature",
      82,
      1465839830.1004002,
    ],
    [
      String
        .raw`wea\,ther,location=us-midwest temperature=82 1465839830100400200`,
      "wea_ther.us-midwest.temperature",
      82,
      1465839830.1004002,
    ],
    [
      String
        .raw`wea\ ther,location=us-midwest temperature=82 1465839830100400200`,
      "wea_ther.us-midwest.temperature",
      82,
      1465839830.1004002,
    ],
    // ⛅️ is two code points (cloud, variation selector), 🔥 one
    [
      "we⛅️ther,location=us-midwest temper🔥ture=82 1465839830100400200",
      "we__ther.us-midwest.temper_ture",
      82,
      1465839830.1004002,
    ],
    ["mymeas value=-1.234456e+78", "mymeas.value", -1.234456e+78, null],
    ["mymeas value=1.0", "mymeas.value", 1, null],
    ["mymeas value=1", "mymeas.value", 1, null],
    ["mymeas value=1i", "mymeas.value", 1, null],
    ["mymeas value=true", "mymeas.value", 1, null],
    ["mymeas value=3 1465934559000000000", "mymeas.value", 3, 1465934559],
    ["mymeas value=1.e+78", "mymeas.value", 1e78, null],
    ["mymeas value=1.E+78", "mymeas.value", 1e78, null],
    ['"mymeas" value=200', "_mymeas_.value", 200, null],
  ];
  for (const [line, channel, y, x] of cases) {
    const [p, ...rest] = points(line);
    assert.equal(rest.length, 0, line);
    assert.equal(p.channel, channel, line);
    assert.equal(p.y, y, line);
    if (x === null) assert.equal(p.x, null, line);
    else assert.ok(Math.abs(p.x! - x) < 1e-6, `${line}: x ${p.x}`);
  }
  const strings = [
    'mymeas value="stringing along"',
    'mymeas value="true"',
    'mymeas value="stringing along" 1465934559000000001',
    'weather,location=us-midwest temperature="too warm" 1465839830100400200',
    'weather,location=us-midwest temperature="too warm"',
    String
      .raw`weather,location=us-midwest temperature="too\"hot\"" 1465839830100400200`,
    'weather,location=us-midwest temperature_str="too hot/cold" 1465839830100400201',
    String
      .raw`weather,location=us-midwest temperature_str="too hot\cold" 1465839830100400202`,
    String
      .raw`weather,location=us-midwest temperature_str="too hot\\cold" 1465839830100400203`,
    String
      .raw`weather,location=us-midwest temperature_str="too hot\\\cold" 1465839830100400204`,
    String
      .raw`weather,location=us-midwest temperature_str="too hot\\\\cold" 1465839830100400205`,
    String
      .raw`weather,location=us-midwest temperature_str="too hot\\\\\cold" 1465839830100400206`,
    String
      .raw`"measurement\ with\ quo⚡️es\ and\ emoji",tag\ key\ with\ sp🚀ces=tag\,value\,with"commas" field_k\ey="string field value, only \" need be esc🍭ped"`,
  ];
  for (const line of strings) assert.deepEqual(points(line), [], line);
  // the special-characters example with a number: tag value `tag,value,with"commas"`, field key `field_k\ey`
  assert.equal(
    channelOf(
      String
        .raw`m,tag\ key\ with\ sp🚀ces=tag\,value\,with"commas" field_k\ey=1`,
    ),
    "m.tag_value_with_commas_.field_k_ey",
  );
  // and as written it would name a 70-character channel
  assert.match(
    bad(
      String
        .raw`"measurement\ with\ quo⚡️es\ and\ emoji",tag\ key\ with\ sp🚀ces=tag\,value\,with"commas" field_k\ey=1`,
    ).reason,
    /too long \(70 characters, max 64\)/,
  );
});

Deno.test("line protocol - the references' invalid examples fail", () => {
  assert.deepEqual(bad('mymeas value=9 "1466625759000000000"'), {
    line: 1,
    reason: 'timestamp "\\"1466625759000000000\\"" is not an integer',
  });
  assert.deepEqual(bad("weather,location=us-midwest temperature='too warm'"), {
    line: 1,
    reason:
      `field "temperature" has value "'too", which is not a number, boolean or quoted string`,
  });
});

Deno.test("line protocol - escapes in measurement, tag keys, tag values and field keys", () => {
  const cases: [string, string][] = [
    [String.raw`a\,b x=1`, "a_b.x"],
    [String.raw`a\ b x=1`, "a_b.x"],
    // "=" needs no escape in a measurement, so `\=` keeps its backslash
    ["a=b x=1", "a_b.x"],
    [String.raw`a\=b x=1`, "a__b.x"],
    [String.raw`m,k\,1=v\,1 x=1`, "m.v_1.x"],
    [String.raw`m,k\=1=v\=1 x=1`, "m.v_1.x"],
    [String.raw`m,k\ 1=v\ 1 x=1`, "m.v_1.x"],
    [String.raw`m f\,1=1`, "m.f_1"],
    [String.raw`m f\=1=1`, "m.f_1"],
    [String.raw`m f\ 1=1`, "m.f_1"],
    // the backslash table: `\\` is one backslash, `\\\` two, and `\\` then a space ends the value
    [String.raw`m,t=a\\b x=1`, "m.a_b.x"],
    [String.raw`m,t=a\\\b x=1`, "m.a__b.x"],
    [String.raw`m,t=a\\\\b x=1`, "m.a__b.x"],
    [String.raw`m,t=a\\ x=1`, "m.a_.x"],
    [String.raw`m,t=a\\,u=b x=1`, "m.a_.b.x"],
    // a backslash before anything else is a character of its own
    [String.raw`m,t=a\b x\y=1`, "m.a_b.x_y"],
    // quotes are part of names and tag values
    [`m,"t"='v' "f"=1`, "m._v_._f_"],
    // "." inside a name must not look like structure
    ["cpu.total,host=a.b.c use.pct=1", "cpu_total.a_b_c.use_pct"],
  ];
  for (const [line, channel] of cases) {
    assert.equal(channelOf(line), channel, line);
  }

  // string values: spaces, commas and "=" inside quotes; `\"` and `\\` escape
  assert.deepEqual(points('m s="a, b=c d",x=2 5'), [{
    channel: "m.x",
    x: 5e-9,
    y: 2,
  }]);
  assert.deepEqual(points(String.raw`m s="a \\",x=3`), [{
    channel: "m.x",
    x: null,
    y: 3,
  }]);
  assert.deepEqual(points(String.raw`m s="say \"x=1, y=2\"",y=4`), [{
    channel: "m.y",
    x: null,
    y: 4,
  }]);
  assert.deepEqual(points('m s=""'), []);
  assert.deepEqual(points('m s="#not a comment" 7'), []);
});

Deno.test("line protocol - every field type gives its value", () => {
  const values: [string, number][] = [
    ["1", 1],
    ["1.0", 1],
    ["-1.5e3", -1500],
    ["1e-3", 0.001],
    ["1E3", 1000],
    ["1e+3", 1000],
    ["1.", 1],
    [".5", 0.5],
    ["-.5", -0.5],
    ["0012", 12],
    ["-0", -0],
    ["3.14159", 3.14159],
    ["12i", 12],
    ["-12i", -12],
    ["0i", 0],
    ["9223372036854775807i", 9223372036854775807],
    ["-9223372036854775808i", -9223372036854775808],
    ["000000000000000000009223372036854775807i", 9223372036854775807],
    ["12u", 12],
    ["0u", 0],
    ["18446744073709551615u", 18446744073709551615],
    ["t", 1],
    ["T", 1],
    ["true", 1],
    ["True", 1],
    ["TRUE", 1],
    ["f", 0],
    ["F", 0],
    ["false", 0],
    ["False", 0],
    ["FALSE", 0],
  ];
  for (const [value, y] of values) {
    assert.deepEqual(
      points(`m v=${value}`),
      [{ channel: "m.v", x: null, y }],
      value,
    );
  }
  // several types in one line, in order; the string gives no point
  assert.deepEqual(
    points('m a=1,b=2i,c=3u,d=t,e="s",f=-0.5 10').map((p) => [p.channel, p.y]),
    [
      ["m.a", 1],
      ["m.b", 2],
      ["m.c", 3],
      ["m.d", 1],
      ["m.f", -0.5],
    ],
  );
  // a line of strings only is fine and counts as a line
  assert.deepEqual(parseLineProtocol('m a="x",b="y"\nm c=1', NS), {
    ok: true,
    points: [{ channel: "m.c", x: null, y: 1 }],
    lines: 2,
  });
});

Deno.test("line protocol - malformed field values fail, naming the line and the field", () => {
  const notValue = "which is not a number, boolean or quoted string";
  const cases: [string, string][] = [
    ["1.2.3", notValue],
    ["abc", notValue],
    ["12x", notValue],
    ["NaN", notValue],
    ["nan", notValue],
    ["Inf", notValue],
    ["-Inf", notValue],
    ["Infinity", notValue],
    ["+1", notValue],
    ["-", notValue],
    ["1e", notValue],
    ["1e+", notValue],
    ["e5", notValue],
    [".", notValue],
    ["1.5i", notValue],
    ["1e3i", notValue],
    ["1e3u", notValue],
    ["1iu", notValue],
    ["i", notValue],
    ["0x10", notValue],
    ["1_000", notValue],
    ["tru", notValue],
    ["yes", notValue],
    ["'x'", notValue],
    ["1..2", notValue],
    ["1e400", "which is too large for a 64-bit float"],
    ["-1e400", "which is too large for a 64-bit float"],
    ["9223372036854775808i", "which is outside the 64-bit integer range"],
    ["-9223372036854775809i", "which is outside the 64-bit integer range"],
    ["99999999999999999999i", "which is outside the 64-bit integer range"],
    [
      "18446744073709551616u",
      "which is outside the unsigned 64-bit integer range",
    ],
    ["-1u", "which is outside the unsigned 64-bit integer range"],
  ];
  for (const [value, why] of cases) {
    assert.deepEqual(bad(`m ok=1\n\nm ok=1,temp=${value} 1`), {
      line: 3,
      reason: `field "temp" has value ${JSON.stringify(value)}, ${why}`,
    }, value);
  }
  assert.deepEqual(bad("m temp=abc"), {
    line: 1,
    reason:
      'field "temp" has value "abc", which is not a number, boolean or quoted string',
  });
});

Deno.test("line protocol - precision names map to seconds per unit", () => {
  const v1: [string | undefined, number | null][] = [
    [undefined, 1e-9],
    ["", 1e-9],
    ["n", 1e-9],
    ["ns", 1e-9],
    ["u", 1e-6],
    ["us", 1e-6],
    ["µ", 1e-6],
    ["μ", 1e-6],
    ["ms", 1e-3],
    ["s", 1],
    ["m", 60],
    ["h", 3600],
    ["x", null],
    ["NS", null],
    ["d", null],
    ["constructor", null],
    [" s", null],
  ];
  for (const [raw, seconds] of v1) {
    assert.equal(precisionSeconds(raw, 1), seconds, `1.x ${raw}`);
  }
  const v2: [string | undefined, number | null][] = [
    [undefined, 1e-9],
    ["", 1e-9],
    ["ns", 1e-9],
    ["us", 1e-6],
    ["ms", 1e-3],
    ["s", 1],
    ["n", null],
    ["u", null],
    ["µ", null],
    ["m", null],
    ["h", null],
    ["S", null],
    ["toString", null],
  ];
  for (const [raw, seconds] of v2) {
    assert.equal(precisionSeconds(raw, 2), seconds, `2.x ${raw}`);
  }
});

Deno.test("line protocol - timestamps convert in every precision", () => {
  const at = (ts: string, unitSeconds: number) =>
    points(`m v=1 ${ts}`, { unitSeconds, maxPoints: 10 })[0].x;
  // the same instant, 2016-06-13T17:43:50.1004002Z, in each unit
  assert.ok(
    Math.abs(at("1465839830100400200", 1e-9)! - 1465839830.1004002) < 1e-6,
  );
  assert.equal(at("1465839830100400", 1e-6), 1465839830.1004);
  assert.equal(at("1465839830100", 1e-3), 1465839830.1);
  assert.equal(at("1465839830", 1), 1465839830);
  assert.equal(at("24430663", 60), 1465839780);
  assert.equal(at("407177", 3600), 1465837200);
  // before 1970, and the epoch itself
  assert.equal(at("-1500000000", 1e-9), -1.5);
  assert.equal(at("-1465839830100400", 1e-6), -1465839830.1004);
  assert.equal(at("-5", 1), -5);
  assert.equal(at("-2", 60), -120);
  assert.equal(at("0", 1e-9), 0);
  assert.equal(at("-0", 1e-9), 0);
});

Deno.test("line protocol - a 19-digit nanosecond timestamp stays exact to the microsecond", () => {
  // Number(ts) / 1e9 would round the 19 digits to a multiple of 256 ns before dividing
  const seconds = [1465839830, 1556813561, 1700000000, 2000000000, 2147483647];
  const micros = [0, 1, 100400, 499999, 500000, 999999];
  for (const s of seconds) {
    for (const us of micros) {
      const ts = BigInt(s) * 1_000_000_000n + BigInt(us) * 1000n;
      const x = points(`m v=1 ${ts}`)[0].x!;
      assert.equal(Math.floor(x), s, `${ts}`);
      assert.equal(Math.round((x - s) * 1e6), us, `${ts}`);
    }
  }
  const x = points("m v=1 1465839830100400200")[0].x!;
  assert.equal(Math.round((x - 1465839830) * 1e7), 1004002);
  // and as close as a double gets: near 1.5e9 s doubles are 2^-22 s (238 ns) apart, so x lands
  // within half of that, where rounding the 19 digits first would miss by up to 128 ns more
  for (let k = 0n; k < 2000n; k++) {
    const ts = 1465839830100400200n + k * 7919n;
    const x = points(`m v=1 ${ts}`)[0].x!;
    // x * 2^22 is an integer, so the error (in ns, times 2^22) is exact
    const error = BigInt(x * 2 ** 22) * 1_000_000_000n - ts * 2n ** 22n;
    const limit = 120n * 2n ** 22n;
    assert.ok(error <= limit && error >= -limit, `${ts}: ${x}`);
  }
});

Deno.test("line protocol - timestamps outside ±9223372036854775806 ns or not integers fail", () => {
  const range =
    "is outside the range line protocol allows (±9223372036854775806 ns)";
  assert.ok(points("m v=1 9223372036854775806")[0].x! > 9223372036);
  assert.ok(points("m v=1 -9223372036854775806")[0].x! < -9223372036);
  assert.deepEqual(bad("m v=1 9223372036854775807"), {
    line: 1,
    reason: `timestamp "9223372036854775807" ${range}`,
  });
  assert.deepEqual(
    bad("m v=1 -9223372036854775807").reason,
    `timestamp "-9223372036854775807" ${range}`,
  );
  assert.equal(bad("m v=1 100000000000000000000000000").line, 1);
  const s = { unitSeconds: 1, maxPoints: 10 };
  assert.equal(points("m v=1 9223372036", s)[0].x, 9223372036);
  assert.deepEqual(
    bad("m v=1 9223372037", s).reason,
    `timestamp "9223372037" ${range}`,
  );
  const h = { unitSeconds: 3600, maxPoints: 10 };
  assert.equal(points("m v=1 2562047", h)[0].x, 2562047 * 3600);
  assert.deepEqual(
    bad("m v=1 2562048", h).reason,
    `timestamp "2562048" ${range}`,
  );
  for (
    const ts of [
      "1.5",
      "1e9",
      "-",
      "+5",
      "12abc",
      "0x10",
      "2016-06-13T17:43:50Z",
    ]
  ) {
    assert.deepEqual(bad(`m v=1\nm v=1 ${ts}`), {
      line: 2,
      reason: `timestamp ${JSON.stringify(ts)} is not an integer`,
    }, ts);
  }
});

Deno.test("line protocol - comments, blank lines and CRLF are skipped, and line numbers count them", () => {
  const text =
    "# header\r\n\r\n   \r\n\t\ncpu v=1 1000000000\r\n  # indented comment\n\nmem v=2\n";
  assert.deepEqual(parseLineProtocol(text, NS), {
    ok: true,
    points: [{ channel: "cpu.v", x: 1, y: 1 }, {
      channel: "mem.v",
      x: null,
      y: 2,
    }],
    lines: 2,
  });
  assert.deepEqual(parseLineProtocol("", NS), {
    ok: true,
    points: [],
    lines: 0,
  });
  assert.deepEqual(parseLineProtocol("\n\n# only comments\n", NS), {
    ok: true,
    points: [],
    lines: 0,
  });
  // a "#" later in a line is not a comment
  assert.deepEqual(bad("# fine\r\n\r\ncpu v=1 # no"), {
    line: 3,
    reason: 'timestamp "#" is not an integer',
  });
  assert.equal(bad("# 1\n\n\n\n\ncpu").line, 6);
  // extra spaces between the parts, and trailing ones, are tolerated; a tab is no separator
  assert.deepEqual(points("cpu   v=1   2  "), [{
    channel: "cpu.v",
    x: 2e-9,
    y: 1,
  }]);
  assert.deepEqual(bad("cpu\tv=1"), {
    line: 1,
    reason: "the line has no fields after its measurement",
  });
});

Deno.test("line protocol - each syntax error names its line and the problem", () => {
  const cases: [string, string][] = [
    [",t=1 x=1", "the measurement is missing"],
    [" ,t=1 x=1", "the measurement is missing"],
    ["m", "the line has no fields after its measurement"],
    ["m ", "the line has no fields after its measurement"],
    ["m,t=1", "the line has no fields after its measurement"],
    [String.raw`m\ x=1`, "the line has no fields after its measurement"],
    ["m,t x=1", 'tag "t" has no "=" and value'],
    ["m,t", 'tag "t" has no "=" and value'],
    ["m,t= x=1", 'tag "t" has an empty value'],
    ["m,t=1,u= x=1", 'tag "u" has an empty value'],
    ["m,=v x=1", "a tag key is empty"],
    ["m, x=1", 'a tag is missing after ","'],
    ["m,t=1, x=1", 'a tag is missing after ","'],
    ["m,t=a=b x=1", 'the value of tag "t" holds an unescaped "="'],
    ["m,t=1,t=2 x=1", 'tag "t" is given twice'],
    ["m x", 'field "x" has no "=" and value'],
    ["m x y=1", 'field "x" has no "=" and value'],
    ["m y=1,x", 'field "x" has no "=" and value'],
    [String.raw`m x\=1`, 'field "x=1" has no "=" and value'],
    ["m x=", 'field "x" has no value'],
    ["m x=,y=1", 'field "x" has no value'],
    ["m x= 5", 'field "x" has no value'],
    ["m =1", "a field key is empty"],
    ["m ,x=1", "a field key is empty"],
    ["m x=1,=2", "a field key is empty"],
    ["m x=1,", 'a field is missing after ","'],
    ["m x=1,,y=2", 'a field is missing after ","'],
    ['m x="abc', 'field "x" has an unterminated quoted string'],
    [String.raw`m x="abc\"`, 'field "x" has an unterminated quoted string'],
    ['m x="a"b', 'field "x" has text after its closing quote'],
    ['m x="a""b"', 'field "x" has text after its closing quote'],
    ["m x=1 123 456", 'unexpected text "456" after the timestamp'],
    ['m x=1 123 "z"', 'unexpected text "\\"z\\"" after the timestamp'],
    [
      "_m x=1",
      'measurement "_m" starts with "_", which InfluxDB reserves for itself',
    ],
    [
      "m,_t=1 x=1",
      'tag key "_t" starts with "_", which InfluxDB reserves for itself',
    ],
    [
      "m _x=1",
      'field "_x" starts with "_", which InfluxDB reserves for itself',
    ],
  ];
  for (const [line, reason] of cases) {
    assert.deepEqual(bad(`ok v=1\n# comment\n\n${line}\nok v=2`), {
      line: 4,
      reason,
    }, line);
  }
  // a bad value quoted in a reason is cut short
  const long = bad(`m x=${"z".repeat(10_000)}`).reason;
  assert.ok(long.length < 300 && long.includes("…"), long);
});

Deno.test("line protocol - channels join measurement, tag values by sorted key and field key", () => {
  assert.equal(
    channelOf("cpu,host=server01,region=us-west usage_idle=99.2"),
    "cpu.server01.us-west.usage_idle",
  );
  assert.equal(
    channelOf("cpu,region=us-west,host=server01 usage_idle=99.2"),
    "cpu.server01.us-west.usage_idle",
  );
  assert.equal(channelOf("m,c=3,a=1,b=2 x=1"), "m.1.2.3.x");
  // bytewise: upper case before lower case, a prefix before its extensions
  assert.equal(
    channelOf("m,b=lower,B=upper,bb=longer x=1"),
    "m.upper.lower.longer.x",
  );
  // code-point order, as UTF-8 bytes compare: U+FF5E (a BMP character) sorts before U+1F600
  assert.equal(channelOf("m,😀=astral,～=bmp x=1"), "m.bmp.astral.x");
  // what may stay in a channel stays; everything else becomes "_"
  assert.equal(
    channelOf("Az09_:-,t=Az09_:- Az09_:-=1"),
    "Az09_:-.Az09_:-.Az09_:-",
  );
  assert.equal(channelOf("m,t=a/b?c&d%e x=1"), "m.a_b_c_d_e.x");
  assert.equal(channelOf("m,t=ü x=1"), "m._.x");
  // each field of a series shares the series' channel prefix, and repeated lines reuse it
  const ps = points(
    "cpu,host=a user=1,sys=2 1\ncpu,host=a user=3,sys=4 2\ncpu,host=b user=5 3",
  );
  assert.deepEqual(ps.map((p) => [p.channel, p.x! * 1e9, p.y]), [
    ["cpu.a.user", 1, 1],
    ["cpu.a.sys", 1, 2],
    ["cpu.a.user", 2, 3],
    ["cpu.a.sys", 2, 4],
    ["cpu.b.user", 3, 5],
  ]);
});

Deno.test("line protocol - a field given twice in a line keeps its last value", () => {
  assert.deepEqual(points("m x=1,y=2,x=3 5"), [
    { channel: "m.x", x: 5e-9, y: 3 },
    { channel: "m.y", x: 5e-9, y: 2 },
  ]);
  // two keys that name the same channel count as one field too
  assert.deepEqual(points("m a.b=1,a_b=2"), [{
    channel: "m.a_b",
    x: null,
    y: 2,
  }]);
  // a string never replaces a number: strings give no point at all
  assert.deepEqual(points('m x=1,x="s"'), [{ channel: "m.x", x: null, y: 1 }]);
  // across lines nothing is merged: each line is its own point
  assert.equal(points("m x=1 5\nm x=2 5").length, 2);
});

Deno.test("line protocol - a channel name over 64 characters fails its line", () => {
  const m = "m".repeat(40), f = "f".repeat(64 - 40 - 1 - 8 - 1);
  assert.equal(channelOf(`${m},t=${"v".repeat(8)} ${f}=1`).length, 64);
  const name = `${m}.${"v".repeat(8)}.${f}x`;
  assert.deepEqual(bad(`ok v=1\n${m},t=${"v".repeat(8)} ${f}x=1`), {
    line: 2,
    reason:
      `the channel name "${name}" would be too long (65 characters, max 64)`,
  });
  // the name is checked after escapes are resolved
  assert.equal(channelOf(`${"a\\ ".repeat(30)}ab x=1`).length, 64);
  assert.match(
    bad(`${"a\\ ".repeat(30)}abc x=1`).reason,
    /would be too long \(65 characters/,
  );
  // a string field never names a channel, so it can't be too long
  assert.deepEqual(points(`${m} ${"s".repeat(100)}="v"`), []);
});

Deno.test("line protocol - more points than maxPoints fail with tooMany at the line that overflows", () => {
  const opts = { unitSeconds: 1e-9, maxPoints: 3 };
  assert.equal(points("m a=1\nm a=2\nm a=3", opts).length, 3);
  assert.deepEqual(bad("m a=1\n# c\nm a=2\nm a=3\nm a=4", opts), {
    line: 5,
    reason: "the body holds more than the 3 points allowed",
    tooMany: true,
  });
  // a line whose fields cross the limit fails, though the line before it fit
  assert.deepEqual(bad("m a=1,b=2\nm a=3,b=4", opts), {
    line: 2,
    reason: "the body holds more than the 3 points allowed",
    tooMany: true,
  });
  // strings and comments cost nothing
  assert.equal(
    points('m a=1,s="x"\nm s="y"\n# m a=2\nm a=2,b=3', opts).length,
    3,
  );
  assert.deepEqual(
    parseLineProtocol('# nothing\nm s="x"', {
      unitSeconds: 1e-9,
      maxPoints: 0,
    }),
    {
      ok: true,
      points: [],
      lines: 1,
    },
  );
  // a syntax error before the overflow is reported as such
  assert.deepEqual(bad("m a=1\nm a=2\nm a=3\nm a=x", opts).tooMany, undefined);
});

Deno.test("line protocol - a 100,000-line Telegraf-style batch parses completely", () => {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    lines.push(
      `cpu,cpu=cpu${i % 8},host=h1 usage_user=${i}.5,usage_idle=${i % 100}i ${
        1700000000000000000n + BigInt(i) * 1000n
      }`,
    );
  }
  const r = ok(
    parseLineProtocol(lines.join("\n") + "\n", {
      unitSeconds: 1e-9,
      maxPoints: 200_000,
    }),
  );
  assert.equal(r.lines, 100_000);
  assert.equal(r.points.length, 200_000);
  assert.deepEqual(r.points[199_998].channel, "cpu.cpu7.h1.usage_user");
  assert.equal(r.points[199_998].y, 99_999.5);
  assert.equal(r.points[199_999].y, 99);
  assert.equal(Math.round((r.points[199_999].x! - 1700000000) * 1e6), 99_999);
});
