import type { RingBuffer } from "../shared/ring_buffer.ts";
import type { WindowPiece } from "../shared/types.ts";
import type { Channels } from "./channels.ts";
import type { History } from "./history.ts";

export type { WindowPiece };

/**
 * Any window of a channel at any zoom: `GET /data?from=&to=&max_points=`. Each part of the
 * window comes from the best source that holds it — the full-resolution ring where it reaches,
 * else the coarsest history level whose buckets are no wider than a column (the same picture
 * as every point, in fewer), else the finest level that reaches back that far — and the answer
 * says which. Then M4 over columns of the window cuts it to at most `maxPoints`. The work
 * follows the points answered, not the span: each source is found by binary search, and no
 * level is read at more than ten buckets a column.
 */

/** The oldest and newest x a channel holds, in its ring and its history. */
export function heldSpan(
  channels: Channels,
  name: string,
): { from: number; to: number } | null {
  const buffer = channels.get(name);
  if (!buffer || buffer.size === 0) return null;
  let from = buffer.xAt(0);
  for (const level of channels.historyOf(name)?.levels ?? []) {
    if (level.size > 0 && level.fromX < from) from = level.fromX;
  }
  return { from, to: buffer.xAt(buffer.size - 1) };
}

export interface WindowAnswer {
  x: Float64Array;
  y: Float64Array;
  pieces: WindowPiece[];
  /** the points the sources gave for the window, before M4 cut them to maxPoints */
  samples: number;
}

interface Source {
  resolution: number;
  from: number;
  to: number;
  emit(
    from: number,
    to: number,
    xs: number[],
    ys: number[],
    reach: { before: boolean; after: boolean },
  ): void;
}

/** Index of the first point at or after `x` in a ring whose x ascends. */
function firstAtOrAfter(buffer: RingBuffer, x: number): number {
  let lo = 0;
  let hi = buffer.size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (buffer.xAt(mid) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function ringSource(buffer: RingBuffer): Source | null {
  if (buffer.size === 0) return null;
  return {
    resolution: 0,
    from: buffer.xAt(0),
    to: buffer.xAt(buffer.size - 1),
    emit(from, to, xs, ys) {
      for (let i = firstAtOrAfter(buffer, from); i < buffer.size; i++) {
        const x = buffer.xAt(i);
        if (x > to) break;
        xs.push(x);
        ys.push(buffer.yAt(i));
      }
    },
  };
}

/** The sources in the order they are preferred for a column of `column` x units. */
function sources(
  buffer: RingBuffer,
  history: History | null,
  column: number,
): Source[] {
  const levels: Source[] = (history?.levels ?? []).filter((l) => l.size > 0)
    .map((l) => ({
      resolution: l.width,
      from: l.fromX,
      to: l.toX,
      emit: (from, to, xs, ys, reach) => l.emit(from, to, xs, ys, reach),
    }));
  const fine = levels.filter((s) => s.resolution <= column).reverse();
  const coarse = levels.filter((s) => s.resolution > column);
  const ring = ringSource(buffer);
  return [...(ring ? [ring] : []), ...fine, ...coarse];
}

/**
 * The points of [from, to] at most `maxPoints` of them (4 per column), and which resolution
 * each stretch came from.
 */
export function readWindow(
  buffer: RingBuffer,
  history: History | null,
  from: number,
  to: number,
  maxPoints: number,
): WindowAnswer {
  const columns = Math.max(1, Math.floor(maxPoints / 4));
  const column = (to - from) / columns;
  // the stretches no source has given yet; an end `cut` is where a taken piece begins or ends
  type Open = { a: number; b: number; aCut: boolean; bCut: boolean };
  let open: Open[] = [{ a: from, b: to, aCut: false, bCut: false }];
  const taken: { piece: WindowPiece; source: Source }[] = [];
  for (const source of sources(buffer, history, column)) {
    const still: Open[] = [];
    for (const o of open) {
      const lo = Math.max(o.a, source.from);
      const hi = Math.min(o.b, source.to);
      // a source that only touches a taken piece's end adds nothing (that point is taken); a
      // source of one point inside the window is a piece
      const touching = lo === hi &&
        ((lo === o.a && o.aCut) || (hi === o.b && o.bCut));
      if (lo > hi || touching) {
        still.push(o);
        continue;
      }
      taken.push({
        piece: { from: lo, to: hi, resolution: source.resolution },
        source,
      });
      if (o.a < lo) still.push({ a: o.a, b: lo, aCut: o.aCut, bCut: true });
      if (hi < o.b) still.push({ a: hi, b: o.b, aCut: true, bCut: o.bCut });
    }
    open = still;
    if (open.length === 0) break;
  }
  taken.sort((p, q) => p.piece.from - q.piece.from);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const { piece, source } of taken) {
    // a bucket wider than a column reaches past the window's own ends (its peak stands for
    // all of its time), never into the next piece, which holds that time finer
    const coarse = source.resolution > column;
    const start = xs.length;
    source.emit(piece.from, piece.to, xs, ys, {
      before: coarse && piece.from === from,
      after: coarse && piece.to === to,
    });
    // a point where two pieces meet comes from both: keep it once
    if (start > 0 && xs.length > start && xs[start] === xs[start - 1]) {
      xs.splice(start, 1);
      ys.splice(start, 1);
    }
  }
  const kept = xs.length <= maxPoints
    ? { x: Float64Array.from(xs), y: Float64Array.from(ys) }
    : m4Window(xs, ys, from, to, columns);
  return { ...kept, pieces: taken.map((t) => t.piece), samples: xs.length };
}

/**
 * M4 over `columns` equal columns of [from, to]: per column its first, last, lowest and highest
 * point in their order. Points are in x order already.
 */
export function m4Window(
  xs: number[],
  ys: number[],
  from: number,
  to: number,
  columns: number,
): { x: Float64Array; y: Float64Array } {
  const n = xs.length;
  if (n <= 4 * columns) {
    return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
  }
  const width = (to - from) / columns;
  // a whole bucket's points past either end count in the first or last column
  const columnOf = (x: number) =>
    Math.max(0, Math.min(columns - 1, Math.floor((x - from) / width)));
  const keep: number[] = [];
  let i = 0;
  while (i < n) {
    const col = columnOf(xs[i]);
    const first = i;
    let lo = i;
    let hi = i;
    while (i < n && columnOf(xs[i]) === col) {
      if (ys[i] < ys[lo]) lo = i;
      if (ys[i] > ys[hi]) hi = i;
      i++;
    }
    const picks = [first, lo, hi, i - 1].sort((a, b) => a - b);
    for (let k = 0; k < 4; k++) {
      if (k === 0 || picks[k] !== picks[k - 1]) keep.push(picks[k]);
    }
  }
  const x = new Float64Array(keep.length);
  const y = new Float64Array(keep.length);
  for (let k = 0; k < keep.length; k++) {
    x[k] = xs[keep[k]];
    y[k] = ys[keep[k]];
  }
  return { x, y };
}
