import type { Encoding, Frame } from "../shared/wire.ts";
import type { ViewerCount } from "./counts.ts";
import type { Hub } from "./hub.ts";
import type { Fields } from "./log.ts";
import { enforceBudget, Viewer, type ViewerSocket } from "./viewer.ts";

export interface ViewersOptions {
  /** viewers open or opening at once, over all addresses */
  maxViewers: number;
  maxViewersPerAddress: number;
  /** unsent bytes one viewer may have before its deltas are skipped */
  viewerMaxBufferedBytes: number;
  /** how long a viewer may stay backed up before it is closed */
  viewerStallMs: number;
  /** unsent bytes of all viewers together */
  viewersMaxBufferTotal: number;
  hub: Pick<Hub, "subscribe">;
  /** the messages that bring a new (or resynced) viewer up to date */
  snapshot: (slots: number | undefined, encoding: Encoding) => Frame[];
  count: (event: ViewerCount) => void;
  log: (msg: string, fields: Fields) => void;
}

/** A viewer slot, held from the handshake's check until the socket ends. */
export interface Ticket {
  readonly address: string;
  /** Gives the slot back (and detaches the viewer, if any); safe to call more than once. */
  release(): void;
}

export type Admission =
  | { ok: true; ticket: Ticket }
  | {
    ok: false;
    refusal: "refused_total" | "refused_address";
    /** the limit that was reached */
    limit: number;
  };

/** What a viewer asked for in its request. */
export interface ViewerWants {
  /** grid slots the page draws on: its snapshots are cut down to match */
  slots?: number;
  encoding: Encoding;
}

/** How often viewers that fell behind are looked at even when no data arrives. */
const SWEEP_MS = 1000;

/**
 * Every viewer of one app: admission (the limits in total and per address), the open viewers,
 * their hub subscriptions, the sweep that resyncs or closes the slow ones and keeps their unsent
 * bytes under budget, and the close of all of them at shutdown. The WebSocket route only
 * parses, admits and attaches.
 */
export class Viewers implements Iterable<Viewer> {
  readonly #open = new Set<Viewer>();
  readonly #byAddress = new Map<string, number>();
  #reserved = 0;
  #closing = false;
  #sweep: ReturnType<typeof setInterval> | undefined;

  constructor(readonly options: ViewersOptions) {}

  /** viewers open now */
  get size(): number {
    return this.#open.size;
  }

  /** slots held now, by viewers open or still in their handshake */
  get reserved(): number {
    return this.#reserved;
  }

  [Symbol.iterator](): Iterator<Viewer> {
    return this.#open[Symbol.iterator]();
  }

  /**
   * Takes a slot for a viewer from `address`, or says which limit it reached. The slot is
   * taken in the same step as the check, so a burst of handshakes cannot all pass it before
   * any of them has opened.
   */
  admit(address: string): Admission {
    const { maxViewers, maxViewersPerAddress } = this.options;
    if (this.#reserved >= maxViewers) {
      this.options.count("refused_total");
      return { ok: false, refusal: "refused_total", limit: maxViewers };
    }
    const held = this.#byAddress.get(address) ?? 0;
    if (held >= maxViewersPerAddress) {
      this.options.count("refused_address");
      return {
        ok: false,
        refusal: "refused_address",
        limit: maxViewersPerAddress,
      };
    }
    this.#reserved++;
    this.#byAddress.set(address, held + 1);
    const ticket = new Slot(address, () => {
      this.#reserved--;
      const left = (this.#byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#byAddress.set(address, left);
      else this.#byAddress.delete(address);
      if (ticket.viewer) this.#open.delete(ticket.viewer);
    });
    return { ok: true, ticket };
  }

  /**
   * Starts serving an admitted viewer on its open socket: the snapshot, then every hub frame.
   * After `closeAll` a late handshake is told the server is going away instead.
   */
  attach(ticket: Ticket, socket: ViewerSocket, wants: ViewerWants): void {
    if (!(ticket instanceof Slot)) {
      throw new TypeError("not a ticket of admit()");
    }
    if (this.#closing) {
      socket.close(1001, "server shutting down");
      ticket.release();
      return;
    }
    const { options } = this;
    const viewer = new Viewer(socket, {
      maxBufferedBytes: options.viewerMaxBufferedBytes,
      stallMs: options.viewerStallMs,
      snapshot: () => options.snapshot(wants.slots, wants.encoding),
      // the server closed it (too slow, over budget, shutting down): the slot is free from
      // now on, whether or not the close frame ever reaches a peer that stopped reading
      onClosed: () => ticket.release(),
      onEvent: (event) => {
        options.count(event);
        if (event === "closed_slow") {
          options.log("closed a viewer that stopped reading", {
            address: ticket.address,
          });
        }
      },
    });
    this.#open.add(viewer);
    viewer.start();
    const unsubscribe = options.hub.subscribe(
      (frame) => viewer.deliver(frame),
      wants.encoding,
    );
    ticket.hold(viewer, unsubscribe);
    this.#sweep ??= setInterval(() => this.sweep(), SWEEP_MS);
  }

  /**
   * Resyncs or closes viewers that fell behind, even when no new data comes to trigger it,
   * and keeps all viewers' unsent bytes together under their budget.
   */
  sweep(): void {
    for (const viewer of this.#open) viewer.poll();
    enforceBudget(this.#open, this.options.viewersMaxBufferTotal);
    if (this.#open.size === 0) this.#stopSweep();
  }

  /** Closes every viewer with `code` and refuses new ones from now on (a shutdown). */
  closeAll(code = 1001, reason = "server shutting down"): void {
    this.#closing = true;
    this.#stopSweep();
    for (const viewer of [...this.#open]) viewer.close(code, reason);
  }

  /** Closes every viewer but keeps admitting: pages reconnect and start over (a store reset). */
  restartAll(reason: string): void {
    for (const viewer of [...this.#open]) viewer.close(1012, reason);
  }

  #stopSweep(): void {
    clearInterval(this.#sweep);
    this.#sweep = undefined;
  }
}

/** A slot from `admit`; once attached it also holds the viewer and its hub subscription. */
class Slot implements Ticket {
  viewer: Viewer | undefined;
  #unsubscribe = () => {};
  #holding = true;

  constructor(readonly address: string, readonly free: () => void) {}

  hold(viewer: Viewer, unsubscribe: () => void): void {
    this.viewer = viewer;
    this.#unsubscribe = unsubscribe;
  }

  release(): void {
    if (!this.#holding) return;
    this.#holding = false;
    this.#unsubscribe();
    this.free();
  }
}
