// How KvStore lays points out in Deno KV: the keys, and points packed into fixed-size chunks.
// Pure, so the packing and the seq arithmetic can be tested without a database.
import type { Values } from "../shared/ring_buffer.ts";

// 2048 points of two float64s: 32 KiB, half of Deno KV's 64 KiB limit on one value
export const CHUNK_POINTS = 2048;
/**
 * Most points one publish may carry into KV: a batch is one atomic commit (all or nothing), and
 * Deno KV takes at most 800 KiB of mutations in one (40000 points and a rewritten partial chunk
 * stay under it).
 */
export const KV_MAX_BATCH = 40_000;

/** Per channel: the seq of the newest point appended, and of the newest point cleared. */
export interface Meta {
  lastSeq: number;
  clearedSeq: number;
}

export const CHANNELS: Deno.KvKey = ["osc", "channels"];
// the highest seq any removed channel reached; a channel created later numbers above it
export const FLOOR: Deno.KvKey = ["osc", "floor"];
// bumped by every commit; one key to watch however many channels there are (watch takes 10)
export const VERSION: Deno.KvKey = ["osc", "version"];
export const metaKey = (name: string): Deno.KvKey => ["osc", "meta", name];
export const chunkKey = (name: string, k: number): Deno.KvKey => [
  "osc",
  "chunk",
  name,
  k,
];
/** The chunk holding seq `seq`: chunk k holds seqs k*C+1 … (k+1)*C. */
export const chunkOf = (seq: number) => Math.floor((seq - 1) / CHUNK_POINTS);

/**
 * The seq a new channel's numbering starts after: above `floor`, rounded up to a whole chunk so
 * that no chunk of a removed channel of the same name is ever shared with (or deleted under) it.
 */
export const startAfter = (floor: number) =>
  Math.ceil(floor / CHUNK_POINTS) * CHUNK_POINTS;

/** The first chunk still within `capacity` points of seq `lastSeq`; those before it are dead. */
export const firstLiveChunk = (lastSeq: number, capacity: number) =>
  Math.floor(Math.max(0, lastSeq - capacity) / CHUNK_POINTS);

/**
 * The chunks (index and bytes) that store `batches` after seq `last`, in order; the first one
 * starts with the points of `prev`, the partial chunk `last` ends in (null if none or gone).
 */
export function fillChunks(
  last: number,
  prev: Uint8Array | null,
  batches: readonly { x: Values; y: Values }[],
): [number, Uint8Array][] {
  const n = batches.reduce((sum, b) => sum + b.x.length, 0);
  const chunks: [number, Uint8Array][] = [];
  // points go on where the last commit stopped, rewriting its partial chunk
  let k = chunkOf(last + 1);
  let offset = last - k * CHUNK_POINTS;
  let chunk = new Float64Array(2 * Math.min(CHUNK_POINTS, offset + n));
  // a cleared chunk may be gone: its points are below clearedSeq and never read
  if (offset > 0 && prev) chunk.set(asFloat64(prev).subarray(0, 2 * offset));
  let left = n;
  for (const b of batches) {
    for (let i = 0; i < b.x.length; i++) {
      chunk[2 * offset] = b.x[i];
      chunk[2 * offset + 1] = b.y[i];
      offset++;
      left--;
      if (offset === CHUNK_POINTS || left === 0) {
        chunks.push([k, new Uint8Array(chunk.buffer)]);
        k++;
        offset = 0;
        chunk = new Float64Array(2 * Math.min(CHUNK_POINTS, left));
      }
    }
  }
  return chunks;
}

/**
 * Collects seqs `from` … `to` out of the chunks that hold them, fed in key order; `points()`
 * gives the newest run of them with no chunk missing (a clear or trim may race the read).
 */
export class ChunkReader {
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  #start: number;
  #expected: number;

  constructor(readonly from: number, readonly to: number) {
    this.#x = new Float64Array(Math.max(0, to - from + 1));
    this.#y = new Float64Array(this.#x.length);
    this.#start = from;
    this.#expected = chunkOf(from);
  }

  /** Takes chunk `k` as stored; chunks must come in ascending k. */
  add(k: number, bytes: Uint8Array): void {
    const { from, to } = this;
    if (k !== this.#expected) {
      this.#start = Math.max(this.#start, k * CHUNK_POINTS + 1);
    }
    this.#expected = k + 1;
    const values = asFloat64(bytes);
    const lo = Math.max(from, k * CHUNK_POINTS + 1);
    const hi = Math.min(to, k * CHUNK_POINTS + values.length / 2);
    if (hi < Math.min(to, (k + 1) * CHUNK_POINTS)) {
      // a partial chunk shorter than the meta says: written by a commit that lost
      this.#start = Math.max(this.#start, hi + 1);
    }
    for (let seq = lo; seq <= hi; seq++) {
      const i = 2 * (seq - 1 - k * CHUNK_POINTS);
      this.#x[seq - from] = values[i];
      this.#y[seq - from] = values[i + 1];
    }
  }

  /** The points read, oldest first, from the first seq after the last gap through `to`. */
  points(): { x: Float64Array; y: Float64Array } {
    const { from, to } = this;
    let start = this.#start;
    if (from <= to && this.#expected !== chunkOf(to) + 1) start = to + 1;
    const skip = start - from;
    return {
      x: skip > 0 ? this.#x.subarray(skip) : this.#x,
      y: skip > 0 ? this.#y.subarray(skip) : this.#y,
    };
  }
}

/** A stored chunk as numbers; KV hands back bytes with no alignment promise. */
export function asFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.byteOffset % 8 === 0) {
    return new Float64Array(
      bytes.buffer,
      bytes.byteOffset,
      bytes.byteLength / 8,
    );
  }
  return new Float64Array(bytes.slice().buffer);
}
