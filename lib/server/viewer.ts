import type { Frame } from "../shared/wire.ts";

/** What a viewer needs of a WebSocket; Deno's server-side WebSocket fits it. */
export interface ViewerSocket {
  readonly bufferedAmount: number;
  send(frame: Frame): void;
  close(code?: number, reason?: string): void;
}

export interface ViewerOptions {
  /** unsent bytes above which deltas are skipped */
  maxBufferedBytes: number;
  /** how long a socket may stay backed up before it is closed */
  stallMs: number;
  /** the messages that bring a viewer up to date from nothing */
  snapshot: () => Frame[];
  now?: () => number;
  /** told of each skipped frame, resync and stall close, for metrics */
  onEvent?: (event: ViewerEvent) => void;
  /**
   * called once when the server closes the viewer (too slow, over budget, shutting down): its
   * slot is free from then on, whether or not the close frame ever reaches a peer that stopped
   * reading
   */
  onClosed?: () => void;
}

export type ViewerEvent =
  | "skipped"
  | "resynced"
  | "closed_slow"
  | "closed_budget";

/** Close code sent to a viewer that stopped reading for too long ("try again later"). */
export const CLOSE_TOO_SLOW = 1013;

/**
 * One connected viewer and its slow-consumer policy. The socket's own send buffer is the
 * viewer's queue, bounded by `maxBufferedBytes`: past it, deltas are skipped rather than queued;
 * once the socket drains, the viewer gets a fresh snapshot (which replaces what it had, so the
 * skipped deltas don't matter); if it never drains it is closed. A slow phone never makes ingest
 * or other viewers wait, and memory per viewer stays bounded.
 */
export class Viewer {
  #behindSince: number | null = null;
  #closed = false;
  #snapshotBytes = 0;
  readonly #now: () => number;

  constructor(readonly socket: ViewerSocket, readonly options: ViewerOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** true while deltas are being skipped for this viewer */
  get behind(): boolean {
    return this.#behindSince !== null;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends the snapshot messages (on connect, or to resync). */
  start(): void {
    let bytes = 0;
    for (const frame of this.options.snapshot()) {
      this.socket.send(frame);
      bytes += frame.length;
    }
    this.#snapshotBytes = bytes;
  }

  /**
   * Unsent bytes past which deltas are skipped. Never below twice the last snapshot: a snapshot
   * bigger than the limit would otherwise mark a viewer behind at once, and resending it would
   * only repeat that.
   */
  get #limit(): number {
    return Math.max(this.options.maxBufferedBytes, 2 * this.#snapshotBytes);
  }

  /** Offers one broadcast message; sends it, skips it, resyncs or closes as the policy says. */
  deliver(frame: Frame): void {
    if (this.#closed) return;
    if (this.#behindSince !== null) {
      // a resync's snapshot already holds this message's points
      if (this.poll()) this.options.onEvent?.("skipped");
      return;
    }
    if (this.socket.bufferedAmount > this.#limit) {
      this.#behindSince = this.#now();
      this.options.onEvent?.("skipped");
      return;
    }
    this.socket.send(frame);
  }

  /**
   * For a viewer that is behind: resyncs it once its socket has drained, or closes it once it
   * has stalled too long. Also called on a timer, so a burst followed by silence still ends in a
   * resync. Returns whether the viewer is still behind (or closed).
   */
  poll(): boolean {
    if (this.#closed) return true;
    if (this.#behindSince === null) return false;
    // wait until the socket has drained well below the limit before resending everything
    if (this.socket.bufferedAmount <= this.#limit / 4) {
      this.#behindSince = null;
      this.start();
      this.options.onEvent?.("resynced");
      return false;
    }
    if (this.#now() - this.#behindSince > this.options.stallMs) {
      this.close(CLOSE_TOO_SLOW, "viewer too slow");
      this.options.onEvent?.("closed_slow");
    }
    return true;
  }

  close(code?: number, reason?: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.close(code, reason);
    this.options.onClosed?.();
  }
}

/**
 * Keeps the unsent bytes of all viewers under `budget`: while the total is over it, the viewer
 * with the most unsent bytes is closed (1013). Each viewer is already capped on its own; this
 * caps their sum, which would otherwise be viewers × the per-viewer cap. Returns how many it
 * closed.
 */
export function enforceBudget(
  viewers: Iterable<Viewer>,
  budget: number,
): number {
  const open = [...viewers].filter((v) => !v.closed);
  let total = open.reduce((sum, v) => sum + v.socket.bufferedAmount, 0);
  if (total <= budget) return 0;
  open.sort((a, b) => b.socket.bufferedAmount - a.socket.bufferedAmount);
  let closed = 0;
  for (const v of open) {
    if (total <= budget) break;
    total -= v.socket.bufferedAmount;
    v.close(CLOSE_TOO_SLOW, "server is over its memory budget for viewers");
    v.options.onEvent?.("closed_budget");
    closed++;
  }
  return closed;
}
