// The atomic commits KvStore makes on Deno KV: appending batches and removing a channel.
// Each is checked against the channel's meta, so seqs stay unique and ordered however many
// instances share the store.
import type { AppendResult } from "./channels.ts";
import {
  CHANNELS,
  CHUNK_POINTS,
  chunkKey,
  chunkOf,
  fillChunks,
  firstLiveChunk,
  FLOOR,
  type Meta,
  metaKey,
  startAfter,
  VERSION,
} from "./kv_layout.ts";
import { contended, lockRetried } from "./kv_retry.ts";
import type { Values } from "../shared/ring_buffer.ts";

/**
 * One atomic commit of several batches onto `channel`; retried while another instance wins the
 * race. Returns each batch's result in order; rejects with StoreUnavailable when too contended.
 */
export async function commitAppend(
  kv: Deno.Kv,
  channel: string,
  group: readonly { x: Values; y: Values }[],
  limits: { capacity: number; maxChannels: number },
): Promise<AppendResult[]> {
  const { capacity, maxChannels } = limits;
  const n = group.reduce((sum, w) => sum + w.x.length, 0);
  for (let attempt = 0;; attempt++) {
    const [namesEntry, metaEntry, floorEntry] = await kv.getMany<
      [string[], Meta, number]
    >([CHANNELS, metaKey(channel), FLOOR]);
    const names = namesEntry.value ?? [];
    const known = names.includes(channel);
    if (!known && names.length >= maxChannels) {
      return group.map(() => ({ ok: false, reason: "too_many_channels" }));
    }
    // a new channel starts above every removed one; its seqs up to there read as cleared
    const start = startAfter(floorEntry.value ?? 0);
    const meta = metaEntry.value ?? { lastSeq: start, clearedSeq: start };
    const last = meta.lastSeq;
    const op = kv.atomic().check(metaEntry);
    if (!known) {
      op.check(namesEntry, floorEntry).set(CHANNELS, [...names, channel]);
    }
    // the partial chunk the last commit ended in is rewritten with the new points after it
    const partial = chunkOf(last + 1);
    const prev = last > partial * CHUNK_POINTS
      ? (await kv.get<Uint8Array>(chunkKey(channel, partial))).value
      : null;
    for (const [k, bytes] of fillChunks(last, prev, group)) {
      op.set(chunkKey(channel, k), bytes);
    }
    const newLast = last + n;
    op.set(metaKey(channel), {
      lastSeq: newLast,
      clearedSeq: meta.clearedSeq,
    });
    // whole chunks that fell out of the capacity
    const dead = firstLiveChunk(newLast, capacity);
    for (let d = firstLiveChunk(last, capacity); d < dead; d++) {
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

/**
 * Removes channel `name` in one commit: out of the channel list (its slot is free), its meta
 * gone, the store's floor raised to its last seq. Returns the meta it had, or null for a
 * channel with none. Its chunks are left for `deleteChunks`.
 */
export async function commitRemove(
  kv: Deno.Kv,
  name: string,
): Promise<Meta | null> {
  for (let attempt = 0;; attempt++) {
    const [namesEntry, metaEntry, floorEntry] = await lockRetried(() =>
      kv.getMany<[string[], Meta, number]>([CHANNELS, metaKey(name), FLOOR])
    );
    const meta = metaEntry.value;
    if (meta === null) return null;
    const res = await lockRetried(() =>
      kv.atomic().check(namesEntry, metaEntry, floorEntry)
        .set(CHANNELS, (namesEntry.value ?? []).filter((n) => n !== name))
        .delete(metaKey(name))
        .set(FLOOR, Math.max(floorEntry.value ?? 0, meta.lastSeq))
        .sum(VERSION, 1n).commit()
    );
    if (res.ok) return meta;
    await contended(attempt);
  }
}

/**
 * Deletes the chunks of a removed channel that held seqs up to `lastSeq`; never rejects. A
 * channel of the same name created since starts in a later chunk, so none of its are touched.
 */
export async function deleteChunks(
  kv: Deno.Kv,
  name: string,
  lastSeq: number,
  capacity: number,
): Promise<void> {
  // the meta is gone already; deleting the chunks only frees space, so it need not be atomic
  const from = firstLiveChunk(lastSeq, capacity);
  const to = chunkOf(lastSeq) + 1;
  for (let k = from; k < to; k += 500) {
    const op = kv.atomic();
    for (let j = k; j < Math.min(to, k + 500); j++) {
      op.delete(chunkKey(name, j));
    }
    // best effort: the removal is already committed, so a failure here must not turn into a 500
    await lockRetried(() => op.commit()).catch(() => {});
  }
}
