import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { AppendResult } from "./channels.ts";
import type { Values } from "../shared/ring_buffer.ts";
import {
  CHANNELS,
  chunkKey,
  chunkOf,
  ChunkReader,
  KV_MAX_BATCH,
  type Meta,
  metaKey,
  VERSION,
} from "./kv_layout.ts";
import { commitAppend, commitRemove, deleteChunks } from "./kv_commit.ts";
import { explainOpenFailure } from "./kv_access.ts";
import { lockRetried } from "./kv_retry.ts";
import {
  type Mirror,
  mirrorBatch,
  mirrorClear,
  mirrorRemove,
  MirrorWaiters,
  type Store,
  type StoreHealth,
  type StoreLog,
  StoreUnavailable,
} from "./store.ts";

// how long a publish waits for this instance's mirror before answering anyway
const MIRROR_WAIT_MS = 1000;

export interface KvOptions {
  /** the database file; null opens the default store (the global one on Deno Deploy) */
  path: string | null;
  capacity: number;
  maxChannels: number;
  /** how often to look for commits made by other processes on the same file */
  pollMs: number;
  log: StoreLog;
}

interface Waiting {
  x: Values;
  y: Values;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Deno KV: points in chunks of 2048 (not a key per point), the capacity enforced by deleting
 * whole chunks as they fall out of it. Seqs come from an atomic commit checked against the
 * channel's meta, so they are unique and ordered across every instance on the store; instances
 * learn of each other's commits through `kv.watch` (on Deno Deploy) and a poll (processes
 * sharing a local file, where watch only sees its own process).
 */
export class KvStore implements Store {
  readonly kind = "kv";
  #health: StoreHealth = "ok";
  #kv: Deno.Kv | null = null;
  readonly #queues = new Map<string, Waiting[]>();
  readonly #writing = new Set<string>();
  // the newest clear the mirror has applied, per channel
  readonly #cleared = new Map<string, number>();
  readonly #syncing = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;
  #version: string | null = null;
  #poll: ReturnType<typeof setInterval> | undefined;
  #watch: ReadableStreamDefaultReader | null = null;
  #closed = false;
  readonly #waiters = new MirrorWaiters();

  constructor(readonly mirror: Mirror, readonly options: KvOptions) {}

  get health(): StoreHealth {
    return this.#health;
  }

  async open(): Promise<void> {
    const { path } = this.options;
    try {
      if (path !== null) await mkdir(dirname(path), { recursive: true });
      this.#kv = await Deno.openKv(path ?? undefined);
    } catch (e) {
      throw path === null ? e : explainOpenFailure(path, e);
    }
    await this.#refresh();
    this.#poll = setInterval(() => this.#checkVersion(), this.options.pollMs);
    this.#follow();
  }

