import { Trace } from "../../lib/scope/trace.ts";
import {
  type BinaryMessage,
  decodeBinary,
  type ServerMessage,
} from "../../lib/shared/wire.ts";
import { takeEarlySocket } from "./early_socket.ts";
import { fetchPoints, fetchSamples } from "./server_api.ts";
import type { Connection } from "../state/scope_state.ts";

type Message = ServerMessage | BinaryMessage;

export type { Connection };

export interface FeedOptions {
  wsUrl: string;
  dataUrl: string;
  windowPoints: number;
  /** called after any trace changed */
  onData: () => void;
  /**
   * called after a reduced snapshot's samples were swapped for every sample: the same picture,
   * but what is measured or transformed from it (a held sweep's spectrum too) is to be redone
   */
  onRefine: () => void;
  /** called when the connection state changes; `retryMs` is the wait before the next attempt */
  onConnection: (state: Connection, retryMs: number) => void;
}

const MIN_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
const REFILL_TIMEOUT_MS = 10_000;
// a reduced snapshot is refined with at most this many samples per channel (3.2 MB); what a
// bigger window holds beyond them stays marked as an estimate until it scrolls out
const MAX_REFINE_POINTS = 200_000;
// tries at fetching them while the server is busy with other downloads (about 15 s in all)
const REFINE_ATTEMPTS = 6;
// deltas held per channel while its gap is being fetched (~16 s of 60 Hz ticks)
const MAX_WAITING = 1000;

/**
 * The viewer's side of /ws: keeps one Trace per channel, in the order channels appeared, fills
 * seq gaps from GET /data?since=, and reconnects with exponential backoff and jitter (the server
 * sends fresh snapshots on every connect, so nothing is lost across a reconnect but time).
 */
export class LiveFeed {
  readonly traces = new Map<string, Trace>();
  #socket: WebSocket | null = null;
  #retryMs = MIN_RETRY_MS;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  // deltas that arrived while their channel's gap was being fetched, applied after it
  #waiting = new Map<string, Message[]>();
  #generation = 0;

  constructor(readonly options: FeedOptions) {}

