import type { Grid } from "../shared/grid.ts";
import type { RingBuffer } from "../shared/ring_buffer.ts";

// buckets kept per trace, a power of two so an id maps to a slot with a mask; a grid has at
// most 4000 buckets (8000 slots), and a trace spans no more than the grid does
const CAPACITY = 8192;
const MASK = CAPACITY - 1;

/**
 * `resampleMinMax` for a trace that changes a little per frame. Buckets are aligned to multiples
 * of two grid steps whatever the window (bucket id = floor(x / 2·step)), so while the step stays
 * the same a bucket's min and max stay valid: each frame only the new points are added and the
 * oldest bucket, which may have lost points off the ring, is recounted. The output is the same as
 * `resampleMinMax` over the ring's points (the tests hold it to that), at a cost that follows the
 * points that arrived, not the points held.
 */
export class Decimator {
  #step = NaN;
  /** ring seq of the last point added to the buckets */
  #seq = 0;
  /** the ring's first seq at the last update, to see points fall off */
  #firstSeq = 0;
  /** ids of the first and last bucket held (empty when hi < lo) */
  #lo = 0;
  #hi = -1;
  readonly #count = new Uint32Array(CAPACITY);
  readonly #min = new Float64Array(CAPACITY);
  readonly #max = new Float64Array(CAPACITY);
  readonly #minAt = new Uint32Array(CAPACITY);
  readonly #maxAt = new Uint32Array(CAPACITY);
  readonly #firstX = new Float64Array(CAPACITY);

  /** Brings the buckets up to date with the ring (x ascending) for a grid step. */
  update(ring: RingBuffer, step: number): void {
    const held = ring.size;
    const firstSeq = ring.firstSeq;
    if (step !== this.#step || held === 0 || firstSeq > this.#seq + 1) {
      // a new step, or every point we had counted is gone: count from scratch
      this.#step = step;
      this.#lo = 0;
      this.#hi = -1;
      this.#seq = firstSeq - 1;
    } else if (firstSeq > this.#firstSeq && this.#hi >= this.#lo) {
      // points fell off the front: drop their buckets and recount the one they shared
      this.#lo = Math.min(this.#id(ring.xAt(0)), this.#hi + 1);
      if (this.#lo <= this.#hi) this.#recount(ring, this.#lo);
    }
    this.#firstSeq = firstSeq;
    const from = this.#seq + 1 - firstSeq;
    for (const [xs, ys] of ring.runs(from)) {
      for (let i = 0; i < xs.length; i++) this.#add(xs[i], ys[i]);
    }
    this.#seq = ring.lastSeq;
    if (this.#hi - this.#lo >= CAPACITY) {
      // wider than we can hold: keep the newest buckets (the grid would not show the rest)
      this.#lo = this.#hi - CAPACITY + 1;
    }
  }

  /** Writes the grid's slot values (NaN where a slot has no point), like `resampleMinMax`. */
  fill(grid: Grid, out: Float64Array): void {
    out.fill(NaN);
    const base = grid.first / 2;
    const buckets = grid.slots >> 1;
    const start = Math.max(this.#lo, base);
    const end = Math.min(this.#hi, base + buckets - 1);
    for (let id = start; id <= end; id++) {
      const k = id & MASK;
      const n = this.#count[k];
      if (n === 0) continue;
      const j = id - base;
      const min = this.#min[k];
      const max = this.#max[k];
      if (n === 1 || min === max) {
        const offset = this.#firstX[k] / grid.step - grid.first - 2 * j;
        out[2 * j + (n === 1 && offset >= 0.5 ? 1 : 0)] = min;
        if (n > 1) out[2 * j + 1] = min;
        continue;
      }
      const minFirst = this.#minAt[k] < this.#maxAt[k];
      out[2 * j] = minFirst ? min : max;
      out[2 * j + 1] = minFirst ? max : min;
    }
  }

  #id(x: number): number {
    return Math.floor(x / this.#step / 2);
  }

  #add(x: number, y: number): void {
    const id = this.#id(x);
    if (id > this.#hi) {
      // x ascends, so a new bucket is always past the last; clear the ones we skip over
      for (let b = Math.max(this.#hi + 1, id - CAPACITY + 1); b <= id; b++) {
        this.#count[b & MASK] = 0;
      }
      if (this.#hi < this.#lo) this.#lo = id;
      this.#hi = id;
    } else if (id < this.#lo) {
      return; // cannot happen for an ascending trace; ignore rather than corrupt
    }
    const k = id & MASK;
    const order = ++this.#count[k];
    if (order === 1) {
      this.#firstX[k] = x;
      this.#min[k] = y;
      this.#max[k] = y;
      this.#minAt[k] = 1;
      this.#maxAt[k] = 1;
      return;
    }
    if (y < this.#min[k]) {
      this.#min[k] = y;
      this.#minAt[k] = order;
    }
    if (y > this.#max[k]) {
      this.#max[k] = y;
      this.#maxAt[k] = order;
    }
  }

  /** Recounts bucket `id` from the points the ring still holds that were counted before. */
  #recount(ring: RingBuffer, id: number): void {
    this.#count[id & MASK] = 0;
    const hiBefore = this.#hi;
    const counted = this.#seq - ring.firstSeq + 1;
    for (let i = 0; i < counted; i++) {
      const x = ring.xAt(i);
      if (this.#id(x) !== id) break;
      this.#add(x, ring.yAt(i));
    }
    this.#hi = hiBefore;
  }
}
