// Lines from a board to the bodies the bridge posts: each line read as POST /data reads a text
// line (Serial Plotter, Teleplot `>name:value`, bare numbers — the same parser, so a line the
// bridge sends is one the server takes), stamped with the time it was read, and gathered per
// channel until the next POST. Pure: the caller reads the device, keeps the clock and posts.
import { receiveTimes } from "../../lib/ingest/receive_time.ts";
import { parseTextLine } from "../../lib/ingest/text_lines.ts";
import { DEFAULT_CHANNEL } from "../../lib/shared/names.ts";

export interface BatcherOptions {
  /** --channel: unlabeled values go here and labels become `prefix.label`; null: as sent */
  prefix: string | null;
  /** most points held while the server does not take them; past it the oldest go */
  maxPoints: number;
}

export interface Dropped {
  line: string;
  reason: string;
}

interface Column {
  x: number[];
  y: number[];
}

export class Batcher {
  #pending = new Map<string, Column>();
  #points = 0;
  /** the newest x per channel, from which the values of one read are spread */
  #lastX = new Map<string, number>();
  /** points dropped because the server did not take them in time */
  overflowed = 0;

  constructor(readonly options: BatcherOptions) {}

  get points(): number {
    return this.#points;
  }

  /**
   * Reads the lines of one read of the device, at `nowSeconds`. Values without a time are
   * spread evenly since the channel's previous read (the board printed them in between).
   * Returns the lines that are not points.
   */
  add(lines: string[], nowSeconds: number): Dropped[] {
    const dropped: Dropped[] = [];
    const untimed = new Map<string, number>();
    const read: { channel: string; x: number | null; y: number }[] = [];
    for (const line of lines) {
      const parsed = parseTextLine(line, {
        channel: this.options.prefix ?? DEFAULT_CHANNEL,
        prefix: this.options.prefix,
      });
      if (!parsed.ok) {
        dropped.push({ line, reason: parsed.reason });
        continue;
      }
      for (const p of parsed.points) {
        read.push(p);
        if (p.x === null) {
          untimed.set(p.channel, (untimed.get(p.channel) ?? 0) + 1);
        }
      }
    }
    const times = new Map<string, { x: Float64Array; i: number }>();
    for (const [channel, n] of untimed) {
      times.set(channel, {
        x: receiveTimes(n, nowSeconds, this.#lastX.get(channel)),
        i: 0,
      });
    }
    for (const p of read) {
      let col = this.#pending.get(p.channel);
      if (!col) this.#pending.set(p.channel, col = { x: [], y: [] });
      const t = times.get(p.channel);
      const x = p.x ?? t!.x[t!.i++];
      col.x.push(x);
      col.y.push(p.y);
      this.#lastX.set(p.channel, x);
      this.#points++;
    }
    this.#trim();
    return dropped;
  }

  /**
   * The pending points as an NDJSON body, one line of columns per channel, and forgets them;
   * null when there are none. `putBack` returns them when the server could not take them.
   */
  take(): { body: string; points: number; channels: string[] } | null {
    if (this.#points === 0) return null;
    const lines: string[] = [];
    const channels: string[] = [];
    for (const [channel, col] of this.#pending) {
      if (col.y.length === 0) continue;
      lines.push(JSON.stringify({ channel, x: col.x, y: col.y }));
      channels.push(channel);
    }
    const points = this.#points;
    this.#pending = new Map();
    this.#points = 0;
    return { body: lines.join("\n") + "\n", points, channels };
  }

  /** Puts a body `take` gave back in front of what came since, to be sent again. */
  putBack(body: string): void {
    const older = new Map<string, Column>();
    let n = 0;
    for (const line of body.split("\n")) {
      if (line === "") continue;
      const { channel, x, y } = JSON.parse(line) as Column & {
        channel: string;
      };
      older.set(channel, { x, y });
      n += y.length;
    }
    for (const [channel, col] of this.#pending) {
      const o = older.get(channel);
      if (o) {
        o.x.push(...col.x);
        o.y.push(...col.y);
      } else older.set(channel, col);
    }
    this.#pending = older;
    this.#points += n;
    this.#trim();
  }

  /** Keeps at most maxPoints, dropping the oldest of the fullest channel. */
  #trim(): void {
    while (this.#points > this.options.maxPoints) {
      let fullest: Column | null = null;
      for (const col of this.#pending.values()) {
        if (!fullest || col.y.length > fullest.y.length) fullest = col;
      }
      const cut = Math.min(
        fullest!.y.length,
        this.#points - this.options.maxPoints,
      );
      fullest!.x.splice(0, cut);
      fullest!.y.splice(0, cut);
      this.#points -= cut;
      this.overflowed += cut;
    }
  }
}
