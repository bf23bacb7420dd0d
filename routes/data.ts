import { type Context, type Handler, Hono } from "hono";
import { HttpError } from "../lib/server/http_error.ts";
import type { State } from "../lib/server/state.ts";
import {
  failureMessage,
  parseBatch,
  parseBinary,
  type Parsed,
  parseJson,
} from "../lib/ingest/validate.ts";
import { readBody, readText } from "./body.ts";
import { knownChannel, readHandler } from "./data_read.ts";
import { publishAdmission } from "./guard.ts";
import { mediaType, publishLines, streamedFormat } from "./publish_lines.ts";

const ALLOW = "GET, HEAD, POST, DELETE";
/** POST, GET and DELETE /data: publish points, read the buffers, clear a channel. */
export function dataRoutes(state: State): Hono {
  // admission comes before the token check, so guessing tokens is limited too
  const admit = publishAdmission(state);
  return new Hono()
    .post("/", publishHandler(state, admit))
    .get("/", readHandler(state))
    .delete("/", clearHandler(state, admit))
    .all("/", (c) => {
      throw new HttpError(
        405,
        `method ${c.req.method} is not allowed on /data; use ${ALLOW}`,
        "method",
        { Allow: ALLOW },
      );
    });
}

type Admit = ReturnType<typeof publishAdmission>;

/**
 * POST /data: a JSON point, array or columns, binary pairs, or lines; stored whole (a line
 * stream: as it arrives) and answered with what was stored, or refused naming the field.
 */
function publishHandler(state: State, admit: Admit): Handler {
  const { config } = state;
  return async (c: Context) => {
    await admit(c);
    // line bodies stream in and are stored as they come; everything else is read whole
    const format = streamedFormat(c);
    if (format !== null) return await publishLines(c, state, format);
    const opts = {
      maxBatch: config.maxBatch,
      nowSeconds: state.clock.now(),
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
  };
}

/** DELETE /data: one channel (`?channel=`) or all, freeing their slots. */
function clearHandler(state: State, admit: Admit): Handler {
  return async (c: Context) => {
    await admit(c);
    const name = knownChannel(state, c.req.query("channel"));
    return c.json({
      status: "success",
      cleared: await state.store.remove(name),
    });
  };
}

/** Whether a body starts like a JSON object or array (`{` or `[` after whitespace). */
function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) continue;
    return b === 0x7b || b === 0x5b;
  }
  return false;
}
