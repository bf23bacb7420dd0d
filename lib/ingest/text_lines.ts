import type { LineParsed, LinePoint } from "./line_points.ts";
import { checkChannel, failureMessage, toFiniteNumber } from "./validate.ts";

/**
 * Reads one line of a plain-text body, the way small senders print: a bare number, a CSV `x,y`
 * pair, Arduino Serial Plotter `label:value` parts, or a Teleplot telemetry. The line's shape
 * decides, in this order (the line is trimmed first):
 *
 * 1. Empty, or starting with `#`: a comment, no points.
 * 2. Teleplot, when the line starts with `>` (the marker Teleplot's serial input wants) or holds
 *    `§` (unit), `|` (flags) or `;` (several samples). The whole line, after the `>`, is one
 *    `name:samples§unit|flags`; samples are `;`-separated, each `value` (x null) or
 *    `timestamp_ms:value` (x in seconds). The unit and the flags are ignored, except `t` (text,
 *    refused) and `xy`, which makes each sample `x:y` or `x:y:timestamp_ms` with x as given and
 *    the timestamp checked but dropped. `3D|` shapes are refused. Empty samples are skipped.
 * 3. Otherwise the line is split into parts on `,`, space and tab (any mix, any number):
 *    - one part without `:`: a bare number on `opts.channel`, x null;
 *    - one part with two or more `:`: Teleplot `name:timestamp_ms:value`, as in rule 2;
 *    - two parts without `:` and exactly one comma in the line: CSV, x then y, on `opts.channel`;
 *    - anything else: Serial Plotter parts. `label:value` goes to channel `label`; the n-th part
 *      without a label (counting only those) goes to `value<n>`, as Arduino's plotter names
 *      them; `label:` with no value gives no point (Arduino's header line `a:,b:` declares
 *      labels). A lone `name:value` is read the same by both tools, so it lands here.
 *
 * Labels and Teleplot names become `prefix.label` when the request named a channel. All
 * channels so made must match CHANNEL_PATTERN; every value must be a finite decimal as
 * `toFiniteNumber` reads it. CSV header lines (`time,value`) are not recognised: they fail as
 * values, so senders write them as `#` comments.
 */

export interface TextLineOptions {
  /** the channel for unlabeled values: the ?channel= query value, or "default" */
  channel: string;
  /** when the request named a channel (?channel=c), labels become "c.label"; null: labels are channel names as they are */
  prefix: string | null;
}

type Failed = { ok: false; reason: string };

const TAB = 9;
const SPACE = 32;
const HASH = 35;
const COMMA = 44;
const GT = 62;

/**
 * Parses one text line (already split, no newline) into points, or a failure whose reason names
 * the value or label at fault (the caller adds the line number). Blank lines and lines starting
 * with '#' give ok with no points.
 */
export function parseTextLine(line: string, opts: TextLineOptions): LineParsed {
  const text = line.trim();
  if (text === "" || text.charCodeAt(0) === HASH) {
    return { ok: true, points: [] };
  }
  if (
    text.charCodeAt(0) === GT || text.includes("|") || text.includes(";") ||
    text.includes("§")
  ) {
    return parseTeleplot(text, opts);
  }

  // one pass of charCodeAt instead of a split regex: this runs for every line of a big body
  const parts: string[] = [];
  let commas = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== COMMA && c !== SPACE && c !== TAB) continue;
    if (c === COMMA) commas++;
    if (i > start) parts.push(text.slice(start, i));
    start = i + 1;
  }
  if (start < text.length) parts.push(text.slice(start));

  if (parts.length === 0) return { ok: true, points: [] };
  if (parts.length === 1) {
    const part = parts[0];
    const colon = part.indexOf(":");
    if (colon === -1) {
      const y = toFiniteNumber(part);
      if (Number.isNaN(y)) {
        return fail(`value ${quote(part)} is not a finite number`);
      }
      return { ok: true, points: [{ channel: opts.channel, x: null, y }] };
    }
    if (part.indexOf(":", colon + 1) !== -1) return parseTeleplot(text, opts);
  } else if (
    parts.length === 2 && commas === 1 && !parts[0].includes(":") &&
    !parts[1].includes(":")
  ) {
    const x = toFiniteNumber(parts[0]);
    if (Number.isNaN(x)) {
      return fail(`x ${quote(parts[0])} is not a finite number`);
    }
    const y = toFiniteNumber(parts[1]);
    if (Number.isNaN(y)) {
      return fail(`y ${quote(parts[1])} is not a finite number`);
    }
    return { ok: true, points: [{ channel: opts.channel, x, y }] };
  }
  return parseSerialPlotter(parts, opts);
}

