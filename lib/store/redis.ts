import type { Buffer } from "node:buffer";
import type { Redis } from "ioredis";
import type { AppendResult } from "./channels.ts";
import {
  entryPoints,
  fieldMap,
  packPoints,
  type StreamReply,
} from "./redis_entries.ts";
import {
  redisClients,
  type RedisKeys,
  redisKeys,
  type Scripts,
} from "./redis_scripts.ts";
import type { Values } from "../shared/ring_buffer.ts";
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

export interface RedisOptions {
  url: string;
  /** prefix of every key, so several oscilloscopes can share one server */
  prefix: string;
  capacity: number;
  maxChannels: number;
  log: StoreLog;
}

// how long a publish waits for this instance's follower before answering anyway
const MIRROR_WAIT_MS = 1000;

/**
 * Redis Streams: one stream per channel, each entry a batch whose ID is the seq of its last
 * point, so every instance reads the same numbering. Each instance follows all streams with a
 * blocking XREAD on a connection of its own and mirrors what it reads, whoever wrote it.
 * While Redis is unreachable, publishes fail at once with StoreUnavailable (a 503) instead of
 * queueing; the follower retries and catches up from where it stopped when Redis returns.
 */
export class RedisStore implements Store {
  readonly kind = "redis";
  readonly #client: Redis & Scripts;
  readonly #reader: Redis;
  readonly #keys: RedisKeys;
  // the last entry mirrored from each channel's stream
  readonly #ids = new Map<string, string>();
  readonly #cleared = new Map<string, number>();
  #eventsId = "0-0";
  // set when Redis first holds our keys; a different (or no) epoch means it lost them
  #epoch: string | null = null;
  #loaded = false;
  #closed = false;
  #following: Promise<void> = Promise.resolve();
  #down = false;
  readonly #waiters = new MirrorWaiters();

