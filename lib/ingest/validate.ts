import { receiveTimes } from "./receive_time.ts";
import type { Values } from "../shared/ring_buffer.ts";
import {
  CHANNEL_PATTERN,
  DECIMAL_SOURCE,
  DEFAULT_CHANNEL,
} from "../shared/names.ts";

/**
 * Turns a parsed POST /data body into typed arrays, or says which field is wrong and why.
 * Nothing here throws or knows about HTTP: the route maps a failure to its status code.
 */

export interface Batch {
  channel: string;
  x: Values;
  y: Values;
}

export type Failure = {
  ok: false;
  field: string;
  reason: string;
  /** true when the body was well-formed but holds more points than allowed (413, not 400) */
  tooMany?: boolean;
};
export type Parsed = { ok: true; batch: Batch } | Failure;

export interface ParseOptions {
  maxBatch: number;
  /** x for points that come without one: the receive time in seconds since the epoch */
  nowSeconds: number;
  /** the `?channel=` query parameter, if any */
  queryChannel?: string | null;
  /** the x of a channel's newest point, from which values without x are spread */
  lastX?: (channel: string) => number | null;
  /**
   * "later": values without x get NaN, for a caller that spreads them over several lines read
   * together (a stream); by default they get their receive time here
   */
  missingX?: "now" | "later";
}

// a decimal padded with whitespace, as the original's float() took it
const PADDED_DECIMAL = new RegExp(`^\\s*${DECIMAL_SOURCE}\\s*$`);

