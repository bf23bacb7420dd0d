/**
 * A column of values: typed arrays for batches, plain one-element arrays for single points
 * (allocating two Float64Arrays per single-point POST cost more than the rest of ingest).
 */
export type Values = Float64Array | number[];

/** Copies `src[from..to)` into `target` at `at`, without a per-value loop for typed arrays. */
export function copyValues(
  target: Float64Array,
  src: Values,
  from: number,
  to: number,
  at: number,
): void {
  if (src instanceof Float64Array) {
    target.set(src.subarray(from, to), at);
  } else {
    for (let i = from; i < to; i++) target[at + i - from] = src[i];
  }
}

/** Points of one channel, oldest first, each with the seq it was stored under. */
export interface PointSlice {
  /** Seq of the last point in the slice (the channel's last seq when the slice is empty). */
  seq: number;
  x: Float64Array;
  y: Float64Array;
}

/**
 * A fixed-capacity store of (x, y) points numbered by a seq that starts at 1.
 *
 * Memory is allocated once: when full, each new point overwrites the oldest, so the buffer holds
 * `capacity * 16` bytes however fast points arrive. Seqs are contiguous, so the seq of any stored
 * point follows from its position and `lastSeq`.
 */
export class RingBuffer {
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  // index of the oldest point; writes go to (#head + #size) % capacity
  #head = 0;
  #size = 0;
  #lastSeq = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `capacity must be a positive integer, got ${capacity}`,
      );
    }
    this.#x = new Float64Array(capacity);
    this.#y = new Float64Array(capacity);
  }

  /** Number of points held. */
  get size(): number {
    return this.#size;
  }

  /** Seq of the newest point ever stored (0 before the first); clearing keeps it. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Seq of the oldest point held, or `lastSeq + 1` when empty. */
  get firstSeq(): number {
    return this.#lastSeq - this.#size + 1;
  }

  /** The x of the i-th held point, oldest first (0 ≤ i < size). */
  xAt(i: number): number {
    return this.#x[(this.#head + i) % this.capacity];
  }

  /** The y of the i-th held point, oldest first (0 ≤ i < size). */
  yAt(i: number): number {
    return this.#y[(this.#head + i) % this.capacity];
  }

  /**
   * Appends `x[i], y[i]` for every i (both arrays the same length) and returns the seq of the
   * last one. A batch larger than the capacity still advances seq by its full length: its
   * oldest points are numbered and then overwritten at once, as if pushed one by one.
   */
  pushBatch(x: Values, y: Values): number {
    const n = x.length;
    if (y.length !== n) {
      throw new RangeError("x and y must have the same length");
    }
    const cap = this.capacity;
    // only the newest `cap` points of the batch can survive
    const skip = n > cap ? n - cap : 0;
    let write = (this.#head + this.#size + skip) % cap;
    let i = skip;
    while (i < n) {
      // copy in at most two contiguous runs instead of point by point
      const run = Math.min(n - i, cap - write);
      copyValues(this.#x, x, i, i + run, write);
      copyValues(this.#y, y, i, i + run, write);
      i += run;
      write = (write + run) % cap;
    }
    const size = this.#size + n;
    if (size > cap) {
      this.#head = (this.#head + size - cap) % cap;
      this.#size = cap;
    } else {
      this.#size = size;
    }
    this.#lastSeq += n;
    return this.#lastSeq;
  }

  /** Copies of the held points whose seq is greater than `seq`, oldest first. */
  since(seq: number): PointSlice {
    const wanted = Math.max(
      0,
      Math.min(this.#size, this.#lastSeq - Math.floor(seq)),
    );
    return this.latest(wanted);
  }

  /** Copies of the newest `count` held points (fewer when fewer are held), oldest first. */
  latest(count: number): PointSlice {
    const n = Math.max(0, Math.min(this.#size, Math.floor(count)));
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    const cap = this.capacity;
    let read = (this.#head + this.#size - n) % cap;
    let i = 0;
    while (i < n) {
      const run = Math.min(n - i, cap - read);
      x.set(this.#x.subarray(read, read + run), i);
      y.set(this.#y.subarray(read, read + run), i);
      i += run;
      read = (read + run) % cap;
    }
    return { seq: this.#lastSeq, x, y };
  }

  /**
   * The held points from the i-th on as at most two views (no copy), oldest first: what a
   * reader loops over without paying a modulo per point. Valid until the next push.
   */
  runs(from = 0): [Float64Array, Float64Array][] {
    const start = Math.max(0, Math.min(this.#size, from));
    const cap = this.capacity;
    const a = (this.#head + start) % cap;
    const n = this.#size - start;
    if (n === 0) return [];
    if (a + n <= cap) {
      return [[this.#x.subarray(a, a + n), this.#y.subarray(a, a + n)]];
    }
    const tail = cap - a;
    return [
      [this.#x.subarray(a, cap), this.#y.subarray(a, cap)],
      [this.#x.subarray(0, n - tail), this.#y.subarray(0, n - tail)],
    ];
  }

  /** Drops every held point; seqs keep counting from where they were so none is ever reused. */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
  }

  /**
   * Drops every held point and makes `lastSeq` the seq of the newest point, as a store that
   * numbers points itself says; the next batch pushed follows on from it.
   */
  resetTo(lastSeq: number): void {
    this.clear();
    this.#lastSeq = lastSeq;
  }
}
