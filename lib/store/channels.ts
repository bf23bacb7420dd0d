import { RingBuffer, type Values } from "../shared/ring_buffer.ts";
import { History, type HistoryOptions } from "./history.ts";

export type AppendResult = { ok: true; seq: number } | {
  ok: false;
  reason: "too_many_channels";
} | {
  ok: false;
  reason: "too_large";
  /** most points the store takes in one batch */
  maxPoints: number;
};

/**
 * Every channel's ring buffer, in the order the channels were created. Memory is bounded by
 * `capacity * maxChannels * 16` bytes: a channel past the limit is refused, never allocated.
 */
export class Channels {
  readonly #buffers = new Map<string, RingBuffer>();
  // each channel's long history beside its ring (history.ts), when there is one
  readonly #histories = new Map<string, History>();
  // the highest seq any removed channel reached: a channel created later numbers above it, so
  // a viewer (or a `?since=`) that knew the old channel never takes new points for old ones
  #retiredSeq = 0;
  #received = 0;

  constructor(
    readonly capacity: number,
    readonly maxChannels: number,
    readonly history: HistoryOptions | null = null,
  ) {}

  get(name: string): RingBuffer | undefined {
    return this.#buffers.get(name);
  }

  /** The channel's long history, or undefined (no such channel, or history off). */
  historyOf(name: string): History | undefined {
    return this.#histories.get(name);
  }

  /** Bytes every channel's history holds now. */
  get historyBytes(): number {
    let n = 0;
    for (const h of this.#histories.values()) n += h.bytes;
    return n;
  }

  #create(name: string): RingBuffer {
    const buffer = new RingBuffer(this.capacity);
    this.#buffers.set(name, buffer);
    if (this.history) this.#histories.set(name, new History(this.history));
    return buffer;
  }

  /** Channel names, oldest first. */
  names(): string[] {
    return [...this.#buffers.keys()];
  }

  get count(): number {
    return this.#buffers.size;
  }

  /** The x of a channel's newest point, or null when it holds none. */
  newestX(name: string): number | null {
    const buffer = this.#buffers.get(name);
    return buffer && buffer.size > 0 ? buffer.xAt(buffer.size - 1) : null;
  }

  /** Points this instance has taken in since it started, from any publisher or replica. */
  get received(): number {
    return this.#received;
  }

  /** Appends a batch, creating the channel if the limit allows; stores nothing on refusal. */
  append(name: string, x: Values, y: Values): AppendResult {
    let buffer = this.#buffers.get(name);
    if (!buffer) {
      if (this.#buffers.size >= this.maxChannels) {
        return { ok: false, reason: "too_many_channels" };
      }
      buffer = this.#create(name);
      if (this.#retiredSeq > 0) buffer.resetTo(this.#retiredSeq);
    }
    this.#received += x.length;
    const seq = this.#push(name, buffer, x, y);
    return { ok: true, seq };
  }

  /**
   * Forgets a channel, freeing its slot; returns the points it held, or null when there was no
   * such channel. A channel created afterwards numbers above every seq this one had.
   */
  remove(name: string): number | null {
    const buffer = this.#buffers.get(name);
    if (!buffer) return null;
    this.#retiredSeq = Math.max(this.#retiredSeq, buffer.lastSeq);
    this.#buffers.delete(name);
    this.#histories.delete(name);
    return buffer.size;
  }

  /**
   * Mirrors a batch a store has numbered (its last point has seq `lastSeq`) and returns the part
   * that was new, or null when every point was held already. A batch that starts after a gap
   * (points trimmed before this process read them) restarts the buffer at the batch.
   */
  apply(
    name: string,
    x: Values,
    y: Values,
    lastSeq: number,
  ): { x: Values; y: Values } | null {
    let buffer = this.#buffers.get(name);
    if (!buffer) {
      // the store enforces the channel limit across instances; this bound only keeps a
      // misconfigured replica's memory in check
      if (this.#buffers.size >= this.maxChannels) return null;
      buffer = this.#create(name);
    }
    const n = x.length;
    const firstSeq = lastSeq - n + 1;
    if (lastSeq <= buffer.lastSeq) return null;
    if (firstSeq > buffer.lastSeq + 1) buffer.resetTo(firstSeq - 1);
    const skip = buffer.lastSeq - firstSeq + 1;
    const nx = skip > 0 ? x.slice(skip) : x;
    const ny = skip > 0 ? y.slice(skip) : y;
    this.#push(name, buffer, nx, ny);
    this.#received += nx.length;
    return { x: nx, y: ny };
  }

  /**
   * Pushes a batch into a channel's ring; the points it pushes out go to the history first, so
   * the history holds what the ring no longer does, never a second copy of what it still does
   * (a slow channel whose ring reaches back days needs no history at all).
   */
  #push(name: string, buffer: RingBuffer, x: Values, y: Values): number {
    const history = this.#histories.get(name);
    const out = buffer.size + x.length - buffer.capacity;
    if (history && out > 0) {
      let left = Math.min(out, buffer.size);
      for (const [rx, ry] of buffer.runs()) {
        if (left <= 0) break;
        const n = Math.min(left, rx.length);
        history.add(rx.subarray(0, n), ry.subarray(0, n));
        left -= n;
      }
      // a batch larger than the ring pushes its own first points out at once
      const own = out - Math.min(out, buffer.size);
      if (own > 0) history.add(x.slice(0, own), y.slice(0, own));
    }
    return buffer.pushBatch(x, y);
  }

  /** Forgets every channel: the store that numbered them lost its data and numbers anew. */
  reset(): void {
    this.#buffers.clear();
    this.#histories.clear();
  }

  /** Drops the points of `name` up to and including seq `seq` (a clear another instance made). */
  clearThrough(name: string, seq: number): number {
    const buffer = this.#buffers.get(name);
    if (!buffer) return 0;
    const kept = buffer.since(seq);
    const removed = buffer.size - kept.x.length;
    buffer.resetTo(Math.max(seq, buffer.lastSeq - kept.x.length));
    if (kept.x.length > 0) buffer.pushBatch(kept.x, kept.y);
    // a clear is the user's: what it removed is gone from the history too
    this.#histories.get(name)?.clear();
    return removed;
  }
}
