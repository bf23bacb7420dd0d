import type { Context } from "hono";
import { HttpError, type Refusal } from "../lib/server/http_error.ts";
import {
  type LineFailure,
  type LineFormat,
  LineIngest,
  type LineOutcome,
  type LineSink,
} from "../lib/ingest/line_ingest.ts";
import { mirrorSink } from "../lib/ingest/message.ts";
import type { State } from "../lib/server/state.ts";
import { StoreUnavailable } from "../lib/store/store.ts";
import { checkChannel, failureMessage } from "../lib/ingest/validate.ts";
import { refusal } from "./body.ts";

/**
 * Media types read as lines, and how. Text bodies are sniffed: senders have always posted JSON
 * labelled text/plain (the original read JSON whatever the type), and it still reads as JSON.
 */
const LINE_TYPES: Record<string, LineFormat> = {
  "application/x-ndjson": "ndjson",
  "application/jsonl": "ndjson",
  "application/json-lines": "ndjson",
  "application/x-jsonlines": "ndjson",
  "text/plain": "sniff",
  "text/csv": "sniff",
};

/** The media type of a Content-Type header, lower-cased, without parameters ("" if none). */
export function mediaType(header: string | undefined): string {
  if (header === undefined) return "";
  const semi = header.indexOf(";");
  return (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/**
 * How a POST /data body is read as lines as it streams in, or null when it is read whole: line
 * types always stream; a body of no particular type (`curl -T -`, a pipe) streams when it comes
 * without a length, and its first line decides what it holds.
 */
export function streamedFormat(c: Context): LineFormat | null {
  const type = mediaType(c.req.header("content-type"));
  const format = LINE_TYPES[type];
  if (format) return format;
  if (type === "application/json" || type === "application/octet-stream") {
    return null;
  }
  const declared = c.req.header("content-length") !== undefined &&
    c.req.header("transfer-encoding") === undefined;
  return declared ? null : "sniff";
}

/** What a line body's failure is counted as. */
const FAILURE_REASON: Record<LineFailure["status"], Refusal> = {
  400: "invalid",
  409: "channel_limit",
  413: "too_large",
};

/** The channel of `?channel=`, checked; null when the query has none. */
function queryChannel(c: Context): string | null {
  const name = c.req.query("channel");
  if (name === undefined) return null;
  const bad = checkChannel(name);
  if (bad) {
    throw new HttpError(400, failureMessage(bad), "channel").refused("invalid");
  }
  return name;
}

function sinkFor(state: State): LineSink {
  return {
    ...mirrorSink(state.channels, state.config.maxChannels, state.clock),
    append: (channel, x, y) => state.store.append(channel, x, y),
  };
}

/**
 * Reads a line body as it arrives and stores each read's lines together, so a stream that lasts
 * hours shows its points while it is still open. The body's time limit applies to each read:
 * a stream may be as long as it likes, but not silent for longer than OSC_BODY_TIMEOUT_MS.
 */
export async function publishLines(
  c: Context,
  state: State,
  format: LineFormat,
  reader = c.req.raw.body?.getReader(),
): Promise<Response> {
  const { config } = state;
  const ingest = new LineIngest({
    format,
    maxLineBytes: config.maxBodyBytes,
    maxBatch: config.maxBatch,
    queryChannel: queryChannel(c),
  }, sinkFor(state));
  const refused = (
    reason: Refusal,
    status: HttpError["status"],
    message: string,
    field: string,
    extra: Record<string, unknown> = {},
    headers?: Record<string, string>,
  ) =>
    new HttpError(status, message, field, headers, {
      accepted: ingest.accepted,
      ...extra,
    }).refused(reason);
  const fail = (f: LineFailure) =>
    refused(
      FAILURE_REASON[f.status],
      f.status,
      f.message,
      f.field,
      f.line === null ? {} : { line: f.line },
    );
  try {
    while (reader) {
      const read = await state.deadlines.within(
        reader.read(),
        config.bodyTimeoutMs,
        () =>
          refused(
            "timeout",
            408,
            `no bytes arrived for ${config.bodyTimeoutMs} ms; the stream was ended (what came before is stored)`,
            "body",
          ),
      );
      if (read.done) break;
      const failure = await ingest.push(read.value);
      if (failure) throw fail(failure);
    }
    const failure = await ingest.finish();
    if (failure) throw fail(failure);
  } catch (e) {
    await reader?.cancel().catch(() => {});
    state.count.accepted(ingest.accepted);
    if (e instanceof StoreUnavailable) {
      throw refused(
        "store_unavailable",
        503,
        `${e.message}; the points after the first ${ingest.accepted} were not stored, retry shortly`,
        "store",
        {},
        { "Retry-After": "1" },
      );
    }
    refusal(e);
  }
  if (ingest.outcome.size === 0) {
    throw refused(
      "invalid",
      400,
      ingest.lines === 0
        ? 'body is empty; expected JSON such as {"x": 1, "y": 2}, NDJSON, or lines such as 3.3, 1.5,2.25 or a:1,b:2'
        : "body has no points, only blank or comment lines",
      "body",
    );
  }
  state.count.accepted(ingest.accepted);
  return c.json(reply(ingest.accepted, ingest.lines, ingest.outcome));
}

function reply(accepted: number, lines: number, outcome: LineOutcome) {
  const channels = Object.fromEntries(outcome);
  // one channel: the same members a JSON publish answers with, for clients that read them
  const [only] = outcome.size === 1 ? outcome : [];
  return {
    status: "success",
    accepted,
    ...(only ? { channel: only[0], seq: only[1].seq } : {}),
    lines,
    channels,
  };
}
