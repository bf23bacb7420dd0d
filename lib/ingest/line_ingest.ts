import type { AppendResult } from "../store/channels.ts";
import type { LinePoint } from "./line_points.ts";
import { LineSplitter } from "./line_splitter.ts";
import { receiveTimes } from "./receive_time.ts";
import { DECIMAL_SOURCE, DEFAULT_CHANNEL } from "../shared/names.ts";
import { parseTextLine } from "./text_lines.ts";
import {
  type Batch,
  checkChannel,
  failureMessage,
  parseBatch,
  type Parsed,
  parseJson,
} from "./validate.ts";

/**
 * A line body (`POST /data` with NDJSON or text lines), committed as it arrives: the lines read
 * together are stored together, so a stream that lasts hours shows its points within a tick of
 * their line. Each line is all or nothing; a bad line ends the stream, and what came before it
 * stays stored. Memory is bounded by one line (`maxLineBytes`) and one read's worth of points,
 * whatever the length of the stream. No I/O of its own: the caller feeds the chunks and stores.
 */

/**
 * How the body's lines are read: NDJSON (each line anything `POST /data` takes), text lines
 * (numbers, `x,y`, Serial Plotter, Teleplot), or "sniff" for a body whose type says neither: its
 * first line decides, and a JSON document spread over several lines is read whole, as before.
 */
export type LineFormat = "ndjson" | "text" | "sniff";

/** Where the points go, and what the caller knows of the channels. */
export interface LineSink {
  /** stores one channel's batch; throws when the store is unavailable */
  append(
    channel: string,
    x: Float64Array,
    y: Float64Array,
  ): Promise<AppendResult> | AppendResult;
  /** whether the channel exists now */
  known(channel: string): boolean;
  /** how many more channels may be created now */
  room(): number;
  /** the x of the channel's newest point, from which values without x are spread */
  lastX(channel: string): number | null;
  /** the receive time in seconds since the epoch */
  nowSeconds(): number;
}

export interface LineIngestOptions {
  format: LineFormat;
  /** the longest line accepted, in bytes; and the largest whole JSON document in sniff mode */
  maxLineBytes: number;
  /** most points one line may hold (as for one POST) */
  maxBatch: number;
  /** the `?channel=` of the request, if any */
  queryChannel: string | null;
}

/** Why a stream stopped early; `accepted` points were stored before it. */
export interface LineFailure {
  status: 400 | 409 | 413;
  /** `line N`, or `body` for a whole document */
  field: string;
  line: number | null;
  message: string;
}

/** What a line body stored, per channel: points and the seq of the last one. */
export type LineOutcome = Map<string, { accepted: number; seq: number }>;

/** Points of one channel waiting to be stored; NaN in x: to be spread. */
interface Column {
  x: number[];
  y: number[];
}

/** A line that is a number or `x,y`, read without building points (see text_lines.ts). */
const PLAIN = new RegExp(
  `^\\s*(${DECIMAL_SOURCE})\\s*(?:,\\s*(${DECIMAL_SOURCE})\\s*)?$`,
);

/** A column's x and y as typed arrays, NaN x spread over the time since `lastX`. */
function columnBatch(
  col: Column,
  nowSeconds: number,
  lastX: number | null,
): { x: Float64Array; y: Float64Array } {
  const x = Float64Array.from(col.x);
  let missing = 0;
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) missing++;
  if (missing > 0) {
    const times = receiveTimes(missing, nowSeconds, lastX);
    for (let i = 0, t = 0; i < x.length; i++) {
      if (Number.isNaN(x[i])) x[i] = times[t++];
    }
  }
  return { x, y: Float64Array.from(col.y) };
}

/** One line's points, or why it was refused (`tooMany`: more points than one line may hold). */
type LineRead =
  | { ok: true; points: LinePoint[] }
  | { ok: false; reason: string; tooMany?: boolean };

// points held before they are stored even within one read, so a huge read stays in bounds
const FLUSH_POINTS = 10_000;

export class LineIngest {
  readonly #splitter: LineSplitter;
  #mode: "ndjson" | "text" | "document" | null;
  // a JSON document over several lines (sniff mode), kept whole until the body ends
  #document: string[] = [];
  #documentBytes = 0;
  // the lines read but not stored yet, as columns per channel (x NaN: to be spread)
  #pending = new Map<string, Column>();
  #pendingLines = 0;
  #pendingPoints = 0;
  // of the pending channels, those the store does not have yet
  #creating = 0;
  #linesStored = 0;
  #accepted = 0;
  readonly outcome: LineOutcome = new Map();
  // where a bare number or x,y line goes
  readonly #plain: string;

