import { Hono } from "hono";
import { HttpError } from "../lib/server/http_error.ts";
import {
  csvChunks,
  jsonChunks,
  type NamedSlice,
} from "../lib/server/export.ts";
import { decimated } from "../lib/server/snapshots.ts";
import type { State } from "../lib/server/state.ts";
import {
  checkChannel,
  failureMessage,
  parseBatch,
  parseBinary,
  type Parsed,
  parseJson,
} from "../lib/ingest/validate.ts";
import { readBody, readText } from "./body.ts";
import { publishAdmission } from "./guard.ts";
import { mediaType, publishLines, streamedFormat } from "./publish_lines.ts";

const ALLOW = "GET, HEAD, POST, DELETE";
/** large GET /data responses streaming at once; each holds a copy of up to every buffered point */
const MAX_CONCURRENT_EXPORTS = 4;
/** an answer of at most this many points (some 300 KB) is small: it takes no download slot */
const SMALL_EXPORT_POINTS = 10_000;

/** POST, GET and DELETE /data: publish points, read the buffers, clear a channel. */
export function dataRoutes(state: State): Hono {
  const { config } = state;
  const app = new Hono();
  // admission comes before the token check, so guessing tokens is limited too
  const admit = publishAdmission(state);

  app.post(
    "/",
    async (c) => {
      await admit(c);
      // line bodies stream in and are stored as they come; everything else is read whole
      const format = streamedFormat(c);
      if (format !== null) return await publishLines(c, state, format);
      const opts = {
        maxBatch: config.maxBatch,
        nowSeconds: Date.now() / 1000,
        queryChannel: c.req.query("channel"),
        lastX: (name: string) => state.channels.newestX(name),
      };
      let parsed: Parsed;
      if (
        mediaType(c.req.header("content-type")) === "application/octet-stream"
      ) {
        const bytes = await readBody(c.req.raw, state);
        parsed = parseBinary(bytes, opts);
        if (!parsed.ok && looksLikeJson(bytes)) {
          parsed.reason +=
            "; this looks like JSON, which must not be sent as application/octet-stream";
        }
      } else {
        // JSON whatever else the Content-Type says: `curl -d` sends form encoding and the original
        // read it. What is not a JSON object or array (`seq 1 100 | curl --data-binary @-`) is
        // read as lines
        const text = await readText(c.req.raw, state);
        const json = parseJson(text);
        if (!json.ok || typeof json.value === "number") {
          return publishLines(
            c,
            state,
            "sniff",
            new Blob([text]).stream().getReader(),
          );
        }
        parsed = parseBatch(json.value, opts);
      }
      if (!parsed.ok) {
        throw new HttpError(
          parsed.tooMany ? 413 : 400,
          failureMessage(parsed),
          parsed.field,
        ).refused(parsed.tooMany ? "too_large" : "invalid");
      }
      const { channel, x, y } = parsed.batch;
      const stored = await state.store.append(channel, x, y);
      if (!stored.ok && stored.reason === "too_large") {
        throw new HttpError(
          413,
          `the ${config.store} store takes at most ${stored.maxPoints} points in one request, got ${x.length}; split the batch`,
          "points",
        ).refused("too_large");
      }
      if (!stored.ok) {
        throw new HttpError(
          409,
          `channel "${channel}" would be channel ${
            config.maxChannels + 1
          }; the limit is ${config.maxChannels}`,
          "channel",
        ).refused("channel_limit");
      }
      state.count.accepted(x.length);
      return c.json({
        status: "success",
        accepted: x.length,
        channel,
        seq: stored.seq,
      });
    },
  );

  let exports = 0;
  app.get("/", (c) => {
    const name = knownChannel(state, c.req.query("channel"));
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
    if (format !== "json" && format !== "csv") {
      throw new HttpError(400, "format must be json or csv", "format");
    }
    // HEAD: Hono runs this handler and drops the body without cancelling it, so a stream
    // started here would never finish and never give back its download slot
    if (c.req.method === "HEAD") {
      return c.body(null, 200, {
        "content-type": format === "csv"
          ? "text/csv; charset=utf-8"
          : "application/json",
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
    const chunks = format === "csv" ? csvChunks(slices) : jsonChunks(slices);
    const body = big
      ? slotted(chunks, config.bodyTimeoutMs, () => exports++, () => exports--)
      : ReadableStream.from(chunks);
    return c.body(body.pipeThrough(new TextEncoderStream()), 200, {
      "content-type": format === "csv"
        ? "text/csv; charset=utf-8"
        : "application/json",
      "cache-control": "no-store",
    });
  });

  app.delete("/", async (c) => {
    await admit(c);
    const name = knownChannel(state, c.req.query("channel"));
    return c.json({
      status: "success",
      cleared: await state.store.remove(name),
    });
  });

  app.all("/", (c) => {
    throw new HttpError(
      405,
      `method ${c.req.method} is not allowed on /data; use ${ALLOW}`,
      "method",
      {
        Allow: ALLOW,
      },
    );
  });
  return app;
}

/** Whether a body starts like a JSON object or array (`{` or `[` after whitespace). */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}

/** The `?channel=` value when it names an existing channel, null when absent; else an error. */
function knownChannel(state: State, name: string | undefined): string | null {
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
  chunks: Generator<string>,
  stallMs: number,
  take: () => void,
  give: () => void,
): ReadableStream<string> {
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
  return new ReadableStream<string>({
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