  start(): void {
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, "page closed");
  }

  #connect(): void {
    if (this.#closed) return;
    const generation = ++this.#generation;
    this.#waiting.clear();
    // the first connect takes over the socket the page's inline script opened
    const early = generation === 1 ? takeEarlySocket(this.options.wsUrl) : null;
    const socket = early?.socket ?? new WebSocket(this.options.wsUrl);
    // binary frames arrive as ArrayBuffers that typed arrays can view without a copy
    socket.binaryType = "arraybuffer";
    this.#socket = socket;
    socket.onopen = () => {
      this.#retryMs = MIN_RETRY_MS;
      // every channel the server has arrives as a snapshot; what we held may be from a server
      // that has since restarted and counts seqs from 1 again
      this.traces.clear();
      this.options.onData();
      this.options.onConnection("live", 0);
    };
    socket.onmessage = (event) => {
      if (generation !== this.#generation) return;
      const msg = event.data instanceof ArrayBuffer
        ? decodeBinary(event.data)
        : (JSON.parse(event.data) as ServerMessage);
      if (msg) this.#handle(msg, generation);
    };
    socket.onclose = () => {
      if (this.#closed || generation !== this.#generation) return;
      const wait = this.#retryMs * (0.75 + Math.random() * 0.5);
      this.#retryMs = Math.min(this.#retryMs * 2, MAX_RETRY_MS);
      this.options.onConnection("reconnecting", wait);
      this.#retryTimer = setTimeout(() => this.#connect(), wait);
    };
    if (early?.opened) {
      socket.onopen(new Event("open"));
      for (const m of early.queued) socket.onmessage(m);
    }
  }

  #trace(name: string): Trace {
    let trace = this.traces.get(name);
    if (!trace) {
      trace = new Trace(this.options.windowPoints);
      this.traces.set(name, trace);
    }
    return trace;
  }

  #handle(msg: Message, generation: number): void {
    if (msg.type === "remove") {
      // gone for everyone: out of the legend, the table and the screen; a refill still
      // running for it finds its trace replaced and lets go
      this.#waiting.delete(msg.channel);
      if (this.traces.delete(msg.channel)) this.options.onData();
      return;
    }
    const waiting = this.#waiting.get(msg.channel);
    if (waiting && msg.type !== "snapshot") {
      waiting.push(msg);
      // a refill that takes this long is stuck: resync instead of queueing without bound
      if (waiting.length > MAX_WAITING) {
        this.#socket?.close(4000, "refill too slow");
      }
      return;
    }
    const trace = this.#trace(msg.channel);
    trace.receivedAtMs = performance.now();
    if (msg.type === "snapshot") {
      this.#waiting.delete(msg.channel);
      const reduced = "reduced" in msg && msg.reduced === true;
      trace.replace(msg.seq, msg.x, msg.y, reduced);
      // drawn at once from the extremes; measured from every sample once they are here, asked
      // for after the frame that shows the extremes (its download and swap would delay it)
      if (reduced) {
        const later = () =>
          setTimeout(
            () => void this.#refine(msg.channel, trace, generation),
            0,
          );
        // (a hidden page paints no frames: it asks at once)
        if (document.hidden) later();
        else requestAnimationFrame(later);
      }
    } else if (msg.type === "clear") {
      trace.clear(msg.seq);
    } else if (trace.append(msg.seq, msg.x, msg.y) === "gap") {
      this.#waiting.set(msg.channel, [msg]);
      void this.#refill(msg.channel, trace, generation);
      return;
    }
    this.options.onData();
  }

  /** Fetches every sample of a channel whose snapshot was reduced, and swaps them in. */
  async #refine(
    name: string,
    trace: Trace,
    generation: number,
  ): Promise<void> {
    const current = () =>
      generation === this.#generation && this.traces.get(name) === trace;
    if (!current()) return;
    let res = await fetchSamples(
      this.options.dataUrl,
      name,
      Math.min(this.options.windowPoints, MAX_REFINE_POINTS),
      REFILL_TIMEOUT_MS,
    );
    // the server answers a few big downloads at a time (503 while busy): many pages joining at
    // once take turns, a few seconds apart, rather than stay estimates until they reconnect
    for (
      let attempt = 1;
      !res.ok && (res.status === 503 || res.status === null) &&
      attempt < REFINE_ATTEMPTS && current();
      attempt++
    ) {
      await new Promise((r) =>
        setTimeout(r, 1000 * attempt * (0.5 + Math.random()))
      );
      if (!current()) return;
      res = await fetchSamples(
        this.options.dataUrl,
        name,
        Math.min(this.options.windowPoints, MAX_REFINE_POINTS),
        REFILL_TIMEOUT_MS,
      );
    }
    if (!res.ok || res.value === null || !current()) return;
    // the server may have newer points than the snapshot; those reach the trace as deltas
    const full = res.value;
    const upTo = Math.min(full.seq, trace.lastSeq);
    const drop = full.seq - upTo;
    trace.refine(
      upTo,
      full.x.subarray(0, full.x.length - drop),
      full.y.subarray(0, full.y.length - drop),
    );
    this.options.onRefine();
    this.options.onData();
  }

  /** Fetches the points between what the trace has and the delta that arrived after a gap. */
  async #refill(name: string, trace: Trace, generation: number): Promise<void> {
    let filled = false;
    const res = await fetchPoints(
      this.options.dataUrl,
      name,
      trace.lastSeq,
      this.options.windowPoints,
      REFILL_TIMEOUT_MS,
    );
    // not answered (timed out, the network failed, an error status): handled below
    const got = res.ok ? res.value : undefined;
    if (generation === this.#generation && got) {
      // when the server no longer has the missing points either, start from what it has
      if (trace.append(got.seq, got.x, got.y) === "gap") {
        trace.replace(got.seq, got.x, got.y);
      }
      filled = true;
    }
    if (generation !== this.#generation || this.traces.get(name) !== trace) {
      return;
    }
    const queued = this.#waiting.get(name) ?? [];
    this.#waiting.delete(name);
    if (!filled) {
      // start over from fresh snapshots rather than draw a trace with a hole in it
      this.#socket?.close(4000, "refill failed");
      return;
    }
    for (const msg of queued) {
      // removals never wait (see #handle)
      if (msg.type === "remove") continue;
      if (msg.type === "clear") trace.clear(msg.seq);
      else if (trace.append(msg.seq, msg.x, msg.y) === "gap") {
        this.#socket?.close(4000, "gap after refill");
        return;
      }
    }
    this.options.onData();
  }
}
