/** What a viewer needs of a WebSocket; Deno's server-side WebSocket fits it. */
export interface ViewerSocket {
  readonly bufferedAmount: number;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

export interface ViewerOptions {
  /** unsent bytes above which deltas are skipped */
  maxBufferedBytes: number;
  /** how long a socket may stay backed up before it is closed */
  stallMs: number;
  /** the messages that bring a viewer up to date from nothing */
  snapshot: () => string[];
  now?: () => number;
}

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
    for (const text of this.options.snapshot()) this.socket.send(text);
  }

  /** Offers one broadcast message; sends it, skips it, resyncs or closes as the policy says. */
  deliver(text: string): void {
    if (this.#closed) return;
    const buffered = this.socket.bufferedAmount;
    if (this.#behindSince !== null) {
      // wait until the socket has drained well below the limit before resending everything
      if (buffered <= this.options.maxBufferedBytes / 4) {
        this.#behindSince = null;
        this.start();
      } else if (this.#now() - this.#behindSince > this.options.stallMs) {
        this.#closed = true;
        this.socket.close(CLOSE_TOO_SLOW, "viewer too slow");
      }
      return;
    }
    if (buffered > this.options.maxBufferedBytes) {
      this.#behindSince = this.#now();
      return;
    }
    this.socket.send(text);
  }

  close(code?: number, reason?: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.socket.close(code, reason);
  }
}