/** The finite number a JSON value stands for, or NaN when it stands for none. */
export function toFiniteNumber(value: unknown): number {
  if (typeof value === "number") return Number.isFinite(value) ? value : NaN;
  if (typeof value === "string" && PADDED_DECIMAL.test(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : NaN;
  }
  return NaN;
}

function fail(field: string, reason: string, tooMany = false): Failure {
  return tooMany
    ? { ok: false, field, reason, tooMany }
    : { ok: false, field, reason };
}

/** The message a client sees for a failure, e.g. `points[17].y must be a finite number`. */
export function failureMessage(f: Failure): string {
  return `${f.field} ${f.reason}`;
}

/** Checks a channel name; returns a failure naming `field`, or null when the name is valid. */
export function checkChannel(name: unknown, field = "channel"): Failure | null {
  if (typeof name !== "string") return fail(field, "must be a string");
  if (!CHANNEL_PATTERN.test(name)) {
    return fail(field, "must be 1-64 characters of A-Z a-z 0-9 _ . : -");
  }
  return null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses JSON text; a failure names the body and says where the syntax broke. */
export function parseJson(
  text: string,
): { ok: true; value: unknown } | Failure {
  if (text.trim() === "") {
    return fail("body", 'is empty; expected JSON such as {"x": 1, "y": 2}');
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return fail("body", `is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * Reads one of the accepted shapes — a point `{x?, y}`, an array of points, or columns
 * `{x?: [...], y: [...]}` — into typed arrays. All or nothing: any bad value fails the whole body.
 */
export function parseBatch(body: unknown, opts: ParseOptions): Parsed {
  let channel: string | undefined;
  const agree = (value: unknown, field: string): Failure | null => {
    if (value === undefined) return null;
    const bad = checkChannel(value, field);
    if (bad) return bad;
    if (channel !== undefined && channel !== value) {
      return fail(field, `must match the channel already given ("${channel}")`);
    }
    channel = value as string;
    return null;
  };
  if (opts.queryChannel !== undefined && opts.queryChannel !== null) {
    const bad = agree(opts.queryChannel, "channel");
    if (bad) return bad;
  }

  let result: Parsed;
  // values without x are spread after the channel's newest point (see receive_time.ts)
  const spread = (n: number) =>
    opts.missingX === "later" ? new Float64Array(n).fill(NaN) : receiveTimes(
      n,
      opts.nowSeconds,
      opts.lastX?.(channel ?? DEFAULT_CHANNEL),
    );
  if (Array.isArray(body)) {
    result = parseRows(body, opts, agree, spread);
  } else if (isRecord(body)) {
    const bad = agree(body.channel, "channel");
    if (bad) return bad;
    result = Array.isArray(body.y)
      ? parseColumns(body, opts, spread)
      : parsePoint(body, opts);
  } else {
    return fail(
      "body",
      'must be a point {"x":…,"y":…}, an array of points, or columns {"x":[…],"y":[…]}',
    );
  }
  if (result.ok) result.batch.channel = channel ?? DEFAULT_CHANNEL;
  return result;
}

function parsePoint(body: Record<string, unknown>, opts: ParseOptions): Parsed {
  if (body.y === undefined) return fail("y", "is required");
  const y = toFiniteNumber(body.y);
  if (Number.isNaN(y)) return fail("y", "must be a finite number");
  let x = opts.missingX === "later" ? NaN : opts.nowSeconds;
  if (body.x !== undefined) {
    x = toFiniteNumber(body.x);
    if (Number.isNaN(x)) return fail("x", "must be a finite number");
  }
  return {
    ok: true,
    batch: { channel: "", x: [x], y: [y] },
  };
}

function parseRows(
  rows: unknown[],
  opts: ParseOptions,
  agree: (value: unknown, field: string) => Failure | null,
  spread: (n: number) => Float64Array,
): Parsed {
  if (rows.length === 0) return fail("points", "must not be empty");
  if (rows.length > opts.maxBatch) {
    return fail(
      "points",
      `has ${rows.length} points, more than the limit of ${opts.maxBatch}`,
      true,
    );
  }
  const x = new Float64Array(rows.length);
  const y = new Float64Array(rows.length);
  let missing = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!isRecord(row)) {
      return fail(`points[${i}]`, "must be an object with y (and x)");
    }
    const bad = agree(row.channel, `points[${i}].channel`);
    if (bad) return bad;
    if (row.y === undefined) return fail(`points[${i}].y`, "is required");
    const yi = toFiniteNumber(row.y);
    if (Number.isNaN(yi)) {
      return fail(`points[${i}].y`, "must be a finite number");
    }
    let xi = opts.missingX === "later" ? NaN : opts.nowSeconds;
    if (row.x !== undefined) {
      xi = toFiniteNumber(row.x);
      if (Number.isNaN(xi)) {
        return fail(`points[${i}].x`, "must be a finite number");
      }
    }
    if (row.x === undefined) missing++;
    x[i] = xi;
    y[i] = yi;
  }
  // rows that all lack x are spread like a column; where only some do, those get the time
  if (missing === rows.length) x.set(spread(rows.length));
  return { ok: true, batch: { channel: "", x, y } };
}

function parseColumns(
  body: Record<string, unknown>,
  opts: ParseOptions,
  spread: (n: number) => Float64Array,
): Parsed {
  const ys = body.y as unknown[];
  const n = ys.length;
  if (n === 0) return fail("y", "must not be empty");
  if (n > opts.maxBatch) {
    return fail(
      "y",
      `has ${n} points, more than the limit of ${opts.maxBatch}`,
      true,
    );
  }
  let xs: unknown[] | undefined;
  let sampled: { x0: number; dx: number } | null = null;
  if (body.dx !== undefined || body.x0 !== undefined) {
    if (body.x !== undefined) {
      return fail("dx", "cannot be given with x; send x, or dx (and x0)");
    }
    if (body.dx === undefined) return fail("dx", "is required with x0");
    const dx = toFiniteNumber(body.dx);
    if (!(dx > 0)) return fail("dx", "must be a number greater than 0");
    let x0 = opts.nowSeconds - (n - 1) * dx;
    if (body.x0 !== undefined) {
      x0 = toFiniteNumber(body.x0);
      if (Number.isNaN(x0)) return fail("x0", "must be a finite number");
    }
    if (!Number.isFinite(x0 + (n - 1) * dx)) {
      return fail("dx", "takes x past the largest finite number");
    }
    sampled = { x0, dx };
  } else if (body.x !== undefined) {
    if (!Array.isArray(body.x)) {
      return fail("x", "must be an array when y is an array");
    }
    if (body.x.length !== n) {
      return fail(
        "x",
        `must have as many values as y (${body.x.length} vs ${n})`,
      );
    }
    xs = body.x;
  }
  const x = xs || sampled ? new Float64Array(n) : spread(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const yi = toFiniteNumber(ys[i]);
    if (Number.isNaN(yi)) return fail(`y[${i}]`, "must be a finite number");
    y[i] = yi;
    if (xs) {
      const xi = toFiniteNumber(xs[i]);
      if (Number.isNaN(xi)) return fail(`x[${i}]`, "must be a finite number");
      x[i] = xi;
    } else if (sampled) {
      // x0 + i·dx rather than a running sum, so error does not build up over a long column
      x[i] = sampled.x0 + i * sampled.dx;
    }
  }
  return { ok: true, batch: { channel: "", x, y } };
}

/**
 * Reads a binary body: little-endian float64 pairs x0, y0, x1, y1, … — the cheapest thing a
 * microcontroller or a C program can send. Same rules as JSON: finite values, all or nothing;
 * the channel comes from the query.
 */
export function parseBinary(bytes: Uint8Array, opts: ParseOptions): Parsed {
  let channel = DEFAULT_CHANNEL;
  if (opts.queryChannel !== undefined && opts.queryChannel !== null) {
    const bad = checkChannel(opts.queryChannel, "channel");
    if (bad) return bad;
    channel = opts.queryChannel;
  }
  if (bytes.length === 0) return fail("body", "must not be empty");
  if (bytes.length % 16 !== 0) {
    return fail(
      "body",
      `must be little-endian float64 (x, y) pairs; ${bytes.length} bytes is not a multiple of 16`,
    );
  }
  const n = bytes.length / 16;
  if (n > opts.maxBatch) {
    return fail(
      "points",
      `has ${n} points, more than the limit of ${opts.maxBatch}`,
      true,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xi = view.getFloat64(i * 16, true);
    if (!Number.isFinite(xi)) {
      return fail(`points[${i}].x`, "must be a finite number");
    }
    const yi = view.getFloat64(i * 16 + 8, true);
    if (!Number.isFinite(yi)) {
      return fail(`points[${i}].y`, "must be a finite number");
    }
    x[i] = xi;
    y[i] = yi;
  }
  return { ok: true, batch: { channel, x, y } };
}
