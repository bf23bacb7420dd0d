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
}

export interface ClearMessage {
  type: "clear";
  channel: string;
  seq: number;
}

export type ServerMessage = PointsMessage | ClearMessage;

/** The JSON text of a snapshot or points message. */
export function encodePoints(
  type: PointsMessage["type"],
  channel: string,
  seq: number,
  x: Values,
  y: Values,
): string {
  return `{"type":"${type}","channel":${
    JSON.stringify(channel)
  },"seq":${seq},"x":[${x.join(",")}],"y":[${y.join(",")}]}`;
}

export function encodeClear(channel: string, seq: number): string {
  return JSON.stringify({ type: "clear", channel, seq } satisfies ClearMessage);
}
