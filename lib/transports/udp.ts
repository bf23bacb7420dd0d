import { DatagramIngest } from "../ingest/datagram.ts";
import type { MessageSink } from "../ingest/message.ts";
import type { Logger } from "../server/log.ts";
import type { WaysIn } from "../server/ways_in.ts";
import { type Store, StoreUnavailable } from "../store/store.ts";

/**
 * Teleplot's UDP input (`name:value` lines, see lib/ingest/datagram.ts) on a port of its own.
 *
 * A flood must not starve HTTP or viewers, and UDP has no way to push back: so the socket is
 * read by this loop only when it gets a turn. Every `SLICE` datagrams (or `SLICE_MS` of work)
 * it yields to the event loop, and while the server is saturated (the load shedder's event-loop
 * lag) it pauses; what arrives meanwhile waits in the kernel's buffer, and past it the kernel
 * drops it, at no cost to us. Points are stored on the next turn of the event loop, gathered, so a
 * sender at 10 kHz is not 10,000 store appends a second.
 */

export interface UdpInletOptions {
  hostname: string;
  port: number;
  store: Store;
  sink: MessageSink;
  ways: WaysIn;
  log: Logger;
  /** true while the server is saturated: the socket is left to the kernel's buffer */
  saturated: () => boolean;
}

/** Datagrams read before the loop yields to the event loop, and the time it may take. */
const SLICE = 256;
const SLICE_MS = 4;
/** The pause while the server is saturated. */
const BACKOFF_MS = 20;
/** How long points wait to be stored together (0: the next turn of the event loop, after the
 * datagrams that arrived with them), and how many may wait. */
const GATHER_MS = 0;
const GATHER_POINTS = 10_000;
/** Larger than any UDP payload (65,507 bytes). */
const BUFFER_BYTES = 65_536;

const yieldTurn = (ms = 0) => new Promise((r) => setTimeout(r, ms));

export class UdpInlet {
  #conn: Deno.DatagramConn | null = null;
  #closing = false;
  #loop: Promise<void> | null = null;
  #gather: ReturnType<typeof setTimeout> | undefined;
  #storing: Promise<void> = Promise.resolve();
  readonly #ingest: DatagramIngest;

  constructor(readonly options: UdpInletOptions) {
    this.#ingest = new DatagramIngest(options.sink);
  }

  /** The bound port (the configured one, or the system's pick for 0). */
  get port(): number {
    return (this.#conn?.addr as Deno.NetAddr | undefined)?.port ?? 0;
  }

  /** Binds the socket (throws when the port is taken) and starts reading it. */
  start(): void {
    const { hostname, port, ways } = this.options;
    this.#conn = Deno.listenDatagram({ transport: "udp", hostname, port });
    ways.set("udp", "listening", `${hostname}:${this.port}`);
    this.#loop = this.#read(this.#conn);
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#conn?.close();
    await this.#loop;
    clearTimeout(this.#gather);
    this.#store();
    await this.#storing;
    this.options.ways.set("udp", "down", `${this.options.hostname}: stopped`);
  }

  async #read(conn: Deno.DatagramConn): Promise<void> {
    const { ways, log } = this.options;
    const buffer = new Uint8Array(BUFFER_BYTES);
    let read = 0;
    let sliceStart = performance.now();
    while (!this.#closing) {
      let data: Uint8Array;
      try {
        [data] = await conn.receive(buffer);
      } catch (e) {
        if (this.#closing) break;
        log.log("error", "udp socket failed", { error: String(e) });
        ways.set("udp", "down", `${this.options.hostname}: ${String(e)}`);
        break;
      }
      const r = this.#ingest.read(data);
      ways.took("udp", "stored", r.lines - r.bad - r.refused);
      ways.took("udp", "bad", r.bad);
      ways.took("udp", "refused", r.refused);
      if (r.reason !== null && log.enabled("debug")) {
        log.log("debug", "udp line dropped", { reason: r.reason });
      }
      if (this.#ingest.pending >= GATHER_POINTS) this.#store();
      else if (this.#ingest.pending > 0 && this.#gather === undefined) {
        this.#gather = setTimeout(() => this.#store(), GATHER_MS);
      }
      if (++read >= SLICE || performance.now() - sliceStart >= SLICE_MS) {
        await yieldTurn(this.options.saturated() ? BACKOFF_MS : 0);
        read = 0;
        sliceStart = performance.now();
      }
    }
  }

  /** Stores what was gathered, one append per channel, in order behind the previous store. */
  #store(): void {
    clearTimeout(this.#gather);
    this.#gather = undefined;
    const batches = this.#ingest.take();
    if (batches.length === 0) return;
    const { store, ways, log } = this.options;
    this.#storing = this.#storing.then(async () => {
      for (const { channel, x, y } of batches) {
        try {
          const stored = await store.append(channel, x, y);
          if (stored.ok) ways.stored(x.length);
          else ways.took("udp", "refused", x.length);
        } catch (e) {
          // no sender to tell and nothing acknowledged: counted, never retried
          if (!(e instanceof StoreUnavailable)) throw e;
          ways.took("udp", "refused", x.length);
          log.log("debug", "udp points dropped, the store is down", {
            channel,
            points: x.length,
          });
        }
      }
    });
  }
}