function parseSerialPlotter(
  parts: string[],
  opts: TextLineOptions,
): LineParsed {
  const points: LinePoint[] = [];
  let unlabeled = 0;
  for (const part of parts) {
    const colon = part.indexOf(":");
    let label: string;
    let value: string;
    if (colon === -1) {
      label = `value${++unlabeled}`;
      value = part;
    } else {
      if (colon === 0) return fail(`label is empty in ${quote(part)}`);
      if (part.indexOf(":", colon + 1) !== -1) {
        return fail(`${quote(part)} is not label:value (more than one ":")`);
      }
      label = part.slice(0, colon);
      value = part.slice(colon + 1);
    }
    const channel = channelFor(label, opts);
    if (typeof channel !== "string") return channel;
    if (value === "") continue;
    const y = toFiniteNumber(value);
    if (Number.isNaN(y)) return notFinite("value", value, label);
    points.push({ channel, x: null, y });
  }
  return { ok: true, points };
}

function parseTeleplot(text: string, opts: TextLineOptions): LineParsed {
  const body = text.charCodeAt(0) === GT ? text.slice(1) : text;
  if (body.startsWith("3D|")) {
    return fail("is a Teleplot 3D shape, not a number");
  }
  const colon = body.indexOf(":");
  if (colon === -1) return fail(`${quote(text)} is not Teleplot name:value`);

  let end = body.length;
  let xy = false;
  // flags follow the last "|"; one before the ":" would be part of the name, which then fails
  const bar = body.lastIndexOf("|");
  if (bar > colon) {
    end = bar;
    for (const flag of body.slice(bar + 1).split(",")) {
      const f = flag.trim();
      if (f === "t") return fail("is Teleplot text (|t), not a number");
      if (f === "xy") xy = true;
    }
  }
  const unit = body.indexOf("§", colon + 1);
  if (unit !== -1 && unit < end) end = unit;

  const name = body.slice(0, colon).trim();
  if (name === "") return fail(`name is empty in ${quote(text)}`);
  const channel = channelFor(name, opts);
  if (typeof channel !== "string") return channel;

  const points: LinePoint[] = [];
  for (const raw of body.slice(colon + 1, end).split(";")) {
    const sample = raw.trim();
    if (sample === "") continue;
    const dims = sample.split(":");
    if (xy) {
      if (dims.length < 2 || dims.length > 3) {
        return fail(
          `sample ${quote(sample)} of ${
            quote(name)
          } is not x:y or x:y:timestamp (|xy)`,
        );
      }
      const x = toFiniteNumber(dims[0]);
      if (Number.isNaN(x)) return notFinite("x", dims[0], name);
      const y = toFiniteNumber(dims[1]);
      if (Number.isNaN(y)) return notFinite("y", dims[1], name);
      // the point has room for one x; the timestamp only has to be a number
      if (dims.length === 3 && Number.isNaN(toFiniteNumber(dims[2]))) {
        return notFinite("timestamp", dims[2], name);
      }
      points.push({ channel, x, y });
      continue;
    }
    if (dims.length > 2) {
      return fail(
        `sample ${quote(sample)} of ${
          quote(name)
        } is not value or timestamp:value`,
      );
    }
    let x: number | null = null;
    if (dims.length === 2) {
      const ms = toFiniteNumber(dims[0]);
      if (Number.isNaN(ms)) return notFinite("timestamp", dims[0], name);
      x = ms / 1000;
    }
    const value = dims[dims.length - 1];
    const y = toFiniteNumber(value);
    if (Number.isNaN(y)) return notFinite("value", value, name);
    points.push({ channel, x, y });
  }
  return { ok: true, points };
}

/** The channel a label names, prefixed when the request named a channel, or why it can't be one. */
function channelFor(label: string, opts: TextLineOptions): string | Failed {
  const channel = opts.prefix === null ? label : `${opts.prefix}.${label}`;
  const bad = checkChannel(channel);
  if (bad === null) return channel;
  // the message is built only on failure, to keep the per-part cost to one regex test
  const field = opts.prefix === null
    ? `label ${quote(label)}`
    : `label ${quote(label)} (channel ${quote(channel)})`;
  return fail(failureMessage({ ...bad, field }));
}

function notFinite(what: string, value: string, label: string): Failed {
  return fail(
    `${what} ${quote(value)} of ${quote(label)} is not a finite number`,
  );
}

function fail(reason: string): Failed {
  return { ok: false, reason };
}

// a line may be 64 KiB; a reason quotes only as much of the offending piece as the longest
// channel name
function quote(s: string): string {
  return JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s);
}
