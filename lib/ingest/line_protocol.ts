import { channelPart as sanitize } from "./channel_part.ts";
import type { LinePoint } from "./line_points.ts";

/**
 * InfluxDB line protocol (the body of `POST /api/v2/write` and the 1.x `POST /write`), as the
 * v2 reference describes it: https://docs.influxdata.com/influxdb/v2/reference/syntax/line-protocol/
 * Every numeric or boolean field becomes one point on the channel
 * `<measurement>.<tag values, by tag key>.<field key>`. Pure: no I/O, no timers.
 */

export type Precision = "ns" | "us" | "ms" | "s";

export interface LineProtocolOptions {
  /** seconds per timestamp unit, e.g. 1e-9 for ns */
  unitSeconds: number;
  /** most points the whole body may yield */
  maxPoints: number;
}

export type LineProtocolParsed =
  | { ok: true; points: LinePoint[]; lines: number }
  | { ok: false; line: number; reason: string; tooMany?: boolean };

const MAX_CHANNEL_CHARS = 64;
// the spec's naming restriction: names starting with "_" belong to InfluxDB itself
const RESERVED = ' starts with "_", which InfluxDB reserves for itself';
// the spec's timestamp range is ±9223372036854775806 ns whatever the precision
const MAX_TIMESTAMP_NS = 9223372036854775806n;
// past this many distinct series a body is not a batch of repeated metrics, so stop caching
const MAX_CACHED_SERIES = 10_000;

const V2_UNITS = new Map<string, number>(
  Object.entries(
    { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1 } satisfies Record<Precision, number>,
  ),
);
// 1.x spells micro both as the micro sign (U+00B5) and the Greek mu (U+03BC) it folds to
const V1_UNITS = new Map<string, number>([
  ["n", 1e-9],
  ["ns", 1e-9],
  ["u", 1e-6],
  ["us", 1e-6],
  ["\u00b5", 1e-6],
  ["\u03bc", 1e-6],
  ["ms", 1e-3],
  ["s", 1],
  ["m", 60],
  ["h", 3600],
]);

/** Parses a 1.x `precision` (n, ns, u, us, µ, ms, s, m, h) or 2.x (ns, us, ms, s) query value into seconds-per-unit, or null when unknown. */
export function precisionSeconds(
  raw: string | undefined,
  version: 1 | 2,
): number | null {
  // both servers treat an absent or empty precision as the nanosecond default
  if (raw === undefined || raw === "") return 1e-9;
  return (version === 1 ? V1_UNITS : V2_UNITS).get(raw) ?? null;
}

// character codes the scanner compares against
const BACKSLASH = 92,
  COMMA = 44,
  SPACE = 32,
  EQUALS = 61,
  QUOTE = 34,
  HASH = 35;
const TAB = 9,
  CR = 13,
  MINUS = 45,
  PLUS = 43,
  DOT = 46,
  UNDERSCORE = 95,
  ZERO = 48;
const LOWER_E = 101, LOWER_I = 105, LOWER_U = 117;

/** What a series key (measurement and tags) gave: the channel prefix, or why it was refused. */
type Series = { prefix: string; fields: Map<string, string> } | {
  reason: string;
};

/** How a timestamp in the body's unit turns into seconds. */
interface TimeScale {
  /** units per `step`: 10^k for a decimal unit (ns, us, ms, s), else 1 */
  divisor: bigint;
  divisorNumber: number;
  /** seconds per divided unit: 1 for a decimal unit, else `unitSeconds` (60 for m) */
  step: number;
  maxUnits: bigint;
}

function timeScale(unitSeconds: number): TimeScale {
  for (let k = 0; k <= 9; k++) {
    if (Math.abs(unitSeconds * 10 ** k - 1) < 1e-9) {
      const divisor = 10n ** BigInt(k);
      return {
        divisor,
        divisorNumber: 10 ** k,
        step: 1,
        maxUnits: MAX_TIMESTAMP_NS / 10n ** BigInt(9 - k),
      };
    }
  }
  const maxUnits = BigInt(
    Math.floor(Number(MAX_TIMESTAMP_NS) / (unitSeconds * 1e9)),
  );
  return { divisor: 1n, divisorNumber: 1, step: unitSeconds, maxUnits };
}

/**
 * Parses a line-protocol body into points (x in seconds, null where a line has no timestamp),
 * or names the first bad line (1-based) and why; `tooMany` when it holds over `maxPoints`.
 */
