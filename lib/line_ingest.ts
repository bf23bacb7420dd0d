import type { AppendResult } from "./channels.ts";
import type { LinePoint } from "./line_points.ts";
import { LineSplitter } from "./line_splitter.ts";
import { receiveTimes } from "./receive_time.ts";
import { parseTextLine } from "./text_lines.ts";
import {
  type Batch,
  checkChannel,
  DEFAULT_CHANNEL,
  failureMessage,
  parseBatch,
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
  #pending: { points: LinePoint[]; lines: number } = { points: [], lines: 0 };
  // channels the pending lines would create
  #creating = new Set<string>();
  #linesStored = 0;
  #accepted = 0;
  readonly outcome: LineOutcome = new Map();

  constructor(readonly options: LineIngestOptions, readonly sink: LineSink) {
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
    const first = this.#splitter.nextLineNumber - split.lines.length;
    for (let i = 0; i < split.lines.length; i++) {
      const failure = await this.#line(split.lines[i], first + i);
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

  async #line(text: string, number: number): Promise<LineFailure | null> {
    if (this.#mode === null) {
      const start = text.trimStart();
      if (start === "") {
        this.#pending.lines++;
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
    const parsed: LineRead = this.#mode === "ndjson"
      ? this.#ndjsonLine(text)
      : this.#textLine(text);
    if (!parsed.ok) {
      return (await this.#flush()) ?? {
        status: parsed.tooMany ? 413 : 400,
        field: `line ${number}`,
        line: number,
        message: `line ${number}: ${parsed.reason}`,
      };
    }
    const creating = new Set<string>();
    for (const p of parsed.points) {
      if (!this.sink.known(p.channel) && !this.#creating.has(p.channel)) {
        creating.add(p.channel);
      }
    }
    if (this.#creating.size + creating.size > this.sink.room()) {
      // the lines before this one may fit; this one, whole, does not
      const failure = await this.#flush();
      if (failure) return failure;
      const fresh = [...creating].filter((c) => !this.sink.known(c));
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
    }
    for (const c of creating) this.#creating.add(c);
    for (const p of parsed.points) this.#pending.points.push(p);
    this.#pending.lines++;
    if (this.#pending.points.length >= FLUSH_POINTS) return await this.#flush();
    return null;
  }

  #ndjsonLine(text: string): LineRead {
    if (text.trim() === "") return { ok: true, points: [] };
    const json = parseJson(text);
    if (!json.ok) return { ok: false, reason: failureMessage(json) };
    const parsed = parseBatch(json.value, {
      maxBatch: this.options.maxBatch,
      nowSeconds: this.sink.nowSeconds(),
      queryChannel: this.options.queryChannel,
      // spread over everything read together, not line by line
      missingX: "later",
    });
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
    const { points, lines } = this.#pending;
    this.#pending = { points: [], lines: 0 };
    this.#creating.clear();
    if (points.length > 0) {
      const failure = await this.#store(
        groupByChannel(points, this.sink),
        lines,
      );
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
