// The atomic commits KvStore makes on Deno KV: appending batches and clearing a channel.
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
  type Meta,
  metaKey,
  VERSION,
} from "./kv_layout.ts";
import { contended, lockRetried } from "./kv_retry.ts";
import type { Values } from "./ring_buffer.ts";

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
 * Marks every point of channel `name` cleared, in one commit checked against its meta. Returns
 * the meta from before the clear, or null for a channel with none.
 */
export async function commitClear(
  kv: Deno.Kv,
  name: string,
): Promise<Meta | null> {
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
  return meta;
}

/** Deletes the chunks a clear through seq `lastSeq` left behind; never rejects. */
export async function deleteClearedChunks(
  kv: Deno.Kv,
  name: string,
  lastSeq: number,
  capacity: number,
): Promise<void> {
  // the meta already hides the points; deleting their chunks only frees space, so it need
  // not be atomic. The chunk seq lastSeq+1 falls in may be receiving new points.
  const from = firstLiveChunk(lastSeq, capacity);
  const to = chunkOf(lastSeq + 1);
  for (let k = from; k < to; k += 500) {
    const op = kv.atomic();
    for (let j = k; j < Math.min(to, k + 500); j++) {
      op.delete(chunkKey(name, j));
    }
    // best effort: the clear is already committed, so a failure here must not turn into a 500
    await lockRetried(() => op.commit()).catch(() => {});
  }
}
