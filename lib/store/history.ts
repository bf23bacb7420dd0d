import type { Values } from "../shared/ring_buffer.ts";

/**
 * A channel's long history in bounded memory, behind its full-resolution ring (it takes the
 * points the ring pushes out, see channels.ts): levels of
 * buckets, each level a ring of at most `buckets` buckets of one width (1 ms, 10 ms, 100 ms, …
 * powers of ten), aligned at multiples of it. A bucket keeps the first, last, lowest and
 * highest of its points, x and y of each — what M4 keeps — so a picture whose columns are whole
 * numbers of buckets is the picture of every point, and powers of ten nest in the page's own
 * 1-2-5 buckets.
 *
 * Cost: level 0 takes every point (one bucket update); a bucket that closes is merged into the
 * next level's newest bucket, so the levels above cost a little per bucket, not per point.
 * Memory: 64 bytes a bucket, grown as buckets fill, at most `levels × buckets × 64` bytes.
 * x must ascend: a point before the newest (a sender restarting its counter) starts the history
 * afresh, as the old buckets would no longer be in order.
 */

/** Fields per bucket: first x/y, last x/y, lowest x/y, highest x/y. */
const F = 8;
const FX = 0, FY = 1, LX = 2, LY = 3, NX = 4, NY = 5, MX = 6, MY = 7;
const ORDER_LOW_FIRST = [FX, NX, MX, LX];
const ORDER_HIGH_FIRST = [FX, MX, NX, LX];
const NO_REACH = { before: false, after: false };
/** Buckets a level allocates first; it doubles as it fills, up to its capacity. */
const FIRST_ALLOCATION = 64;

export interface HistoryOptions {
  /** the bucket width of each level, finest first (powers of ten, in x units: seconds) */
  widths: number[];
  /** most buckets each level keeps */
  buckets: number;
}

/** One level: a ring of buckets of one width, oldest first. */
export class Level {
  #data = new Float64Array(0);
  #head = 0;
  #size = 0;
  /** the bucket number (floor(x / width)) of the newest bucket */
  key = NaN;

  constructor(readonly width: number, readonly capacity: number) {}

  get size(): number {
    return this.#size;
  }

  /** Bytes this level holds now. */
  get bytes(): number {
    return this.#data.byteLength;
  }

