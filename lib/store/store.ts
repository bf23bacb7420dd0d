import type { AppendResult, Channels } from "./channels.ts";
import type { Values } from "../shared/ring_buffer.ts";

export const STORE_KINDS = ["memory", "kv", "redis"] as const;
export type StoreKind = typeof STORE_KINDS[number];

/** Where a store reports what it does (the server's logger fits it). */
export interface StoreLog {
  log(
    level: "error" | "warn" | "info" | "debug",
    msg: string,
    fields?: Record<string, string | number | boolean | null | undefined>,
  ): void;
}

/** What hears of every change to the mirror, in seq order (the server's hub, for viewers). */
export interface Fanout {
  publish(channel: string, x: Values, y: Values, lastSeq: number): void;
  clear(channel: string, lastSeq: number): void;
  remove(channel: string, lastSeq: number): void;
}

/** Whether the store answers: while it is "down", publishes get 503 and the page says so. */
export type StoreHealth = "ok" | "down";

/**
 * Where accepted points live. The HTTP layer writes through it; every instance reads from its
 * own mirror (`Channels`, ring buffers in memory) which the store keeps current — with points
 * any instance appended, in seq order — and from which viewers get their snapshots and deltas.
 *
 * Acknowledgement: `append` resolves only once the batch is in the store (for kv and redis,
 * durable as that engine defines it), numbered with seqs every instance agrees on. A batch is
 * stored whole or not at all.
 */
export interface Store {
  readonly kind: StoreKind;
  readonly health: StoreHealth;
  /** Loads what the store already holds into the mirror and starts following changes. */
  open(): Promise<void>;
  /** Stores a batch and resolves with the seq of its last point; throws StoreUnavailable. */
  append(
    channel: string,
    x: Values,
    y: Values,
  ): AppendResult | Promise<AppendResult>;
  /**
   * Removes one channel, or all when `channel` is null, freeing their slots on every instance;
   * resolves with the points each held. A channel created afterwards numbers its points above
   * every seq a removed channel had.
   */
  remove(channel: string | null): Promise<Record<string, number>>;
  /** Stops following changes and lets go of connections; what was stored stays stored. */
  close(): Promise<void>;
}

/** The store cannot take or confirm a write now; nothing was acknowledged. */
export class StoreUnavailable extends Error {
  override name = "StoreUnavailable";
}

/** What a store feeds: the instance's buffers and the hub that fans changes out to viewers. */
export interface Mirror {
  channels: Channels;
  hub: Fanout;
  /** the store lost what it held and numbers from 1 again: viewers must start over */
  reset?: () => void;
}

/** Mirrors a batch numbered by the store; the part this instance did not hold yet goes out. */
export function mirrorBatch(
  mirror: Mirror,
  channel: string,
  x: Values,
  y: Values,
  lastSeq: number,
): void {
  const fresh = mirror.channels.apply(channel, x, y, lastSeq);
  if (fresh && fresh.x.length > 0) {
    mirror.hub.publish(channel, fresh.x, fresh.y, lastSeq);
  }
}

/** Mirrors a clear of `channel` up to seq `seq`; returns the points it dropped. */
export function mirrorClear(
  mirror: Mirror,
  channel: string,
  seq: number,
): number {
  // viewers hear of channels this instance holds; a clear of one it never held is moot
  if (!mirror.channels.get(channel)) return 0;
  const removed = mirror.channels.clearThrough(channel, seq);
  mirror.hub.clear(channel, seq);
  return removed;
}

/** Mirrors the removal of `channel`, whose last seq was `seq`; returns the points it held. */
export function mirrorRemove(
  mirror: Mirror,
  channel: string,
  seq: number,
): number {
  const removed = mirror.channels.remove(channel);
  if (removed !== null) mirror.hub.remove(channel, seq);
  return removed ?? 0;
}

/** The default: the mirror is the store. Fastest, and gone when the process ends. */
export class MemoryStore implements Store {
  readonly kind = "memory";
  readonly health = "ok";

  constructor(readonly mirror: Mirror) {}

  open(): Promise<void> {
    return Promise.resolve();
  }

  append(channel: string, x: Values, y: Values): AppendResult {
    const result = this.mirror.channels.append(channel, x, y);
    if (result.ok) this.mirror.hub.publish(channel, x, y, result.seq);
    return result;
  }

  remove(channel: string | null): Promise<Record<string, number>> {
    const { channels } = this.mirror;
    const removed: Record<string, number> = {};
    for (const name of channel === null ? channels.names() : [channel]) {
      const buffer = channels.get(name);
      if (buffer) {
        removed[name] = mirrorRemove(this.mirror, name, buffer.lastSeq);
      }
    }
    return Promise.resolve(removed);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Publishes waiting for this instance's mirror to reach their seq, so that a 200 also means
 * "visible here": a GET right after the POST, or a viewer of this instance, sees the points.
 */
export class MirrorWaiters {
  readonly #waiting = new Map<string, { seq: number; done: () => void }[]>();
  readonly #reached = new Map<string, number>();

  /** Resolves once `reached(channel, ≥ seq)` is called, or after `timeoutMs` regardless. */
  wait(channel: string, seq: number, timeoutMs: number): Promise<void> {
    if ((this.#reached.get(channel) ?? 0) >= seq) return Promise.resolve();
    return new Promise((resolve) => {
      let list = this.#waiting.get(channel);
      if (!list) this.#waiting.set(channel, list = []);
      const entry = { seq, done };
      const timer = setTimeout(() => {
        done();
        // a waiter that gave up must not stay in the list until someone reaches its seq
        const now = this.#waiting.get(channel);
        const i = now?.indexOf(entry) ?? -1;
        if (i >= 0) now!.splice(i, 1);
        if (now?.length === 0) this.#waiting.delete(channel);
      }, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      list.push(entry);
    });
  }

  reached(channel: string, seq: number): void {
    if (seq > (this.#reached.get(channel) ?? 0)) {
      this.#reached.set(channel, seq);
    }
    const list = this.#waiting.get(channel);
    if (!list) return;
    const still = list.filter((w) => w.seq > seq);
    for (const w of list) if (w.seq <= seq) w.done();
    if (still.length > 0) this.#waiting.set(channel, still);
    else this.#waiting.delete(channel);
  }

  /** Lets every waiter go (the store is closing). */
  releaseAll(): void {
    for (const list of this.#waiting.values()) for (const w of list) w.done();
    this.#waiting.clear();
  }
}

/**
 * A store whose module is loaded when it is opened: the Redis client and its dependencies
 * cost some 15 MiB of memory and start-up time that a memory or kv instance never needs.
 */
export class LazyStore implements Store {
  #store: Store | null = null;

  constructor(
    readonly kind: Store["kind"],
    readonly load: () => Promise<Store>,
  ) {}

  get health(): StoreHealth {
    return this.#store?.health ?? "down";
  }

  async open(): Promise<void> {
    this.#store = await this.load();
    await this.#store.open();
  }

  append(channel: string, x: Values, y: Values) {
    return this.#opened().append(channel, x, y);
  }

  remove(channel: string | null): Promise<Record<string, number>> {
    return this.#opened().remove(channel);
  }

  async close(): Promise<void> {
    await this.#store?.close();
  }

  #opened(): Store {
    if (this.#store === null) {
      throw new StoreUnavailable(`the ${this.kind} store is not open yet`);
    }
    return this.#store;
  }
}