  constructor(readonly mirror: Mirror, readonly options: RedisOptions) {
    this.#keys = redisKeys(options.prefix);
    const { client, reader } = redisClients(options.url);
    this.#client = client;
    this.#reader = reader;
    for (
      const [role, client] of [["client", this.#client], [
        "reader",
        this.#reader,
      ]] as const
    ) {
      client.on("error", (e: Error) => this.#failed(role, e));
      client.on("ready", () => this.#recovered());
    }
  }

  get health(): StoreHealth {
    return this.#client.status === "ready" && !this.#down ? "ok" : "down";
  }

  async open(): Promise<void> {
    // a Redis that is down at start-up is waited for, not fatal: the page and /healthz say so
    await Promise.allSettled([this.#client.connect(), this.#reader.connect()]);
    try {
      await this.#load();
    } catch (e) {
      this.#failed("reader", e as Error);
    }
    this.#following = this.#follow();
  }

  async append(channel: string, x: Values, y: Values): Promise<AppendResult> {
    const k = this.#keys;
    const points = packPoints(x, y);
    let last: number;
    try {
      last = await this.#client.oscAppend(
        k.channels,
        k.order,
        k.seq(channel),
        k.stream(channel),
        k.events,
        k.epoch,
        k.floor,
        channel,
        x.length,
        this.options.capacity,
        this.options.maxChannels,
        points,
        this.#epoch ?? "",
      );
    } catch (e) {
      throw this.#unavailable(e);
    }
    this.#succeeded();
    if (last === -1) return { ok: false, reason: "too_many_channels" };
    if (last === -2) {
      // Redis lost its data (or this instance has not loaded yet): reload before numbering
      this.#loaded = false;
      throw new StoreUnavailable("redis lost its data; reloading");
    }
    // answer once this instance's follower has it too, so what a publisher reads back (or a
    // viewer here sees) includes it; the follower is one XREAD behind at most
    if ((this.mirror.channels.get(channel)?.lastSeq ?? 0) < last) {
      await this.#waiters.wait(channel, last, MIRROR_WAIT_MS);
    }
    return { ok: true, seq: last };
  }

  async remove(channel: string | null): Promise<Record<string, number>> {
    const k = this.#keys;
    const removed: Record<string, number> = {};
    try {
      const names = channel === null
        ? await this.#client.zrange(k.channels, 0, -1)
        : [channel];
      for (const name of names) {
        const [seq, held] = await this.#client.oscRemove(
          k.channels,
          k.seq(name),
          k.stream(name),
          k.cleared(name),
          k.events,
          k.floor,
          name,
          this.options.capacity,
        );
        if (seq < 0) continue;
        removed[name] = held;
        this.#removeMirror(name, seq);
      }
    } catch (e) {
      throw this.#unavailable(e);
    }
    return removed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    // the blocked XREAD ends with the connection
    this.#reader.disconnect();
    await this.#following;
    this.#waiters.releaseAll();
    await this.#client.quit().catch(() => this.#client.disconnect());
  }

  #unavailable(e: unknown): StoreUnavailable {
    this.#failed("client", e as Error);
    return new StoreUnavailable(
      `redis is unavailable (${(e as Error)?.message ?? e})`,
    );
  }

  #failed(role: string, e: Error): void {
    if (this.#closed) return;
    if (!this.#down) {
      this.options.log.log("error", "redis unavailable", {
        role,
        error: e.message,
      });
    }
    this.#down = true;
  }

  /** A command answered: whatever failed before (an OOM refusal, a timeout) is over. */
  #succeeded(): void {
    if (this.#down) this.#recovered();
  }

  #recovered(): void {
    if (this.#client.status !== "ready" || this.#reader.status !== "ready") {
      return;
    }
    if (this.#down) this.options.log.log("info", "redis reachable again");
    this.#down = false;
  }

  /** Reads what the store holds beyond what the mirror has, channel by channel, in order. */
  async #load(): Promise<void> {
    const k = this.#keys;
    const r = this.#reader;
    await r.set(k.epoch, crypto.randomUUID(), "NX");
    const epoch = await r.get(k.epoch);
    if (this.#epoch !== null && epoch !== this.#epoch) {
      // what this instance mirrored is gone from Redis and seqs start again at 1: start over
      this.options.log.log(
        "warn",
        "redis lost its data; the mirror starts over",
      );
      this.#ids.clear();
      this.#cleared.clear();
      this.mirror.channels.reset();
      this.mirror.reset?.();
    }
    this.#epoch = epoch;
    const last = await r.xrevrange(k.events, "+", "-", "COUNT", 1);
    const eventsId = last[0]?.[0] ?? "0-0";
    const listed = await r.zrange(k.channels, 0, -1);
    // removed while this instance was not following
    for (const name of this.mirror.channels.names()) {
      if (!listed.includes(name)) {
        this.#removeMirror(name, this.mirror.channels.get(name)!.lastSeq);
      }
    }
    for (const name of listed) {
      const cleared = Number(await r.get(k.cleared(name)) ?? 0);
      this.#clearMirror(name, cleared);
      for (;;) {
        const from = this.#ids.get(name);
        const entries = await r.xrangeBuffer(
          k.stream(name),
          from ? `(${from}` : "-",
          "+",
          "COUNT",
          1000,
        ) as [Buffer, Buffer[]][];
        for (const entry of entries) this.#mirrorEntry(name, entry);
        if (entries.length < 1000) break;
      }
      if (!this.#ids.has(name)) this.#ids.set(name, "0-0");
    }
    this.#eventsId = eventsId;
    this.#loaded = true;
  }

  /** Follows every stream with blocking reads until closed; reloads after a failure. */
  async #follow(): Promise<void> {
    const k = this.#keys;
    while (!this.#closed) {
      try {
        if (!this.#loaded) await this.#load();
        const names = [...this.#ids.keys()];
        const reply = await this.#reader.xreadBuffer(
          "COUNT",
          1000,
          "BLOCK",
          1000,
          "STREAMS",
          k.events,
          ...names.map(k.stream),
          this.#eventsId,
          ...names.map((n) => this.#ids.get(n)!),
        ) as StreamReply | null;
        this.#succeeded();
        if (reply === null) {
          if (await this.#reader.get(k.epoch) !== this.#epoch) {
            this.#loaded = false;
          }
          continue;
        }
        const byKey = new Map(
          reply.map(([key, entries]) => [String(key), entries]),
        );
        // events first: a new channel joins the next read; a clear applies by seq, so
        // applying it before or after the same read's points gives the same result; a
        // removal drops the points this read holds from before it (a re-created channel's
        // number above it)
        const removedAt = new Map<string, number>();
        for (const [id, fields] of byKey.get(k.events) ?? []) {
          this.#eventsId = String(id);
          const event = fieldMap(fields);
          const name = event.get("channel");
          if (name === undefined) continue;
          const type = event.get("type");
          if (type === "channel" && !this.#ids.has(name)) {
            this.#ids.set(name, "0-0");
          } else if (type === "clear") {
            this.#clearMirror(name, Number(event.get("seq")));
          } else if (type === "remove") {
            const seq = Number(event.get("seq"));
            removedAt.set(name, seq);
            this.#removeMirror(name, seq);
          }
        }
        for (const name of names) {
          const removed = removedAt.get(name) ?? 0;
          for (const entry of byKey.get(k.stream(name)) ?? []) {
            if (entrySeq(entry) > removed) this.#mirrorEntry(name, entry);
          }
        }
      } catch (e) {
        if (this.#closed) break;
        this.#failed("reader", e as Error);
        this.#loaded = false;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  #removeMirror(name: string, seq: number): void {
    this.#cleared.delete(name);
    // the follower reads it again from the start once it is re-created (a "channel" event)
    this.#ids.delete(name);
    mirrorRemove(this.mirror, name, seq);
    this.#waiters.reached(name, seq);
  }

  #clearMirror(name: string, seq: number): void {
    if (seq <= (this.#cleared.get(name) ?? 0)) return;
    this.#cleared.set(name, seq);
    mirrorClear(this.mirror, name, seq);
    // publishes waiting for an entry the clear trimmed before the follower read it
    this.#waiters.reached(name, seq);
  }

  /** Mirrors one stream entry, without the points a clear has removed since it was written. */
  #mirrorEntry(name: string, [id, fields]: [Buffer, Buffer[]]): void {
    this.#ids.set(name, String(id));
    const lastSeq = entrySeq([id, fields]);
    const points = entryPoints(fields, lastSeq, this.#cleared.get(name) ?? 0);
    if (points === null) return;
    if (points.x.length === 0) return this.#waiters.reached(name, lastSeq);
    const { x, y } = points;
    mirrorBatch(this.mirror, name, x, y, lastSeq);
    this.#waiters.reached(name, lastSeq);
  }
}

/** The seq of a stream entry's last point: its ID is `<seq>-0`. */
function entrySeq([id]: [Buffer, Buffer[]]): number {
  const key = String(id);
  return Number(key.slice(0, key.indexOf("-")));
}