  /** Where the i-th oldest bucket's fields start. */
  at(i: number): number {
    return ((this.#head + i) % this.capacity) * F;
  }

  get data(): Float64Array {
    return this.#data;
  }

  /** Where the newest bucket's fields start (size > 0). */
  newest(): number {
    return this.at(this.#size - 1);
  }

  /** Starts a new bucket (the ring's oldest goes when full); returns where its fields start. */
  push(key: number): number {
    if (this.#size < this.capacity) {
      if (this.#size * F >= this.#data.length) this.#grow();
      this.#size++;
    } else {
      this.#head = (this.#head + 1) % this.capacity;
    }
    this.key = key;
    return this.newest();
  }

  /** Forgets every bucket; the memory stays, for a sender whose x steps back often. */
  clear(): void {
    this.#head = 0;
    this.#size = 0;
    this.key = NaN;
  }

  /** The oldest x this level holds (NaN when empty). */
  get fromX(): number {
    return this.#size === 0 ? NaN : this.#data[this.at(0) + FX];
  }

  /** The newest x this level holds (NaN when empty). */
  get toX(): number {
    return this.#size === 0 ? NaN : this.#data[this.newest() + LX];
  }

  /** Index (oldest = 0) of the first bucket whose last x is at or after `x`. */
  firstEndingAtOrAfter(x: number): number {
    let lo = 0;
    let hi = this.#size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#data[this.at(mid) + LX] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Appends the points of the buckets overlapping [from, to], in x order: each bucket's first,
   * its lowest and highest (in the order they came), its last — those inside [from, to], and
   * past an end where `reach` says so: a bucket wider than the reader's columns, cut at the
   * window's edge, would lose the peak that stands for all of its time.
   */
  emit(
    from: number,
    to: number,
    xs: number[],
    ys: number[],
    reach: { before: boolean; after: boolean } = NO_REACH,
  ): void {
    const d = this.#data;
    for (let i = this.firstEndingAtOrAfter(from); i < this.#size; i++) {
      const b = this.at(i);
      if (d[b + FX] > to) break;
      const lowFirst = d[b + NX] <= d[b + MX];
      const order = lowFirst ? ORDER_LOW_FIRST : ORDER_HIGH_FIRST;
      for (const f of order) {
        const x = d[b + f];
        const y = d[b + f + 1];
        if ((x < from && !reach.before) || (x > to && !reach.after)) continue;
        const n = xs.length;
        // a bucket of one point, or whose first is its lowest, gives that point once
        if (n > 0 && xs[n - 1] === x && ys[n - 1] === y) continue;
        xs.push(x);
        ys.push(y);
      }
    }
  }

  #grow(): void {
    const buckets = Math.min(
      this.capacity,
      Math.max(FIRST_ALLOCATION, (this.#data.length / F) * 2),
    );
    const next = new Float64Array(buckets * F);
    next.set(this.#data);
    this.#data = next;
  }
}

/** Ascending points a history waits for after x stepped back, before it takes them again. */
const RESUME_POINTS = 10_000;

export class History {
  readonly levels: Level[];
  #lastX = -Infinity;
  // points still to pass, ascending, before the history takes them again
  #waiting = 0;

  constructor(readonly options: HistoryOptions) {
    this.levels = options.widths.map((w) => new Level(w, options.buckets));
  }

  /** Bytes all levels hold now. */
  get bytes(): number {
    let n = 0;
    for (const l of this.levels) n += l.bytes;
    return n;
  }

  /**
   * Takes a batch (x ascending). A step back starts the history afresh, and it waits for
   * RESUME_POINTS ascending points before it takes any again: a sender whose x restarts with
   * every batch (a sample index) has no time order to summarise, and rebuilding buckets for
   * each batch halved its ingest.
   */
  add(x: Values, y: Values): void {
    const l0 = this.levels[0];
    if (!l0) return;
    const w = l0.width;
    // the newest bucket of level 0 in locals: most points land in it
    let d = l0.data;
    let key = l0.key;
    let b = l0.size > 0 ? l0.newest() : -1;
    let lastX = this.#lastX;
    for (let i = 0; i < x.length; i++) {
      const xi = x[i];
      const yi = y[i];
      if (xi < lastX) {
        this.clear();
        this.#waiting = RESUME_POINTS;
        key = NaN;
      }
      lastX = xi;
      if (this.#waiting > 0) {
        this.#waiting--;
        continue;
      }
      const k = Math.floor(xi / w);
      if (k === key) {
        d[b + LX] = xi;
        d[b + LY] = yi;
        if (yi < d[b + NY]) {
          d[b + NX] = xi;
          d[b + NY] = yi;
        } else if (yi > d[b + MY]) {
          d[b + MX] = xi;
          d[b + MY] = yi;
        }
        continue;
      }
      if (l0.size > 0) this.#close(0);
      b = l0.push(k);
      d = l0.data;
      key = k;
      d[b + FX] =
        d[b + LX] =
        d[b + NX] =
        d[b + MX] =
          xi;
      d[b + FY] =
        d[b + LY] =
        d[b + NY] =
        d[b + MY] =
          yi;
    }
    this.#lastX = lastX;
  }

  clear(): void {
    for (const l of this.levels) l.clear();
    this.#lastX = -Infinity;
  }

  /** Merges level k's newest bucket, which has just closed, into level k + 1. */
  #close(k: number): void {
    const up = this.levels[k + 1];
    if (!up) return;
    const from = this.levels[k];
    const s = from.data;
    const b = from.newest();
    // from the bucket numbers, not from x: floor(x / 0.01) and floor(x / 0.001) do not nest
    // exactly in binary floating point, and a level's bucket must lie within one above it
    const key = Math.floor(from.key / Math.round(up.width / from.width));
    if (key === up.key) {
      const d = up.data;
      const u = up.newest();
      d[u + LX] = s[b + LX];
      d[u + LY] = s[b + LY];
      if (s[b + NY] < d[u + NY]) {
        d[u + NX] = s[b + NX];
        d[u + NY] = s[b + NY];
      }
      if (s[b + MY] > d[u + MY]) {
        d[u + MX] = s[b + MX];
        d[u + MY] = s[b + MY];
      }
      return;
    }
    if (up.size > 0) this.#close(k + 1);
    const u = up.push(key);
    up.data.set(s.subarray(b, b + F), u);
  }
}

/**
 * The level widths for a history of at least `spanSeconds` at any rate with `buckets` buckets
 * a level: powers of ten from 1 ms up to the first whose buckets cover the span.
 */
export function levelWidths(spanSeconds: number, buckets: number): number[] {
  const widths: number[] = [];
  for (let e = -3; e <= 9; e++) {
    const w = 10 ** e;
    widths.push(w);
    if (w * buckets >= spanSeconds) break;
  }
  return widths;
}
