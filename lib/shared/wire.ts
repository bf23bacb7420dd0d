import type { Values } from "./ring_buffer.ts";

/**
 * The messages on /ws, shared by the server (which writes them) and the island (which reads
 * them). Numbers are written by hand from typed arrays: a finite float's `toString` is exactly
 * its JSON form, and joining avoids building a JS array per message.
 */

/** Points of one channel; `seq` is the seq of the last point, earlier ones count down by 1. */
export interface PointsMessage {
  type: "snapshot" | "points";
  channel: string;
  seq: number;
  x: number[];
  y: number[];
  /**
   * a snapshot cut down to bucket extremes for drawing (`/ws?slots=`): the same picture, but
   * not every sample, so what is measured over it is an estimate until the full points arrive
   */
  reduced?: boolean;
}

/** The channel's points through `seq` are gone; the channel stays and newer points follow. */
export interface ClearMessage {
  type: "clear";
  channel: string;
  seq: number;
}

/** The channel is gone (its last point had `seq`): out of the legend, the table and the screen. */
export interface RemoveMessage {
  type: "remove";
  channel: string;
  seq: number;
}

export type ServerMessage = PointsMessage | ClearMessage | RemoveMessage;

/** The JSON text of a snapshot or points message. */
export function encodePoints(
  type: PointsMessage["type"],
  channel: string,
  seq: number,
  x: Values,
  y: Values,
  reduced = false,
): string {
  return `{"type":"${type}","channel":${
    JSON.stringify(channel)
  },"seq":${seq},"x":[${x.join(",")}],"y":[${y.join(",")}]${
    reduced ? ',"reduced":true' : ""
  }}`;
}

export function encodeClear(
  channel: string,
  seq: number,
  type: "clear" | "remove" = "clear",
): string {
  return JSON.stringify(
    { type, channel, seq } satisfies ClearMessage | RemoveMessage,
  );
}

/**
 * How a viewer wants its frames: JSON text (the default: readable in any tool) or binary
 * float64 (`/ws?encoding=f64`, what the page uses). Binary frames cost the server nothing per
 * viewer — Deno encodes every text frame to UTF-8 on each send — and decode 10x faster.
 */
export type Encoding = "json" | "f64";

export type Frame = string | Uint8Array;

const TYPE_CODES = { snapshot: 1, points: 2, clear: 3, remove: 4 } as const;
const TYPE_NAMES = ["", "snapshot", "points", "clear", "remove"] as const;

/**
 * A binary frame, little-endian: byte 0 the type (1 snapshot, 2 points, 3 clear, 4 remove),
 * byte 1 flags (bit 0: a reduced snapshot, see PointsMessage), bytes 2-3 the channel name's UTF-8 length L, then the name, zero-padded to a multiple of 8;
 * then float64 seq, float64 n, n float64 x, n float64 y (columns, so each is one typed view).
 */
export function encodeBinary(
  type: ServerMessage["type"],
  channel: string,
  seq: number,
  x: Values = [],
  y: Values = [],
  reduced = false,
): Uint8Array {
  const name = new TextEncoder().encode(channel);
  const head = 4 + name.length + ((8 - ((4 + name.length) % 8)) % 8);
  const n = x.length;
  const buf = new ArrayBuffer(head + 16 + 16 * n);
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  bytes[0] = TYPE_CODES[type];
  bytes[1] = reduced ? 1 : 0;
  view.setUint16(2, name.length, true);
  bytes.set(name, 4);
  view.setFloat64(head, seq, true);
  view.setFloat64(head + 8, n, true);
  const body = new Float64Array(buf, head + 16, 2 * n);
  if (x instanceof Float64Array && y instanceof Float64Array) {
    body.set(x, 0);
    body.set(y, n);
  } else {
    for (let i = 0; i < n; i++) {
      body[i] = x[i];
      body[n + i] = y[i];
    }
  }
  return bytes;
}

/** A decoded binary frame: like a ServerMessage, with typed arrays for x and y. */
export type BinaryMessage =
  | {
    type: "snapshot" | "points";
    channel: string;
    seq: number;
    x: Float64Array;
    y: Float64Array;
    reduced: boolean;
  }
  | ClearMessage
  | RemoveMessage;

/** Reads a frame made by `encodeBinary`; null when it is not one. */
export function decodeBinary(buf: ArrayBuffer): BinaryMessage | null {
  if (buf.byteLength < 20) return null;
  const view = new DataView(buf);
  const type = TYPE_NAMES[view.getUint8(0)];
  if (!type) return null;
  const length = view.getUint16(2, true);
  const head = 4 + length + ((8 - ((4 + length) % 8)) % 8);
  if (buf.byteLength < head + 16) return null;
  const channel = new TextDecoder().decode(new Uint8Array(buf, 4, length));
  const seq = view.getFloat64(head, true);
  if (type === "clear" || type === "remove") return { type, channel, seq };
  const n = view.getFloat64(head + 8, true);
  if (!Number.isInteger(n) || buf.byteLength !== head + 16 + 16 * n) {
    return null;
  }
  return {
    type,
    channel,
    seq,
    x: new Float64Array(buf, head + 16, n),
    y: new Float64Array(buf, head + 16 + 8 * n, n),
    reduced: (view.getUint8(1) & 1) === 1,
  };
}

/** A snapshot or points message in the given encoding. */
export function encodeFrame(
  encoding: Encoding,
  type: PointsMessage["type"],
  channel: string,
  seq: number,
  x: Values,
  y: Values,
  reduced = false,
): Frame {
  return encoding === "f64"
    ? encodeBinary(type, channel, seq, x, y, reduced)
    : encodePoints(type, channel, seq, x, y, reduced);
}

/** A clear or remove message in the given encoding. */
export function encodeClearFrame(
  encoding: Encoding,
  channel: string,
  seq: number,
  type: "clear" | "remove" = "clear",
): Frame {
  return encoding === "f64"
    ? encodeBinary(type, channel, seq)
    : encodeClear(channel, seq, type);
}
