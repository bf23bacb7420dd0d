import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import type { AppendResult } from "./channels.ts";
import type { Logger } from "./log.ts";
import type { Values } from "./ring_buffer.ts";
import {
  type Mirror,
  mirrorBatch,
  mirrorClear,
  MirrorWaiters,
  type Store,
  type StoreHealth,
  StoreUnavailable,
} from "./store.ts";

// 2048 points of two float64s: 32 KiB, half of Deno KV's 64 KiB limit on one value
export const CHUNK_POINTS = 2048;
/**
 * Most points one publish may carry into KV: a batch is one atomic commit (all or nothing), and
 * Deno KV takes at most 800 KiB of mutations in one (40000 points and a rewritten partial chunk
 * stay under it).
 */
export const KV_MAX_BATCH = 40_000;
// how long a publish waits for this instance's mirror before answering anyway
const MIRROR_WAIT_MS = 1000;

/** Per channel: the seq of the newest point appended, and of the newest point cleared. */
interface Meta {
  lastSeq: number;
  clearedSeq: number;
}

export interface KvOptions {
  /** the database file; null opens the default store (the global one on Deno Deploy) */
  path: string | null;
  capacity: number;
  maxChannels: number;
  /** how often to look for commits made by other processes on the same file */
  pollMs: number;
  log: Logger;
}

interface Waiting {
  x: Values;
  y: Values;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

const CHANNELS: Deno.KvKey = ["osc", "channels"];
// bumped by every commit; one key to watch however many channels there are (watch takes 10)
const VERSION: Deno.KvKey = ["osc", "version"];
const metaKey = (name: string): Deno.KvKey => ["osc", "meta", name];
const chunkKey = (name: string, k: number): Deno.KvKey => [
  "osc",
  "chunk",
  name,
  k,
];
/** The chunk holding seq `seq`: chunk k holds seqs k*C+1 … (k+1)*C. */
const chunkOf = (seq: number) => Math.floor((seq - 1) / CHUNK_POINTS);

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
    if (path !== null) await mkdir(dirname(path), { recursive: true });
    this.#kv = await Deno.openKv(path ?? undefined);
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