  constructor(readonly options: LineIngestOptions, readonly sink: LineSink) {
    this.#plain = options.queryChannel ?? DEFAULT_CHANNEL;
    this.#splitter = new LineSplitter(options.maxLineBytes);
    this.#mode = options.format === "sniff" ? null : options.format;
    if (options.queryChannel !== null) {
      const bad = checkChannel(options.queryChannel);
      if (bad) throw new Error(failureMessage(bad));
    }
  }

  /** Points stored so far. */
  get accepted(): number {
    return this.#accepted;
  }

  /** Lines stored so far (comments and blank lines included). */
  get lines(): number {
    return this.#linesStored;
  }

  /** Reads a chunk: parses its complete lines and stores them; a failure ends the stream. */
  async push(chunk: Uint8Array): Promise<LineFailure | null> {
    const split = this.#splitter.push(chunk);
    const { lines } = split;
    const first = this.#splitter.nextLineNumber - lines.length;
    let i = 0;
    // NDJSON lines go through one JSON.parse together, when they parse
    if (this.#mode === "text" && i < lines.length) {
      const read = await this.#numberLines(lines, i, first);
      if (read) return read;
      if (read === null) i = lines.length;
    }
    for (; i < lines.length && this.#mode !== "ndjson"; i++) {
      // most lines land on channels the pending lines already have: no await for them
      if (this.#mode === "text" && this.#fast(lines[i])) {
        if (this.#pendingPoints >= FLUSH_POINTS) {
          const failure = await this.#flush();
          if (failure) return failure;
        }
        continue;
      }
      const failure = await this.#line(lines[i], first + i);
      if (failure) return failure;
    }
    if (i < lines.length) {
      const failure = await this.#ndjsonLines(lines, i, first);
      if (failure) return failure;
    }
    const failure = await this.#flush();
    if (failure || split.ok) return failure;
    return this.#tooLong(this.#splitter.nextLineNumber);
  }

  /** Ends the stream: the last line if it had no newline, and a whole JSON document. */
  async finish(): Promise<LineFailure | null> {
    const number = this.#splitter.nextLineNumber;
    const last = this.#splitter.finish();
    if (last !== null) {
      const failure = await this.#line(last, number);
      if (failure) return failure;
    }
    if (this.#mode === "document") return await this.#storeDocument();
    return await this.#flush();
  }

  /**
   * Lines of numbers (`3.3` or `1.5,2.25`), read with one JSON.parse of them all as arrays, which
   * runs at the speed of a JSON body; a line of another shape (a label, a comment, `1.`) is read
   * on its own in its place. Returns undefined when the lines are not JSON numbers at all, so the
   * caller reads them line by line; null or a failure otherwise.
   */
  async #numberLines(
    lines: string[],
    from: number,
    first: number,
  ): Promise<LineFailure | null | undefined> {
    let rows: unknown;
    try {
      rows = JSON.parse(
        `[[${from === 0 ? lines.join("],[") : lines.slice(from).join("],[")}]]`,
      );
    } catch {
      return undefined;
    }
    const all = rows as unknown[][];
    if (all.length !== lines.length - from) return undefined;
    if (!this.#pending.has(this.#plain)) {
      const failure = await this.#admit([this.#plain], first + from);
      if (failure) return failure;
    }
    let col = this.#pending.get(this.#plain)!;
    for (let i = 0; i < all.length; i++) {
      const row = all[i];
      const a = row[0];
      const b = row[1];
      // JSON.parse reads 1e999 as Infinity: such a line goes the slow way, which refuses it
      if (row.length === 1 && Number.isFinite(a)) {
        col.x.push(NaN);
        col.y.push(a as number);
      } else if (
        row.length === 2 && Number.isFinite(a) && Number.isFinite(b)
      ) {
        col.x.push(a as number);
        col.y.push(b as number);
      } else if (row.length === 0) {
        // a blank line
        this.#pendingLines++;
        continue;
      } else {
        const failure = await this.#line(lines[from + i], first + from + i);
        if (failure) return failure;
        col = this.#pending.get(this.#plain) ?? col;
        continue;
      }
      this.#pendingLines++;
      if (++this.#pendingPoints >= FLUSH_POINTS) {
        const failure = await this.#flush();
        if (failure) return failure;
        const again = await this.#admit([this.#plain], first + from + i);
        if (again) return again;
        col = this.#pending.get(this.#plain)!;
      }
    }
    return null;
  }