export function parseLineProtocol(
  text: string,
  opts: LineProtocolOptions,
): LineProtocolParsed {
  const scale = timeScale(opts.unitSeconds);
  const series = new Map<string, Series>();
  const values = new LineValues();
  const points: LinePoint[] = [];
  let line = 0, lines = 0, start = 0;
  while (start <= text.length) {
    line++;
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === CR) stop--;
    let i = start;
    while (i < stop && isBlank(text.charCodeAt(i))) i++;
    start = end + 1;
    if (i === stop || text.charCodeAt(i) === HASH) continue;
    lines++;
    const reason = parseLine(text, i, stop, scale, series, values);
    if (reason !== null) return { ok: false, line, reason };
    if (points.length + values.count > opts.maxPoints) {
      const reason =
        `the body holds more than the ${opts.maxPoints} points allowed`;
      return { ok: false, line, reason, tooMany: true };
    }
    const { channels, ys, x } = values;
    for (let k = 0; k < values.count; k++) {
      points.push({ channel: channels[k], x, y: ys[k] });
    }
  }
  return { ok: true, points, lines };
}

/** One line's values, kept until its timestamp is known; reused, so a line allocates no arrays. */
class LineValues {
  channels: string[] = [];
  ys: number[] = [];
  count = 0;
  x: number | null = null;

  /** A channel given twice in one line keeps its last value, as a field set union does. */
  set(channel: string, y: number): void {
    let at = 0;
    while (at < this.count && this.channels[at] !== channel) at++;
    this.channels[at] = channel;
    this.ys[at] = y;
    if (at === this.count) this.count++;
  }
}

/** Parses text[start, stop), a line that is not blank or a comment, into `out`; returns why it is bad, or null. */
function parseLine(
  text: string,
  start: number,
  stop: number,
  scale: TimeScale,
  series: Map<string, Series>,
  out: LineValues,
): string | null {
  out.count = 0;
  out.x = null;
  // the series key ends at the first unescaped space; quotes mean nothing before it
  let j = start;
  while (j < stop) {
    const c = text.charCodeAt(j);
    if (c === SPACE) break;
    j += c === BACKSLASH ? 2 : 1;
  }
  j = Math.min(j, stop);
  const rawKey = text.slice(start, j);
  let s = series.get(rawKey);
  if (s === undefined) {
    s = parseSeries(rawKey);
    if (series.size < MAX_CACHED_SERIES) series.set(rawKey, s);
  }
  if ("reason" in s) return s.reason;
  while (j < stop && text.charCodeAt(j) === SPACE) j++;
  if (j === stop) return "the line has no fields after its measurement";

  const end = parseFields(text, j, stop, s, out);
  if (typeof end === "string") return end;
  j = end;
  while (j < stop && text.charCodeAt(j) === SPACE) j++;
  if (j === stop) return null;
  const tsStart = j;
  while (j < stop && text.charCodeAt(j) !== SPACE) j++;
  const x = timestampSeconds(text.slice(tsStart, j), scale);
  if (typeof x === "string") return x;
  while (j < stop && text.charCodeAt(j) === SPACE) j++;
  if (j < stop) {
    return `unexpected text ${quote(text.slice(j, stop))} after the timestamp`;
  }
  out.x = x;
  return null;
}

