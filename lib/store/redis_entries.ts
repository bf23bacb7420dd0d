// The shape of what RedisStore writes to and reads from its streams: each entry is one batch,
// its ID the seq of the batch's last point, its "p" field the points as float64 x,y pairs.
import { Buffer } from "node:buffer";
import type { Values } from "../shared/ring_buffer.ts";

/** An XREAD reply read as buffers: per stream key, its entries as [id, fields]. */
export type StreamReply = [Buffer, [Buffer, Buffer[]][]][];

/** An entry's flat field list as a map, its values as strings (or, if `raw`, as buffers). */
export function fieldMap(fields: Buffer[]): Map<string, string>;
export function fieldMap(fields: Buffer[], raw: true): Map<string, Buffer>;
export function fieldMap(
  fields: Buffer[],
  raw = false,
): Map<string, string | Buffer> {
  const map = new Map<string, string | Buffer>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    map.set(String(fields[i]), raw ? fields[i + 1] : String(fields[i + 1]));
  }
  return map;
}

/** A batch as the bytes of its "p" field: x,y float64 pairs, one per point. */
export function packPoints(x: Values, y: Values): Buffer {
  const points = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) {
    points[2 * i] = x[i];
    points[2 * i + 1] = y[i];
  }
  return Buffer.from(points.buffer);
}

/**
 * The points of an entry whose last point has seq `lastSeq`, without those at or below seq
 * `cleared`; null if the entry has no points field.
 */
export function entryPoints(
  fields: Buffer[],
  lastSeq: number,
  cleared: number,
): { x: Float64Array; y: Float64Array } | null {
  const bytes = fieldMap(fields, true).get("p");
  if (bytes === undefined) return null;
  const pairs = new Float64Array(
    bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
  );
  const n = pairs.length / 2;
  const skip = Math.max(0, cleared - (lastSeq - n));
  if (skip >= n) return { x: new Float64Array(0), y: new Float64Array(0) };
  const x = new Float64Array(n - skip);
  const y = new Float64Array(n - skip);
  for (let i = skip; i < n; i++) {
    x[i - skip] = pairs[2 * i];
    y[i - skip] = pairs[2 * i + 1];
  }
  return { x, y };
}