  /**
   * Takes a text line at once when it is a number or `x,y` (the commonest), or parses into
   * channels the pending lines already hold; false leaves it to `#line`.
   */
  #fast(text: string): boolean {
    const m = PLAIN.exec(text);
    if (m !== null) {
      const col = this.#pending.get(this.#plain);
      if (col === undefined) return false;
      const a = Number(m[1]);
      const b = m[2] === undefined ? undefined : Number(m[2]);
      if (!Number.isFinite(a) || (b !== undefined && !Number.isFinite(b))) {
        return false;
      }
      col.x.push(b === undefined ? NaN : a);
      col.y.push(b === undefined ? a : b);
      this.#pendingLines++;
      this.#pendingPoints++;
      return true;
    }
    const parsed = this.#textLine(text);
    return parsed.ok && this.#pushPending(parsed.points);
  }

  /** Adds points whose channels are all pending already; false (adding none) otherwise. */
  #pushPending(points: LinePoint[]): boolean {
    for (const p of points) if (!this.#pending.has(p.channel)) return false;
    for (const p of points) {
      const col = this.#pending.get(p.channel)!;
      col.x.push(p.x ?? NaN);
      col.y.push(p.y);
    }
    this.#pendingLines++;
    this.#pendingPoints += points.length;
    return true;
  }

  async #line(text: string, number: number): Promise<LineFailure | null> {
    if (this.#mode === null) {
      const start = text.trimStart();
      if (start === "") {
        this.#pendingLines++;
        return null;
      }
      // a first line that is JSON on its own starts NDJSON; one that only starts like JSON
      // (`{` of a pretty-printed document) means the body is one document, read as before
      const c = start[0];
      if (c === "{" || c === "[") {
        this.#mode = parseJson(text).ok ? "ndjson" : "document";
      } else {
        this.#mode = "text";
      }
    }
    if (this.#mode === "document") {
      this.#documentBytes += text.length + 1;
      if (this.#documentBytes > this.options.maxLineBytes) {
        return {
          status: 413,
          field: "body",
          line: null,
          message:
            `body is a JSON document larger than ${this.options.maxLineBytes} bytes; send it in smaller requests or as NDJSON lines`,
        };
      }
      this.#document.push(text);
      return null;
    }
    if (this.#mode === "text" && PLAIN.test(text)) {
      // a number or x,y: room for its channel, then the fast way (which leaves a number too
      // large for a float to the parse below, which says so)
      const failure = await this.#admit([this.#plain], number);
      if (failure) return failure;
      if (this.#fast(text)) {
        return this.#pendingPoints >= FLUSH_POINTS ? await this.#flush() : null;
      }
    }
    const parsed: LineRead = this.#mode === "ndjson"
      ? this.#ndjsonLine(text)
      : this.#textLine(text);
    if (!parsed.ok) return await this.#refuse(parsed, number);
    return await this.#addPoints(parsed.points, number);
  }

  /** A line refused: what came before it is stored, then the failure names it. */
  async #refuse(
    parsed: { reason: string; tooMany?: boolean },
    number: number,
  ): Promise<LineFailure> {
    return (await this.#flush()) ?? {
      status: parsed.tooMany ? 413 : 400,
      field: `line ${number}`,
      line: number,
      message: `line ${number}: ${parsed.reason}`,
    };
  }

  async #addPoints(
    points: LinePoint[],
    number: number,
  ): Promise<LineFailure | null> {
    const names: string[] = [];
    for (const p of points) {
      if (!names.includes(p.channel)) names.push(p.channel);
    }
    const failure = await this.#admit(names, number);
    if (failure) return failure;
    for (const p of points) {
      const col = this.#pending.get(p.channel)!;
      col.x.push(p.x ?? NaN);
      col.y.push(p.y);
    }
    return await this.#added(points.length);
  }

  /**
   * Makes room in the pending columns for a line's channels; a line whose new channels do not
   * fit is refused whole (after the lines before it are stored, which may free nothing but
   * settles what exists).
   */
  async #admit(names: string[], number: number): Promise<LineFailure | null> {
    let creating = 0;
    for (const name of names) {
      if (!this.#pending.has(name) && !this.sink.known(name)) creating++;
    }
    if (creating > 0 && this.#creating + creating > this.sink.room()) {
      const failure = await this.#flush();
      if (failure) return failure;
      const fresh = names.filter((n) => !this.sink.known(n));
      if (fresh.length > this.sink.room()) {
        return {
          status: 409,
          field: `line ${number}`,
          line: number,
          message: `line ${number}: channel "${
            fresh[0]
          }" would pass the channel limit; remove channels (DELETE /data?channel=…) or raise OSC_MAX_CHANNELS`,
        };
      }
      creating = fresh.length;
    }
    this.#creating += creating;
    for (const name of names) {
      if (!this.#pending.has(name)) {
        this.#pending.set(name, { x: [], y: [] });
      }
    }
    return null;
  }

  /** Counts a line of `n` points in; stores the pending lines once they are many. */
  async #added(n: number): Promise<LineFailure | null> {
    this.#pendingLines++;
    this.#pendingPoints += n;
    if (this.#pendingPoints >= FLUSH_POINTS) return await this.#flush();
    return null;
  }

  /**
   * NDJSON lines from `from` on, parsed together as one JSON array when every line is one JSON
   * value (a single parse costs a fraction of one per line); otherwise line by line, which
   * finds the bad one.
   */
  async #ndjsonLines(
    lines: string[],
    from: number,
    first: number,
  ): Promise<LineFailure | null> {
    const numbers: number[] = [];
    const texts: string[] = [];
    for (let i = from; i < lines.length; i++) {
      if (lines[i].trim() === "") {
        this.#pendingLines++;
        continue;
      }
      numbers.push(first + i);
      texts.push(lines[i]);
    }
    let values: unknown[] | null = null;
    try {
      const all = JSON.parse(`[${texts.join(",")}]`);
      if (Array.isArray(all) && all.length === texts.length) values = all;
    } catch {
      // some line is not JSON, or holds more than one value: find it line by line
    }
    for (let i = 0; i < texts.length; i++) {
      if (values === null) {
        const parsed = this.#ndjsonLine(texts[i]);
        if (!parsed.ok) return await this.#refuse(parsed, numbers[i]);
        const failure = await this.#addPoints(parsed.points, numbers[i]);
        if (failure) return failure;
        continue;
      }
      const parsed = this.#ndjsonBatch(values[i]);
      if (!parsed.ok) {
        return await this.#refuse({
          reason: failureMessage(parsed),
          tooMany: parsed.tooMany,
        }, numbers[i]);
      }
      const { channel, x, y } = parsed.batch;
      if (!this.#pending.has(channel)) {
        const failure = await this.#admit([channel], numbers[i]);
        if (failure) return failure;
      }
      const col = this.#pending.get(channel)!;
      for (let k = 0; k < x.length; k++) {
        col.x.push(x[k]);
        col.y.push(y[k]);
      }
      this.#pendingLines++;
      this.#pendingPoints += x.length;
      if (this.#pendingPoints >= FLUSH_POINTS) {
        const failure = await this.#flush();
        if (failure) return failure;
      }
    }
    return null;
  }

  #ndjsonLine(text: string): LineRead {
    if (text.trim() === "") return { ok: true, points: [] };
    const json = parseJson(text);
    if (!json.ok) return { ok: false, reason: failureMessage(json) };
    return this.#ndjsonValue(json.value);
  }

  /** One NDJSON value as a batch (x NaN where it had none: spread when stored). */
  #ndjsonBatch(value: unknown): Parsed {
    return parseBatch(value, {
      maxBatch: this.options.maxBatch,
      nowSeconds: this.sink.nowSeconds(),
      queryChannel: this.options.queryChannel,
      // spread over everything read together, not line by line
      missingX: "later",
    });
  }

  #ndjsonValue(value: unknown): LineRead {
    const parsed = this.#ndjsonBatch(value);
    if (!parsed.ok) {
      return {
        ok: false,
        reason: failureMessage(parsed),
        tooMany: parsed.tooMany,
      };
    }
    const { channel, x, y } = parsed.batch;
    const points: LinePoint[] = new Array(x.length);
    for (let i = 0; i < x.length; i++) {
      points[i] = { channel, x: Number.isNaN(x[i]) ? null : x[i], y: y[i] };
    }
    return { ok: true, points };
  }

  #textLine(text: string): LineRead {
    return parseTextLine(text, {
      channel: this.options.queryChannel ?? DEFAULT_CHANNEL,
      prefix: this.options.queryChannel,
    });
  }

  /** Stores the pending lines, one batch per channel. */
  async #flush(): Promise<LineFailure | null> {
    const pending = this.#pending;
    const lines = this.#pendingLines;
    this.#pending = new Map();
    this.#pendingLines = 0;
    this.#pendingPoints = 0;
    this.#creating = 0;
    const batches: Batch[] = [];
    const now = this.sink.nowSeconds();
    for (const [channel, col] of pending) {
      if (col.y.length === 0) continue;
      batches.push({
        channel,
        ...columnBatch(col, now, this.sink.lastX(channel)),
      });
    }
    if (batches.length > 0) {
      const failure = await this.#store(batches, lines);
      if (failure) return failure;
    }
    this.#linesStored += lines;
    return null;
  }

  async #store(
    batches: Batch[],
    lastLine: number,
  ): Promise<LineFailure | null> {
    for (const { channel, x, y } of batches) {
      const stored = await this.sink.append(
        channel,
        x as Float64Array,
        y as Float64Array,
      );
      if (!stored.ok) {
        const line = this.#linesStored + lastLine;
        return stored.reason === "too_large"
          ? {
            status: 413,
            field: `line ${line}`,
            line,
            message:
              `the store takes at most ${stored.maxPoints} points at once; send fewer per line`,
          }
          : {
            status: 409,
            field: `line ${line}`,
            line,
            message:
              `channel "${channel}" would pass the channel limit; remove channels (DELETE /data?channel=…) or raise OSC_MAX_CHANNELS`,
          };
      }
      this.#accepted += x.length;
      const had = this.outcome.get(channel);
      this.outcome.set(channel, {
        accepted: (had?.accepted ?? 0) + x.length,
        seq: stored.seq,
      });
    }
    return null;
  }

  async #storeDocument(): Promise<LineFailure | null> {
    const json = parseJson(this.#document.join("\n"));
    this.#document = [];
    const parsed = json.ok
      ? parseBatch(json.value, {
        maxBatch: this.options.maxBatch,
        nowSeconds: this.sink.nowSeconds(),
        queryChannel: this.options.queryChannel,
        lastX: (c) => this.sink.lastX(c),
      })
      : json;
    if (!parsed.ok) {
      return {
        status: "tooMany" in parsed && parsed.tooMany ? 413 : 400,
        field: parsed.field,
        line: null,
        message: failureMessage(parsed),
      };
    }
    if (
      !this.sink.known(parsed.batch.channel) && this.sink.room() < 1
    ) {
      return {
        status: 409,
        field: "channel",
        line: null,
        message:
          `channel "${parsed.batch.channel}" would pass the channel limit; remove channels (DELETE /data?channel=…) or raise OSC_MAX_CHANNELS`,
      };
    }
    return await this.#store([parsed.batch], this.#splitter.nextLineNumber - 1);
  }

  #tooLong(line: number): LineFailure {
    return {
      status: 413,
      field: `line ${line}`,
      line,
      message:
        `line ${line} is longer than ${this.options.maxLineBytes} bytes without a newline`,
    };
  }
}