/** Reads the field set starting at `j` into `out`; returns the index just past it, or why it is bad. */
function parseFields(
  text: string,
  j: number,
  stop: number,
  s: { prefix: string; fields: Map<string, string> },
  out: LineValues,
): number | string {
  for (;;) {
    // the key runs to an unescaped "="
    const keyStart = j;
    while (j < stop) {
      const c = text.charCodeAt(j);
      if (c === EQUALS || c === COMMA || c === SPACE) break;
      j += c === BACKSLASH ? 2 : 1;
    }
    j = Math.min(j, stop);
    const raw = text.slice(keyStart, j);
    const name = unescape(raw, true);
    if (j === stop || text.charCodeAt(j) !== EQUALS) {
      if (name !== "") return `field ${quote(name)} has no "=" and value`;
      if (text.charCodeAt(keyStart - 1) === COMMA) {
        return 'a field is missing after ","';
      }
    }
    if (name === "") return "a field key is empty";
    const valueStart = ++j;
    if (j < stop && text.charCodeAt(j) === QUOTE) {
      // a string yields no point; spaces, commas and "=" may sit between its quotes
      j++;
      while (j < stop && text.charCodeAt(j) !== QUOTE) {
        j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
      }
      if (j >= stop) {
        return `field ${quote(name)} has an unterminated quoted string`;
      }
      j++;
      if (
        j < stop && text.charCodeAt(j) !== COMMA && text.charCodeAt(j) !== SPACE
      ) {
        return `field ${quote(name)} has text after its closing quote`;
      }
    } else {
      while (j < stop) {
        const c = text.charCodeAt(j);
        if (c === COMMA || c === SPACE) break;
        j++;
      }
      if (j === valueStart) return `field ${quote(name)} has no value`;
      const value = text.slice(valueStart, j);
      const y = fieldValue(value);
      if (typeof y === "string") {
        return `field ${quote(name)} has value ${quote(value)}, ${y}`;
      }
      let channel = s.fields.get(raw);
      if (channel === undefined) {
        const made = fieldChannel(s.prefix, name);
        if (typeof made !== "string") return made.reason;
        channel = made;
        if (s.fields.size < MAX_CACHED_SERIES) s.fields.set(raw, channel);
      }
      out.set(channel, y);
    }
    if (j === stop || text.charCodeAt(j) !== COMMA) return j;
    j++;
  }
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/** Measurement and tags (no unescaped space inside) → the channel prefix, or why not. */
function parseSeries(raw: string): Series {
  let j = 0;
  while (j < raw.length && raw.charCodeAt(j) !== COMMA) {
    j += raw.charCodeAt(j) === BACKSLASH ? 2 : 1;
  }
  const measurementEnd = Math.min(j, raw.length);
  if (measurementEnd === 0) return { reason: "the measurement is missing" };
  const measurement = unescape(raw.slice(0, measurementEnd), false);
  if (measurement.charCodeAt(0) === UNDERSCORE) {
    return { reason: "measurement " + quote(measurement) + RESERVED };
  }
  const tags: { key: string; value: string }[] = [];
  while (j < raw.length) {
    j++; // past the ","
    const keyStart = j;
    while (j < raw.length) {
      const c = raw.charCodeAt(j);
      if (c === EQUALS || c === COMMA) break;
      j += c === BACKSLASH ? 2 : 1;
    }
    j = Math.min(j, raw.length);
    const key = unescape(raw.slice(keyStart, j), true);
    if (j === raw.length || raw.charCodeAt(j) !== EQUALS) {
      return {
        reason: key === ""
          ? 'a tag is missing after ","'
          : `tag ${quote(key)} has no "=" and value`,
      };
    }
    if (key === "") return { reason: "a tag key is empty" };
    if (key.charCodeAt(0) === UNDERSCORE) {
      return { reason: "tag key " + quote(key) + RESERVED };
    }
    const valueStart = ++j;
    while (j < raw.length) {
      const c = raw.charCodeAt(j);
      if (c === COMMA) break;
      if (c === EQUALS) {
        return {
          reason: `the value of tag ${quote(key)} holds an unescaped "="`,
        };
      }
      j += c === BACKSLASH ? 2 : 1;
    }
    j = Math.min(j, raw.length);
    if (j === valueStart) {
      return { reason: `tag ${quote(key)} has an empty value` };
    }
    tags.push({ key, value: unescape(raw.slice(valueStart, j), true) });
  }
  let prefix = sanitize(measurement);
  if (tags.length > 1) {
    tags.sort((a, b) => compareBytes(a.key, b.key));
    for (let k = 1; k < tags.length; k++) {
      if (tags[k].key === tags[k - 1].key) {
        return { reason: `tag ${quote(tags[k].key)} is given twice` };
      }
    }
  }
  for (const tag of tags) prefix += "." + sanitize(tag.value);
  return { prefix, fields: new Map() };
}

/** The channel for a field, or why it can't have one. */
function fieldChannel(
  prefix: string,
  field: string,
): string | { reason: string } {
  if (field.charCodeAt(0) === UNDERSCORE) {
    return { reason: "field " + quote(field) + RESERVED };
  }
  const channel = prefix + "." + sanitize(field);
  if (channel.length <= MAX_CHANNEL_CHARS) return channel;
  return {
    reason: `the channel name ${quote(channel)} would be too long ` +
      `(${channel.length} characters, max ${MAX_CHANNEL_CHARS})`,
  };
}

/**
 * Removes the backslash of `\,` `\ ` `\\` (and `\=` in keys and tag values); the spec leaves a
 * backslash before any other character as it is.
 */
function unescape(raw: string, equalsToo: boolean): string {
  if (raw.indexOf("\\") === -1) return raw;
  let out = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < raw.length) {
      const next = raw.charCodeAt(i + 1);
      if (
        next === COMMA || next === SPACE || next === BACKSLASH ||
        (equalsToo && next === EQUALS)
      ) {
        out += raw[++i];
        continue;
      }
    }
    out += raw[i];
  }
  return out;
}

