import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HttpError, type Refusal } from "../lib/server/http_error.ts";
import { groupByChannel } from "../lib/ingest/line_ingest.ts";
import {
  parseLineProtocol,
  precisionSeconds,
} from "../lib/ingest/line_protocol.ts";
import type { State } from "../lib/server/state.ts";
import { StoreUnavailable } from "../lib/store/store.ts";
import { readBody, readText } from "./body.ts";
import { publishAdmission } from "./guard.ts";

/** How much a gzip body may grow when inflated, against OSC_MAX_BODY: a bound on zip bombs. */
const GZIP_GROWTH = 16;

/** InfluxDB's error codes by status, as its clients read them. */
const CODES: Record<number, string> = {
  400: "invalid",
  401: "unauthorized",
  404: "not found",
  408: "request timeout",
  409: "conflict",
  413: "request too large",
  415: "unsupported media type",
  429: "too many requests",
  503: "unavailable",
};

/**
 * Every error here refuses a write: those that carry no reason of their own (this route's
 * parse errors) are counted by status, under the reasons /metrics and /status use.
 */
const REASONS: Record<number, Refusal> = {
  400: "invalid",
  401: "unauthorized",
  408: "timeout",
  409: "channel_limit",
  413: "too_large",
  415: "invalid",
  429: "rate_limited",
  503: "store_unavailable",
};

/**
 * InfluxDB's write endpoints, so Telegraf and every InfluxDB client library publish with no
 * glue: `POST /api/v2/write` (2.x: org, bucket, precision ns|us|ms|s, `Authorization: Token`)
 * and `POST /write` (1.x: db, precision, also `?p=` or Basic auth). Each numeric or boolean field
 * of a line becomes a point of channel `<measurement>.<tag values by key>.<field>`, x its
 * timestamp in seconds. A batch is stored whole or refused whole, answered 204 as InfluxDB does,
 * and errors come in InfluxDB's shape (`{"code","message"}`) so its clients report them.
 */
export function influxRoutes(state: State): Hono {
  const { config } = state;
  const app = new Hono();
  const admit = {
    1: publishAdmission(state, true),
    2: publishAdmission(state),
  };
  const write = (version: 1 | 2) =>
    app.post(version === 2 ? "/api/v2/write" : "/write", async (c) => {
      await admit[version](c);
      const raw = c.req.query("precision");
      const unitSeconds = precisionSeconds(raw, version);
      if (unitSeconds === null) {
        throw new HttpError(
          400,
          `precision "${raw}" is not one of ${
            version === 2 ? "ns, us, ms, s" : "n, ns, u, us, ms, s, m, h"
          }`,
          "precision",
        );
      }
      if (version === 2 && !c.req.query("bucket")) {
        throw new HttpError(400, "bucket is required", "bucket");
      }
      const text = await readLines(c.req.raw, state);
      const parsed = parseLineProtocol(text, {
        unitSeconds,
        maxPoints: config.maxBatch,
      });
      if (!parsed.ok) {
        throw new HttpError(
          parsed.tooMany ? 413 : 400,
          `unable to parse line ${parsed.line}: ${parsed.reason}; nothing from this batch was stored`,
          `line ${parsed.line}`,
        );
      }
      const batches = groupByChannel(parsed.points, {
        nowSeconds: () => state.clock.now(),
        lastX: (name) => state.channels.newestX(name),
      });
      // all or nothing: a batch whose new channels do not fit is refused before anything is
      // stored (a replica creating channels at the same moment can still take the last slot)
      const fresh = batches.filter((b) => !state.channels.get(b.channel));
      if (fresh.length > config.maxChannels - state.channels.count) {
        throw new HttpError(
          409,
          `this batch would create ${fresh.length} channels (${
            fresh[0].channel
          }, …) and ${
            config.maxChannels - state.channels.count
          } are free of ${config.maxChannels}; remove channels (DELETE /data?channel=…) or raise OSC_MAX_CHANNELS`,
          "channel",
        );
      }
      let accepted = 0;
      for (const { channel, x, y } of batches) {
        const stored = await state.store.append(channel, x, y);
        if (!stored.ok) {
          throw new HttpError(
            stored.reason === "too_large" ? 413 : 409,
            stored.reason === "too_large"
              ? `the ${config.store} store takes at most ${stored.maxPoints} points of one channel per batch; send smaller batches`
              : `channel "${channel}" would pass the channel limit of ${config.maxChannels}`,
            "channel",
          );
        }
        accepted += x.length;
      }
      state.count.accepted(accepted);
      return c.body(null, 204);
    });
  write(2);
  write(1);
  app.onError((err, c) => {
    const status: ContentfulStatusCode = err instanceof HttpError
      ? err.status
      : err instanceof StoreUnavailable
      ? 503
      : 500;
    const message = status === 500 ? "internal error" : err.message;
    if (status === 500) {
      state.log.log("error", "write failed", {
        error: String(err?.stack ?? err),
      });
    } else {
      const reason = (err instanceof HttpError ? err.reason : undefined) ??
        REASONS[status];
      if (reason) state.count.rejected(reason, message);
    }
    if (err instanceof HttpError) {
      for (const [name, value] of Object.entries(err.headers ?? {})) {
        c.header(name, value);
      }
    }
    if (status === 503) c.header("Retry-After", "1");
    return c.json(
      { code: CODES[status] ?? "internal error", message },
      status,
    );
  });
  return app;
}

/** The body as text, inflated when gzip; bounded in bytes and in time like any body. */
async function readLines(req: Request, state: State): Promise<string> {
  const encoding = req.headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding && encoding !== "gzip" && encoding !== "identity") {
    throw new HttpError(
      415,
      `Content-Encoding "${encoding}" is not supported; send gzip or plain text`,
      "content-encoding",
    );
  }
  if (encoding !== "gzip") return await readText(req, state);
  const max = GZIP_GROWTH * state.config.maxBodyBytes;
  const inflated = new Blob([
    (await readBody(req, state)) as Uint8Array<ArrayBuffer>,
  ]).stream()
    .pipeThrough(
      new DecompressionStream("gzip") as TransformStream<
        Uint8Array,
        Uint8Array
      >,
    )
    .pipeThrough(limitBytes(max, "inflated body"));
  return await new Response(inflated).text().catch((e) => {
    if (e instanceof HttpError) throw e;
    // a truncated or corrupt gzip stream
    throw new HttpError(
      400,
      `body could not be read: ${e?.message ?? e}`,
      "body",
    );
  });
}

/** Passes bytes through until `max`, then fails the stream with a 413 naming `what`. */
function limitBytes(
  max: number,
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > max) {
        controller.error(
          new HttpError(413, `${what} is larger than ${max} bytes`, "body"),
        );
        return;
      }
      controller.enqueue(chunk);
    },
  });
}
