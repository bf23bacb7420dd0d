import type { Channels } from "../store/channels.ts";
import { LineIngest, type LineSink } from "./line_ingest.ts";
import type { ReceiveClock } from "./receive_time.ts";
import {
  type Batch,
  failureMessage,
  parseBatch,
  parseJson,
} from "./validate.ts";

/**
 * One message of a transport that has no request to answer (an MQTT publish): read whole before
 * anything is stored, so it is stored whole or dropped whole. The payload may be anything
 * `POST /data` takes as text — a bare number, JSON, NDJSON or text lines — read the way a body
 * of no particular type is (its first line decides); `channel` plays the part of `?channel=`.
 */

/** What the reader asks of the channels (the store's mirror) while it reads. */
export type MessageSink = Omit<LineSink, "append">;

/** The sink over this instance's mirror of the channels, at the receive time of now. */
export function mirrorSink(
  channels: Channels,
  maxChannels: number,
  clock: ReceiveClock,
): MessageSink {
  return {
    known: (channel) => channels.get(channel) !== undefined,
    room: () => maxChannels - channels.count,
    lastX: (channel) => channels.newestX(channel),
    nowSeconds: () => clock.now(),
  };
}

export interface MessageOptions {
  /** the channel the message names (from its topic), or null to let the payload decide */
  channel: string | null;
  /** the largest payload taken, in bytes (OSC_MAX_BODY) */
  maxBytes: number;
  /** most points one line may hold (OSC_MAX_BATCH) */
  maxBatch: number;
}

export type MessageRead =
  | { ok: true; batches: Batch[]; points: number }
  | { ok: false; reason: string };

/** Reads a payload into one batch per channel, in the order channels first appear. */
export async function readMessage(
  payload: Uint8Array,
  opts: MessageOptions,
  sink: MessageSink,
): Promise<MessageRead> {
  if (payload.length > opts.maxBytes) {
    return {
      ok: false,
      reason:
        `payload of ${payload.length} bytes is over the ${opts.maxBytes} bytes one message may hold (OSC_MAX_BODY)`,
    };
  }
  const document = readDocument(payload, opts, sink);
  if (document !== null) return document;
  // the reader stores as it goes; here "stored" means held until the whole payload has read
  const held = new Map<string, { x: Float64Array[]; y: Float64Array[] }>();
  let fresh = 0;
  const holding: LineSink = {
    append(channel, x, y) {
      let h = held.get(channel);
      if (!h) {
        if (!sink.known(channel)) fresh++;
        held.set(channel, h = { x: [], y: [] });
      }
      h.x.push(x);
      h.y.push(y);
      return { ok: true, seq: 0 };
    },
    known: (channel) => held.has(channel) || sink.known(channel),
    room: () => sink.room() - fresh,
    lastX(channel) {
      const h = held.get(channel);
      if (!h) return sink.lastX(channel);
      const x = h.x[h.x.length - 1];
      return x[x.length - 1];
    },
    nowSeconds: () => sink.nowSeconds(),
  };
  let ingest: LineIngest;
  try {
    ingest = new LineIngest({
      format: "sniff",
      maxLineBytes: opts.maxBytes,
      maxBatch: opts.maxBatch,
      queryChannel: opts.channel,
    }, holding);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  const failure = (await ingest.push(payload)) ?? (await ingest.finish());
  if (failure) return { ok: false, reason: failure.message };
  if (held.size === 0) {
    return {
      ok: false,
      reason: payload.length === 0
        ? "payload is empty"
        : "payload has no points, only blank or comment lines",
    };
  }
  const batches: Batch[] = [];
  let points = 0;
  for (const [channel, h] of held) {
    const x = concat(h.x);
    points += x.length;
    batches.push({ channel, x, y: concat(h.y) });
  }
  return { ok: true, batches, points };
}

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const decoder = new TextDecoder();

/**
 * A payload that is one JSON document, the shape most devices send, read as a JSON POST body
 * is — in one parse, typed arrays straight from it — rather than through the line reader; null
 * when it is something else (NDJSON, lines, a bare number).
 */
function readDocument(
  payload: Uint8Array,
  opts: MessageOptions,
  sink: MessageSink,
): MessageRead | null {
  let i = 0;
  while (i < payload.length && payload[i] <= 32) i++;
  if (payload[i] !== OPEN_BRACE && payload[i] !== OPEN_BRACKET) return null;
  const json = parseJson(decoder.decode(payload));
  if (!json.ok) return null;
  const parsed = parseBatch(json.value, {
    maxBatch: opts.maxBatch,
    nowSeconds: sink.nowSeconds(),
    queryChannel: opts.channel,
    lastX: (c) => sink.lastX(c),
  });
  if (!parsed.ok) return { ok: false, reason: failureMessage(parsed) };
  const { batch } = parsed;
  if (!sink.known(batch.channel) && sink.room() < 1) {
    return {
      ok: false,
      reason:
        `channel "${batch.channel}" would pass the channel limit (OSC_MAX_CHANNELS)`,
    };
  }
  return { ok: true, batches: [batch], points: batch.x.length };
}

function concat(parts: Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0];
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Float64Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