  append(channel: string, x: Values, y: Values): Promise<AppendResult> {
    if (x.length > KV_MAX_BATCH) {
      return Promise.resolve({
        ok: false,
        reason: "too_large",
        maxPoints: KV_MAX_BATCH,
      });
    }
    if (this.#kv === null || this.#closed) {
      return Promise.reject(new StoreUnavailable("the kv store is closed"));
    }
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(channel);
      if (!queue) this.#queues.set(channel, queue = []);
      queue.push({ x, y, resolve, reject });
      if (!this.#writing.has(channel)) this.#write(channel);
    });
  }

  async remove(channel: string | null): Promise<Record<string, number>> {
    const kv = this.#open();
    const names = channel === null
      ? (await kv.get<string[]>(CHANNELS)).value ?? []
      : [channel];
    const removed: Record<string, number> = {};
    for (const name of names) {
      const meta = await commitRemove(kv, name);
      if (meta === null) continue;
      const { capacity } = this.options;
      removed[name] = meta.lastSeq -
        Math.max(meta.clearedSeq, meta.lastSeq - capacity, 0);
      await deleteChunks(kv, name, meta.lastSeq, capacity);
      await this.#sync(name).catch(() => {});
    }
    return removed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poll);
    await this.#watch?.cancel().catch(() => {});
    // let commits already started finish: their publishers were promised an answer
    while (this.#writing.size > 0) await new Promise((r) => setTimeout(r, 5));
    await Promise.allSettled([...this.#syncing.values()]);
    this.#waiters.releaseAll();
    this.#kv?.close();
    this.#kv = null;
  }

  #open(): Deno.Kv {
    if (this.#kv === null) {
      throw new StoreUnavailable("the kv store is closed");
    }
    return this.#kv;
  }

  /** Commits the channel's waiting batches, as many as fit in one commit at a time. */
  async #write(channel: string): Promise<void> {
    this.#writing.add(channel);
    const queue = this.#queues.get(channel)!;
    try {
      while (queue.length > 0) {
        let points = 0;
        let count = 0;
        while (
          count < queue.length &&
          points + queue[count].x.length <= KV_MAX_BATCH
        ) {
          points += queue[count++].x.length;
        }
        const group = queue.splice(0, count);
        try {
          const results = await lockRetried(() =>
            commitAppend(this.#open(), channel, group, this.options)
          );
          this.#health = "ok";
          // viewers here get the points through the mirror, like those of other instances;
          // the publishers hear back once it has them (the next commit need not wait)
          this.#sync(channel).catch(() => {});
          group.forEach((w, i) => {
            const r = results[i];
            if (!r.ok) return w.resolve(r);
            this.#waiters.wait(channel, r.seq, MIRROR_WAIT_MS).then(() =>
              w.resolve(r)
            );
          });
        } catch (e) {
          this.#health = "down";
          this.options.log.log("error", "kv commit failed", {
            channel,
            error: String(e),
          });
          const err = e instanceof StoreUnavailable
            ? e
            : new StoreUnavailable(`the kv store failed: ${e}`);
          group.forEach((w) => w.reject(err));
        }
      }
    } finally {
      this.#writing.delete(channel);
    }
  }

  /** Brings the mirror of one channel up to the store; one run per channel at a time. */
  #sync(name: string): Promise<void> {
    const running = this.#syncing.get(name);
    if (running) {
      this.#again.add(name);
      return running;
    }
    const run = (async () => {
      do {
        this.#again.delete(name);
        await this.#pull(name);
      } while (this.#again.has(name) && !this.#closed);
    })().finally(() => this.#syncing.delete(name));
    this.#syncing.set(name, run);
    return run;
  }

  async #pull(name: string): Promise<void> {
    const kv = this.#kv;
    if (kv === null) return;
    const meta = (await kv.get<Meta>(metaKey(name))).value;
    const { channels } = this.mirror;
    if (meta === null) {
      // removed (by any instance): drop it here too
      const held = channels.get(name);
      if (held) mirrorRemove(this.mirror, name, held.lastSeq);
      this.#cleared.delete(name);
      return;
    }
    if (meta.clearedSeq > (this.#cleared.get(name) ?? 0)) {
      mirrorClear(this.mirror, name, meta.clearedSeq);
      this.#cleared.set(name, meta.clearedSeq);
    }
    const have = channels.get(name)?.lastSeq ?? 0;
    const to = meta.lastSeq;
    if (to <= have && channels.get(name)) {
      return this.#waiters.reached(name, to);
    }
    const from = Math.max(
      have,
      meta.clearedSeq,
      to - this.options.capacity,
    ) + 1;
    const read = new ChunkReader(from, to);
    if (from <= to) {
      for await (
        const entry of kv.list<Uint8Array>({
          start: chunkKey(name, chunkOf(from)),
          end: chunkKey(name, chunkOf(to) + 1),
        })
      ) {
        read.add(entry.key[3] as number, entry.value);
      }
    }
    const { x, y } = read.points();
    mirrorBatch(this.mirror, name, x, y, to);
    this.#waiters.reached(name, to);
  }

  /** Pulls every channel the store lists, in the order they were created. */
  #refresh(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    const run = (async () => {
      do {
        this.#refreshAgain = false;
        const kv = this.#kv;
        if (kv === null) return;
        const names = (await kv.get<string[]>(CHANNELS)).value ?? [];
        for (const name of names) await this.#sync(name);
        // channels held here that the store no longer lists: their sync finds them removed
        for (const name of this.mirror.channels.names()) {
          if (!names.includes(name)) await this.#sync(name);
        }
      } while (this.#refreshAgain && !this.#closed);
    })().finally(() => (this.#refreshing = null));
    this.#refreshing = run;
    return run;
  }

  async #checkVersion(): Promise<void> {
    const kv = this.#kv;
    if (kv === null || this.#closed) return;
    try {
      const entry = await kv.get(VERSION);
      if (entry.versionstamp !== this.#version) {
        this.#version = entry.versionstamp;
        await this.#refresh();
      }
    } catch (e) {
      if (!this.#closed) {
        this.options.log.log("warn", "kv poll failed", { error: String(e) });
      }
    }
  }

  /** Follows the version key: immediate on Deno Deploy, where watch sees every instance. */
  async #follow(): Promise<void> {
    const kv = this.#kv;
    if (kv === null) return;
    try {
      const reader = kv.watch([VERSION]).getReader();
      this.#watch = reader;
      while (!this.#closed) {
        const { done } = await reader.read();
        if (done) break;
        await this.#checkVersion();
      }
    } catch {
      // closed under us; the poll covers what the watch would have seen
    }
  }
}