/** Orders strings by their UTF-8 bytes (Go's bytes.Compare), i.e. by code point. */
function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i), y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// UTF-16 puts surrogates (astral code points) below U+E000..U+FFFF; code point order puts them above
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/** An unquoted field value → y, or the end of the sentence saying why it is not one. */
function fieldValue(v: string): number | string {
  switch (v) {
    case "t":
    case "T":
    case "true":
    case "True":
    case "TRUE":
      return 1;
    case "f":
    case "F":
    case "false":
    case "False":
    case "FALSE":
      return 0;
  }
  // -?digits[.digits][(e|E)[+-]digits], then an optional i or u for plain digits
  const n = v.length;
  let i = v.charCodeAt(0) === MINUS ? 1 : 0;
  let digits = 0, plain = true;
  while (i < n && isDigit(v.charCodeAt(i))) i++, digits++;
  if (i < n && v.charCodeAt(i) === DOT) {
    i++, plain = false;
    while (i < n && isDigit(v.charCodeAt(i))) i++, digits++;
  }
  if (digits > 0 && i < n && (v.charCodeAt(i) | 32) === LOWER_E) {
    i++, plain = false;
    if (i < n && (v.charCodeAt(i) === PLUS || v.charCodeAt(i) === MINUS)) i++;
    const expStart = i;
    while (i < n && isDigit(v.charCodeAt(i))) i++;
    if (i === expStart) i = -1;
  }
  const notValue = "which is not a number, boolean or quoted string";
  if (digits === 0 || i === -1) return notValue;
  if (i === n) {
    const y = Number(v);
    return Number.isFinite(y) ? y : "which is too large for a 64-bit float";
  }
  const suffix = v.charCodeAt(i);
  if (!plain || i !== n - 1 || (suffix !== LOWER_I && suffix !== LOWER_U)) {
    return notValue;
  }
  const negative = v.charCodeAt(0) === MINUS;
  let first = negative ? 1 : 0;
  while (first < n - 2 && v.charCodeAt(first) === ZERO) first++;
  const magnitude = v.slice(first, n - 1);
  if (suffix === LOWER_I) {
    const limit = negative ? "9223372036854775808" : "9223372036854775807";
    if (!fitsIn(magnitude, limit)) {
      return "which is outside the 64-bit integer range";
    }
  } else if (negative || !fitsIn(magnitude, "18446744073709551615")) {
    return "which is outside the unsigned 64-bit integer range";
  }
  return Number(v.slice(0, n - 1));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Whether a digit string without leading zeros is at most `limit`. */
function fitsIn(digits: string, limit: string): boolean {
  return digits.length < limit.length ||
    (digits.length === limit.length && digits <= limit);
}

/** A timestamp in the body's unit → seconds, exact to the unit via BigInt, or why not. */
function timestampSeconds(raw: string, scale: TimeScale): number | string {
  let i = raw.charCodeAt(0) === MINUS ? 1 : 0;
  if (i === raw.length) return `timestamp ${quote(raw)} is not an integer`;
  for (; i < raw.length; i++) {
    if (!isDigit(raw.charCodeAt(i))) {
      return `timestamp ${quote(raw)} is not an integer`;
    }
  }
  const units = BigInt(raw);
  if (units > scale.maxUnits || units < -scale.maxUnits) {
    return "timestamp " + quote(raw) +
      " is outside the range line protocol allows (±9223372036854775806 ns)";
  }
  // whole seconds exactly, then the fraction: Number(units) would first round a 19-digit ns
  // timestamp to a multiple of 256 ns
  const whole = units / scale.divisor;
  const fraction = units % scale.divisor;
  return (Number(whole) + Number(fraction) / scale.divisorNumber) * scale.step;
}

/** Quotes text for a reason, cut short so a huge value can't make a huge error response. */
function quote(s: string): string {
  return JSON.stringify(s.length > 200 ? s.slice(0, 200) + "…" : s);
}
