import { groupByChannel } from "./line_ingest.ts";
import type { LinePoint } from "./line_points.ts";
import type { MessageSink } from "./message.ts";
import { DEFAULT_CHANNEL } from "../shared/names.ts";
import { parseTextLine } from "./text_lines.ts";
import type { Batch } from "./validate.ts";

/**
 * Datagrams in Teleplot's UDP format, gathered between stores. Each datagram holds lines —
 * `name:value`, `name:timestamp_ms:value`, with optional `§unit` and `|flags` (the same
 * reading as a text line of `POST /data`, so a bare number, `x,y` and Serial Plotter lines
 * work too) — and each line is its own point or points. A datagram has no sender to answer, so
 * a bad line is dropped and counted and the rest of the datagram is kept; so is a line that
 * would pass the channel limit. A line with `|xy` keeps x as sent (an XY pair, as Teleplot
 * draws it), exactly as over HTTP.
 */

/** What one datagram gave. */
export interface DatagramRead {
  lines: number;
  points: number;
  /** lines that are not a point (the reason of the first is kept) */
  bad: number;
  /** lines whose new channel did not fit under the channel limit */
  refused: number;
  reason: string | null;
}

const decoder = new TextDecoder();

export class DatagramIngest {
  #pending: LinePoint[] = [];
  // channels the pending points create, to keep them under the limit before they are stored
  #creating = new Set<string>();

  constructor(readonly sink: MessageSink) {}

  /** Points read and not taken yet. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Reads one datagram's lines into the pending points. */
  read(bytes: Uint8Array): DatagramRead {
    const out: DatagramRead = {
      lines: 0,
      points: 0,
      bad: 0,
      refused: 0,
      reason: null,
    };
    for (const line of decoder.decode(bytes).split("\n")) {
      if (line.trim() === "") continue;
      out.lines++;
      const parsed = parseTextLine(line, {
        channel: DEFAULT_CHANNEL,
        prefix: null,
      });
      if (!parsed.ok) {
        out.bad++;
        out.reason ??= `"${line.trim().slice(0, 80)}": ${parsed.reason}`;
        continue;
      }
      if (!this.#fits(parsed.points)) {
        out.refused++;
        out.reason ??= `"${
          line.trim().slice(0, 80)
        }": its channel would pass the channel limit (OSC_MAX_CHANNELS)`;
        continue;
      }
      for (const p of parsed.points) this.#pending.push(p);
      out.points += parsed.points.length;
    }
    return out;
  }

  /** The pending points as one batch per channel (values without x spread), and forgets them. */
  take(): Batch[] {
    const points = this.#pending;
    this.#pending = [];
    this.#creating.clear();
    return points.length === 0 ? [] : groupByChannel(points, this.sink);
  }

  #fits(points: LinePoint[]): boolean {
    const fresh: string[] = [];
    for (const { channel } of points) {
      if (
        !this.#creating.has(channel) && !this.sink.known(channel) &&
        !fresh.includes(channel)
      ) fresh.push(channel);
    }
    if (fresh.length === 0) return true;
    if (this.#creating.size + fresh.length > this.sink.room()) return false;
    for (const c of fresh) this.#creating.add(c);
    return true;
  }
}