/**
 * Gathers points into one batch per channel, in the order channels first appear; points
 * without x are spread over the time since the channel's newest point (see receive_time.ts).
 */
export function groupByChannel(
  points: LinePoint[],
  sink: Pick<LineSink, "lastX" | "nowSeconds">,
): Batch[] {
  const counts = new Map<string, { n: number; missing: number }>();
  for (const p of points) {
    let c = counts.get(p.channel);
    if (!c) counts.set(p.channel, c = { n: 0, missing: 0 });
    c.n++;
    if (p.x === null) c.missing++;
  }
  const now = sink.nowSeconds();
  const out = new Map<
    string,
    {
      x: Float64Array;
      y: Float64Array;
      i: number;
      times: Float64Array | null;
      t: number;
    }
  >();
  for (const [channel, { n, missing }] of counts) {
    out.set(channel, {
      x: new Float64Array(n),
      y: new Float64Array(n),
      i: 0,
      times: missing > 0
        ? receiveTimes(missing, now, sink.lastX(channel))
        : null,
      t: 0,
    });
  }
  for (const p of points) {
    const b = out.get(p.channel)!;
    b.x[b.i] = p.x ?? b.times![b.t++];
    b.y[b.i++] = p.y;
  }
  return [...out].map(([channel, b]) => ({ channel, x: b.x, y: b.y }));
}
