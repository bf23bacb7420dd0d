import { RingBuffer } from "../shared/ring_buffer.ts";

/** What applying a message did to a trace. */
export type Applied = "ok" | "gap";

/**
 * One channel as a viewer holds it: the newest points in a ring buffer, with x never going
 * backwards. When a sender restarts its counter (x drops below the previous point), the trace
 * starts over from that point, like a scope starting a new sweep: the old sweep is dropped from
 * the display (the server still has it), so the line never doubles back across the screen.
 */
export class Trace {
  readonly ring: RingBuffer;
  /** seq of the newest point applied (0 before any) */
  lastSeq = 0;
  /** points that arrived as deltas (snapshots excluded), for the rate readout */
  received = 0;
  /**
   * x of the newest point that came in a reduced snapshot (bucket extremes, not every sample):
   * what is measured up to here is an estimate. -Infinity once every point held is a sample.
   */
  reducedToX = -Infinity;
  /** when points last arrived, on the caller's monotonic clock in ms (the feed sets it) */
  receivedAtMs = -Infinity;

  constructor(capacity: number) {
    this.ring = new RingBuffer(capacity);
  }

  /**
   * Replaces everything with a snapshot whose last point has seq `seq`; `reduced` when it holds
   * bucket extremes rather than every sample.
   */
  replace(
    seq: number,
    x: ArrayLike<number>,
    y: ArrayLike<number>,
    reduced = false,
  ): void {
    this.ring.clear();
    this.lastSeq = 0;
    this.#push(seq, x, y);
    this.reducedToX = reduced && x.length > 0 ? x[x.length - 1] : -Infinity;
  }

  /**
   * Swaps the reduced points for the full ones up to seq `seq` (every sample, oldest first),
   * keeping the deltas that arrived since. Reduced points older than the full ones stay, and
   * stay marked; nothing happens when the trace has moved on past a sweep restart or a clear.
   */
  refine(seq: number, x: ArrayLike<number>, y: ArrayLike<number>): void {
    const n = x.length;
    if (n === 0 || this.reducedToX === -Infinity || seq > this.lastSeq) return;
    const ring = this.ring;
    const newer = this.lastSeq - seq;
    if (newer > ring.size) return;
    const firstX = x[0];
    // the reduced points before the full ones, and the deltas after them
    let older = 0;
    while (older < ring.size - newer && ring.xAt(older) < firstX) older++;
    const keep = (from: number, to: number) => {
      const outX = new Float64Array(to - from);
      const outY = new Float64Array(to - from);
      for (let i = from; i < to; i++) {
        outX[i - from] = ring.xAt(i);
        outY[i - from] = ring.yAt(i);
      }
      return { x: outX, y: outY };
    };
    const before = keep(0, older);
    const after = keep(ring.size - newer, ring.size);
    if (after.x.length > 0 && after.x[0] < x[n - 1]) return; // not the same sweep
    const lastSeq = this.lastSeq;
    ring.clear();
    ring.pushBatch(before.x, before.y);
    ring.pushBatch(Float64Array.from(x), Float64Array.from(y));
    ring.pushBatch(after.x, after.y);
    this.lastSeq = lastSeq;
    this.reducedToX = older > 0 ? before.x[older - 1] : -Infinity;
  }

  /**
   * Appends a delta whose last point has seq `seq`. Points already held are skipped; if the
   * delta starts after a gap it is not applied and "gap" is returned, so the caller can fetch
   * the missing points first — unless the delta alone fills the trace, then nothing older matters.
   */
  append(seq: number, x: ArrayLike<number>, y: ArrayLike<number>): Applied {
    const n = x.length;
    const first = seq - n + 1;
    if (seq <= this.lastSeq) return "ok";
    if (first > this.lastSeq + 1) {
      if (n >= this.ring.capacity) {
        this.replace(seq, x, y);
        return "ok";
      }
      return "gap";
    }
    const skip = this.lastSeq - first + 1;
    this.#push(seq, sliceFrom(x, skip), sliceFrom(y, skip));
    this.received += n - skip;
    return "ok";
  }

  /** Empties the trace after a clear on the server at `seq`. */
  clear(seq: number): void {
    this.ring.clear();
    this.reducedToX = -Infinity;
    this.lastSeq = Math.max(this.lastSeq, seq);
  }

  get lastX(): number {
    return this.ring.size > 0 ? this.ring.xAt(this.ring.size - 1) : NaN;
  }

  get lastY(): number {
    return this.ring.size > 0 ? this.ring.yAt(this.ring.size - 1) : NaN;
  }

  #push(seq: number, x: ArrayLike<number>, y: ArrayLike<number>): void {
    let start = 0;
    // the last backwards step in x wins: everything before it belongs to an older sweep
    let prev = this.ring.size > 0 ? this.lastX : -Infinity;
    for (let i = 0; i < x.length; i++) {
      if (x[i] < prev) start = i;
      prev = x[i];
    }
    if (start > 0 || (x.length > 0 && x[0] < this.lastX)) this.ring.clear();
    this.ring.pushBatch(
      Float64Array.from(sliceFrom(x, start)),
      Float64Array.from(sliceFrom(y, start)),
    );
    this.lastSeq = seq;
  }
}

function sliceFrom(a: ArrayLike<number>, start: number): ArrayLike<number> {
  if (start <= 0) return a;
  return Array.prototype.slice.call(a, start) as number[];
}