  async clear(channel: string | null): Promise<Record<string, number>> {
    const kv = this.#open();
    const names = channel === null
      ? (await kv.get<string[]>(CHANNELS)).value ?? []
      : [channel];
    const cleared: Record<string, number> = {};
    for (const name of names) {
      let meta: Meta | null = null;
      for (let attempt = 0; meta === null; attempt++) {
        const entry = await lockRetried(() => kv.get<Meta>(metaKey(name)));
        if (entry.value === null) break;
        const { lastSeq } = entry.value;
        const res = await lockRetried(() =>
          kv.atomic().check(entry)
            .set(metaKey(name), { lastSeq, clearedSeq: lastSeq })
            .sum(VERSION, 1n).commit()
        );
        if (res.ok) meta = entry.value;
        else await contended(attempt);
      }
      if (meta === null) continue;
      const { capacity } = this.options;
      cleared[name] = meta.lastSeq -
        Math.max(meta.clearedSeq, meta.lastSeq - capacity, 0);
      // the meta above already hides the points; deleting their chunks only frees space, so
      // it need not be atomic. The chunk seq lastSeq+1 falls in may be receiving new points.
      const from = Math.floor(
        Math.max(0, meta.lastSeq - capacity) / CHUNK_POINTS,
      );
      const to = chunkOf(meta.lastSeq + 1);
      for (let k = from; k < to; k += 500) {
        const op = kv.atomic();
        for (let j = k; j < Math.min(to, k + 500); j++) {
          op.delete(chunkKey(name, j));
        }
        // best effort: the clear is already committed, so a failure here must not turn into a 500
        await lockRetried(() => op.commit()).catch(() => {});
      }
      await this.#sync(name).catch(() => {});
    }
    return cleared;
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
          const results = await lockRetried(() => this.#commit(channel, group));
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

  /** One atomic commit of several batches; retried while another instance wins the race. */
  async #commit(channel: string, group: Waiting[]): Promise<AppendResult[]> {
    const kv = this.#open();
    const { capacity, maxChannels } = this.options;
    const n = group.reduce((sum, w) => sum + w.x.length, 0);
    for (let attempt = 0;; attempt++) {
      const [namesEntry, metaEntry] = await kv.getMany<[string[], Meta]>([
        CHANNELS,
        metaKey(channel),
      ]);
      const names = namesEntry.value ?? [];
      const known = names.includes(channel);
      if (!known && names.length >= maxChannels) {
        return group.map(() => ({ ok: false, reason: "too_many_channels" }));
      }
      const meta = metaEntry.value ?? { lastSeq: 0, clearedSeq: 0 };
      const last = meta.lastSeq;
      const op = kv.atomic().check(metaEntry);
      if (!known) op.check(namesEntry).set(CHANNELS, [...names, channel]);
      // points go on where the last commit stopped, rewriting its partial chunk
      let k = chunkOf(last + 1);
      let offset = last - k * CHUNK_POINTS;
      let chunk = new Float64Array(
        2 * Math.min(CHUNK_POINTS, offset + n),
      );
      if (offset > 0) {
        const prev = (await kv.get<Uint8Array>(chunkKey(channel, k))).value;
        // a cleared chunk may be gone: its points are below clearedSeq and never read
        if (prev) chunk.set(asFloat64(prev).subarray(0, 2 * offset));
      }
      let left = n;
      for (const w of group) {
        for (let i = 0; i < w.x.length; i++) {
          chunk[2 * offset] = w.x[i];
          chunk[2 * offset + 1] = w.y[i];
          offset++;
          left--;
          if (offset === CHUNK_POINTS || left === 0) {
            op.set(chunkKey(channel, k), new Uint8Array(chunk.buffer));
            k++;
            offset = 0;
            chunk = new Float64Array(2 * Math.min(CHUNK_POINTS, left));
          }
        }
      }
      const newLast = last + n;
      op.set(metaKey(channel), {
        lastSeq: newLast,
        clearedSeq: meta.clearedSeq,
      });
      // whole chunks that fell out of the capacity
      const dead = (seq: number) =>
        Math.floor(Math.max(0, seq - capacity) / CHUNK_POINTS);
      for (let d = dead(last); d < dead(newLast); d++) {
        op.delete(chunkKey(channel, d));
      }
      op.sum(VERSION, 1n);
      const res = await op.commit();
      if (res.ok) {
        let seq = last;
        return group.map((w) => ({ ok: true, seq: seq += w.x.length }));
      }
      await contended(attempt);
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
    if (meta === null) return;
    const { channels } = this.mirror;
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
    const x = new Float64Array(Math.max(0, to - from + 1));
    const y = new Float64Array(x.length);
    // the newest run of points with no chunk missing (a clear or trim may race this read)
    let start = from;
    if (from <= to) {
      let expected = chunkOf(from);
      for await (
        const entry of kv.list<Uint8Array>({
          start: chunkKey(name, chunkOf(from)),
          end: chunkKey(name, chunkOf(to) + 1),
        })
      ) {
        const k = entry.key[3] as number;
        if (k !== expected) start = Math.max(start, k * CHUNK_POINTS + 1);
        expected = k + 1;
        const values = asFloat64(entry.value);
        const lo = Math.max(from, k * CHUNK_POINTS + 1);
        const hi = Math.min(to, k * CHUNK_POINTS + values.length / 2);
        if (hi < Math.min(to, (k + 1) * CHUNK_POINTS)) {
          // a partial chunk shorter than the meta says: written by a commit that lost
          start = Math.max(start, hi + 1);
        }
        for (let seq = lo; seq <= hi; seq++) {
          const i = 2 * (seq - 1 - k * CHUNK_POINTS);
          x[seq - from] = values[i];
          y[seq - from] = values[i + 1];
        }
      }
      if (expected !== chunkOf(to) + 1) start = to + 1;
    }
    const skip = start - from;
    mirrorBatch(
      this.mirror,
      name,
      skip > 0 ? x.subarray(skip) : x,
      skip > 0 ? y.subarray(skip) : y,
      to,
    );
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

/**
 * Runs `fn` again while SQLite reports the file locked by another process sharing it: a race
 * like a failed check, and nothing was written.
 */
async function lockRetried<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!/database is locked/.test(String(e))) throw e;
      await contended(attempt);
    }
  }
}

/** Waits a little longer after each lost race, so contending instances spread out. */
function contended(attempt: number): Promise<void> {
  if (attempt > 100) {
    throw new StoreUnavailable("the kv store is too contended to commit");
  }
  const ms = Math.min(50, attempt) * Math.random();
  return new Promise((r) => setTimeout(r, ms));
}

/** A stored chunk as numbers; KV hands back bytes with no alignment promise. */
function asFloat64(bytes: Uint8Array): Float64Array {
  if (bytes.byteOffset % 8 === 0) {
    return new Float64Array(
      bytes.buffer,
      bytes.byteOffset,
      bytes.byteLength / 8,
    );
  }
  return new Float64Array(bytes.slice().buffer);
}
