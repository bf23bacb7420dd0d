import type { Shown } from "../../lib/scope/acquisition.ts";
import { RingBuffer } from "../../lib/shared/ring_buffer.ts";
import type { WindowChannel } from "../../lib/shared/types.ts";
import { fetchWindow } from "./server_api.ts";

/**
 * Looking back past what the page holds. The page keeps the newest points of each channel
 * (its snapshot and what came since); the server keeps hours more in its history. When the
 * screen holds a capture (stopped, or zoomed) whose window starts before a channel's record,
 * the window is fetched at the screen's resolution (4 points a pixel column: the picture of
 * every point) and drawn in front of the record. Panning and zooming ask again once the window
 * has settled; the last answer stays on screen until the next one comes, and zooming in
 * refines to every point where the server still has them.
 */

/** How long the window must stay put before it is asked for (a drag makes many windows). */
const SETTLE_MS = 80;
/** A window of every sample up to this many points a channel is fetched whole, to measure. */
const MAX_WHOLE_POINTS = 100_000;
const TIMEOUT_MS = 10_000;

/** What the history added to a channel's record: up to which x, and the coarsest bucket. */
export interface Summarised {
  toX: number;
  /**
   * the widest bucket among the stretches on screen, seconds; 0: every sample is held, but
   * the answer was cut to the screen's resolution (they are on their way)
   */
  resolution: number;
}

interface Filled {
  /** the record it was made from, and the answer it was made with */
  base: RingBuffer;
  answer: WindowChannel;
  ring: RingBuffer;
}

/**
 * The answer's points older than `beforeX`, with each bucket wider than a pixel column drawn
 * as the band it is: its lowest and highest, alternating at every column it spans, so the
 * trace shows the envelope the signal filled in that time (a scope's peak detect), not a line
 * through four points that would look like a slow wave.
 */
export function historyPoints(
  answer: WindowChannel,
  beforeX: number,
  columnX: number,
): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  const n = answer.x.length;
  /** the resolution of the stretch holding x: a coarse bucket reaches past its stretch */
  const resolutionAt = (v: number) => {
    let best = 0;
    for (const p of answer.resolution) {
      const reach = p.resolution > columnX ? p.resolution : 0;
      if (v >= p.from - reach && v <= p.to + reach) {
        best = Math.max(best, p.resolution);
      }
    }
    return best;
  };
  for (let k = 0; k < n && answer.x[k] < beforeX;) {
    const res = resolutionAt(answer.x[k]);
    if (res <= columnX) {
      x.push(answer.x[k]);
      y.push(answer.y[k]);
      k++;
      continue;
    }
    const bucket = Math.floor(answer.x[k] / res);
    let lo = Infinity;
    let hi = -Infinity;
    let last = answer.x[k];
    for (; k < n && Math.floor(answer.x[k] / res) === bucket; k++) {
      lo = Math.min(lo, answer.y[k]);
      hi = Math.max(hi, answer.y[k]);
      last = answer.x[k];
    }
    const first = bucket * res;
    const end = Math.min(beforeX, Math.max(last, first + res - columnX / 2));
    let up = true;
    for (let t = first; t < end; t += columnX / 2) {
      x.push(t);
      y.push(up ? hi : lo);
      up = !up;
    }
  }
  return { x, y };
}

