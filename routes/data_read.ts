import type { Context, Handler } from "hono";
import { checkChannel, failureMessage } from "../lib/ingest/validate.ts";
import {
  csvChunks,
  jsonChunks,
  type NamedSlice,
} from "../lib/server/export.ts";
import { HttpError } from "../lib/server/http_error.ts";
import { decimated } from "../lib/server/snapshots.ts";
import type { State } from "../lib/server/state.ts";
import { encodeBinary } from "../lib/shared/wire.ts";
import { windowAnswer } from "./data_window.ts";

/** large GET /data responses streaming at once; each holds a copy of up to every buffered point */
const MAX_CONCURRENT_EXPORTS = 4;
/** an answer of at most this many points (some 300 KB) is small: it takes no download slot */
const SMALL_EXPORT_POINTS = 10_000;

/**
 * GET /data: the buffers as JSON or CSV, all channels or one, after `?since=`, at most `?limit=`
 * per channel, cut down to `?max_points=` with M4. Big answers stream, and at most four at once.
 */
export function readHandler(state: State): Handler {
  const { config } = state;
  let exports = 0;
  return (c: Context) => {
    const name = knownChannel(state, c.req.query("channel"));
    if (c.req.query("from") !== undefined || c.req.query("to") !== undefined) {
      return windowAnswer(
        c,
        state,
        name === null ? state.channels.names() : [name],
      );
    }
    const since = wholeNumber(c.req.query("since"), "since", 0);
    const limit = wholeNumber(c.req.query("limit"), "limit", Infinity);
    const maxPoints = wholeNumber(
      c.req.query("max_points"),
      "max_points",
      Infinity,
    );
    if (maxPoints < 4) {
      throw new HttpError(400, "max_points must be at least 4", "max_points");
    }
    const format = c.req.query("format") ?? "json";
    if (format !== "json" && format !== "csv" && format !== "f64") {
      throw new HttpError(400, "format must be json, csv or f64", "format");
    }
    if (format === "f64" && name === null) {
      throw new HttpError(
        400,
        "format=f64 answers one channel: add ?channel=",
        "channel",
      );
    }
    const type = CONTENT_TYPES[format];
    // HEAD: Hono runs this handler and drops the body without cancelling it, so a stream
    // started here would never finish and never give back its download slot
    if (c.req.method === "HEAD") {
      return c.body(null, 200, {
        "content-type": type,
        "cache-control": "no-store",
      });
    }
    const names = name === null ? state.channels.names() : [name];
    // points the answer holds, before copying any: a small one needs no download slot
    let total = 0;
    for (const n of names) {
      const buffer = state.channels.get(n)!;
      total += Math.min(
        buffer.size,
        Math.max(0, buffer.lastSeq - since),
        limit,
        maxPoints,
      );
    }
    const big = total > SMALL_EXPORT_POINTS;
    // each big download holds a copy of what it sends until the client has read it, so their
    // number is what bounds this memory
    if (big && exports >= MAX_CONCURRENT_EXPORTS) {
      throw new HttpError(
        503,
        "too many large downloads of /data in progress; retry shortly, or ask for less (?limit=, ?since=, ?max_points=)",
        undefined,
        { "Retry-After": "1" },
      );
    }
    const slices: NamedSlice[] = names.map((n) => {
      const buffer = state.channels.get(n)!;
      const newer = Math.max(0, buffer.lastSeq - since);
      return [
        n,
        decimated(
          buffer.latest(Math.min(newer, limit)),
          Number.isFinite(maxPoints) ? maxPoints : undefined,
        ),
      ];
    });
    const chunks = format === "f64"
      ? binaryFrame(slices[0])
      : textEncoded(format === "csv" ? csvChunks(slices) : jsonChunks(slices));
    const body = big
      ? slotted(chunks, config.bodyTimeoutMs, () => exports++, () => exports--)
      : ReadableStream.from(chunks);
    return c.body(body, 200, {
      "content-type": type,
      "cache-control": "no-store",
    });
  };
}

const CONTENT_TYPES = {
  json: "application/json",
  csv: "text/csv; charset=utf-8",
  f64: "application/octet-stream",
} as const;

/**
 * One channel as the binary frame /ws sends (wire.ts: a snapshot message, float64 columns):
 * the page's way to fetch full-resolution points, 16 bytes each and nothing to parse.
 */
function* binaryFrame([name, slice]: NamedSlice): Generator<Uint8Array> {
  yield encodeBinary("snapshot", name, slice.seq, slice.x, slice.y);
}

function* textEncoded(chunks: Generator<string>): Generator<Uint8Array> {
  const encoder = new TextEncoder();
  for (const chunk of chunks) yield encoder.encode(chunk);
}

/** The `?channel=` value when it names an existing channel, null when absent; else an error. */
export function knownChannel(
  state: State,
  name: string | undefined,
): string | null {
  if (name === undefined) return null;
  const bad = checkChannel(name);
  if (bad) throw new HttpError(400, failureMessage(bad), "channel");
  if (!state.channels.get(name)) {
    throw new HttpError(404, `channel "${name}" has no data`, "channel");
  }
  return name;
}

function wholeNumber(
  raw: string | undefined,
  field: string,
  fallback: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HttpError(400, `${field} must be a whole number`, field);
  }
  return Number(raw);
}

/**
 * A download holding one of the slots (`take`, `give` back when it ends, is cancelled or
 * stalls): a client that stops reading for `stallMs` is cut off, so it cannot keep a slot, and
 * the copy of the data it holds, for as long as it keeps the connection.
 */
function slotted(
  chunks: Generator<Uint8Array>,
  stallMs: number,
  take: () => void,
  give: () => void,
): ReadableStream<Uint8Array> {
  take();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    chunks.return(undefined);
    give();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setTimeout(() => {
        end();
        controller.error(new Error("the download made no progress"));
      }, stallMs);
    },
    pull(controller) {
      // the client read what was queued: it gets the full time again for the next piece
      clearTimeout(timer);
      const next = chunks.next();
      if (next.done) {
        end();
        controller.close();
        return;
      }
      controller.enqueue(next.value);
      timer = setTimeout(() => {
        end();
        controller.error(new Error("the download made no progress"));
      }, stallMs);
    },
    cancel: end,
  });
}