export class HistoryFill {
  #key = "";
  #asked = "";
  #changedAtMs = 0;
  #abort: AbortController | null = null;
  #answer:
    | { from: number; to: number; channels: Record<string, WindowChannel> }
    | null = null;
  #filled = new Map<string, Filled>();
  #cache: {
    answer: unknown;
    key: string;
    source: Map<string, RingBuffer>;
    record: Map<string, RingBuffer>;
  } | null = null;
  /** per channel, what of the drawn record came from the history's buckets */
  readonly summarised = new Map<string, Summarised>();

  constructor(
    readonly options: { dataUrl: string; onAnswer: () => void },
  ) {}

  /**
   * The record to draw: `s` itself while live or while the record reaches back far enough,
   * else with the fetched history in front of each channel's record.
   */
  apply(s: Shown, hidden: string[], columns: number, now: number): Shown {
    const w = s.window;
    const holding = s.status === "stop" || s.status === "hold";
    if (!holding || w === null) {
      this.#forget();
      return s;
    }
    const short = [...s.record].some(([name, ring]) =>
      !hidden.includes(name) && (ring.size === 0 || ring.xAt(0) > w.from)
    );
    if (!short) {
      this.summarised.clear();
      return s;
    }
    const key = `${w.from}/${w.to}/${columns}`;
    if (key !== this.#key) {
      this.#key = key;
      this.#changedAtMs = now;
    }
    if (this.#asked !== key && now - this.#changedAtMs >= SETTLE_MS) {
      this.#ask(key, w.from, w.to, columns * 4);
    }
    if (this.#answer === null) return s;
    // the same answer on the same records: the same result, without a frame's allocations
    const cache = this.#cache;
    if (
      cache !== null && cache.answer === this.#answer && cache.key === key &&
      cache.source === s.record
    ) {
      return { ...s, record: cache.record };
    }
    const record = new Map<string, RingBuffer>();
    let changed = false;
    this.summarised.clear();
    for (const [name, ring] of s.record) {
      const answer = this.#answer.channels[name];
      if (
        !answer || answer.x.length === 0 ||
        ring.size > 0 && answer.x[0] >= ring.xAt(0)
      ) {
        record.set(name, ring);
        continue;
      }
      let filled = this.#filled.get(name);
      if (!filled || filled.base !== ring || filled.answer !== answer) {
        const older = historyPoints(
          answer,
          ring.size > 0 ? ring.xAt(0) : Infinity,
          (this.#answer.to - this.#answer.from) / Math.max(1, columns),
        );
        filled = { base: ring, answer, ring: merged(older, ring) };
        this.#filled.set(name, filled);
        changed = true;
      }
      record.set(name, filled.ring);
      // what of the screen came from the server: from buckets, or every sample cut to the
      // screen's resolution (the whole of it is on its way)
      const oldestHeld = ring.size > 0 ? ring.xAt(0) : Infinity;
      const older = answer.resolution.filter((p) =>
        p.from < oldestHeld && p.to >= w.from && p.from <= w.to
      );
      const cut = answer.samples > answer.x.length;
      if (older.length > 0 && (cut || older.some((p) => p.resolution > 0))) {
        this.summarised.set(name, {
          toX: Math.min(oldestHeld, Math.max(...older.map((p) => p.to))),
          resolution: Math.max(...older.map((p) => p.resolution)),
        });
      }
    }
    this.#cache = { answer: this.#answer, key, source: s.record, record };
    return { ...s, record, changed: s.changed || changed };
  }

  close(): void {
    this.#forget();
  }

  #forget(): void {
    this.#abort?.abort();
    this.#abort = null;
    this.#answer = null;
    this.#key = "";
    this.#asked = "";
    this.#filled.clear();
    this.#cache = null;
    this.summarised.clear();
  }

  async #ask(key: string, from: number, to: number, maxPoints: number) {
    this.#asked = key;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
    const res = await fetchWindow(
      this.options.dataUrl,
      from,
      to,
      Math.min(100_000, Math.max(4, Math.round(maxPoints))),
      abort.signal,
    );
    clearTimeout(timer);
    if (abort.signal.aborted || !res.ok) {
      // asked again when the window next moves; a failed answer leaves the record as it was
      if (!abort.signal.aborted) this.#asked = "";
      return;
    }
    this.#abort = null;
    this.#answer = { from, to, channels: res.value };
    this.options.onAnswer();
    // every sample held on the server, but cut to the screen's resolution: the same picture,
    // and then every sample, so the measurements are of the signal, not of its extremes
    const answers = Object.values(res.value);
    const whole = Math.max(0, ...answers.map((a) => a.samples));
    if (
      whole > maxPoints && whole <= MAX_WHOLE_POINTS &&
      answers.every((a) => a.resolution.every((p) => p.resolution === 0))
    ) {
      void this.#ask(key, from, to, whole);
    }
  }
}

/** The history's points, then the record. */
function merged(
  older: { x: number[]; y: number[] },
  ring: RingBuffer,
): RingBuffer {
  const out = new RingBuffer(Math.max(1, older.x.length + ring.size));
  out.pushBatch(older.x, older.y);
  for (const [x, y] of ring.runs()) out.pushBatch(x, y);
  return out;
}
