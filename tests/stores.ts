// What the store tests share: reading back every stored point, and publishers that say which
// of their points were acknowledged.
import assert from "node:assert/strict";
import { post, send } from "./helpers.ts";

export interface Row {
  channel: string;
  seq: number;
  x: number;
  y: number;
}

/** Every point an instance holds, from its CSV export (channel,seq,x,y). */
export async function storedRows(base: string): Promise<Row[]> {
  const res = await send(`${base}/data?format=csv`);
  assert.equal(res.status, 200, res.text);
  return res.text.trim().split("\n").slice(1).filter((l) => l !== "").map(
    (line) => {
      const [channel, seq, x, y] = line.split(",");
      return { channel, seq: Number(seq), x: Number(x), y: Number(y) };
    },
  );
}

/**
 * Publisher `id` posts `batches` batches of `size` points, one after another, to `base`; point
 * k of publisher id has x = id * 1e6 + k, so a reader can tell whose it is and in what order.
 * Returns the seq each acknowledged batch ended at.
 */
export async function publishBatches(
  base: string,
  id: number,
  batches: number,
  size: number,
  channel = "shared",
): Promise<number[]> {
  const acked: number[] = [];
  for (let b = 0; b < batches; b++) {
    const x = Array.from({ length: size }, (_, i) => id * 1e6 + b * size + i);
    const res = await post(base, { channel, x, y: x.map((v) => v % 1000) });
    assert.equal(res.status, 200, res.text);
    acked.push(res.json.seq);
  }
  return acked;
}

/**
 * Checks that `rows` of one channel hold every point of `publishers` publishers × `perPublisher`
 * points exactly once, numbered 1…N without a gap, each publisher's points in the order sent.
 */
export function assertExactlyOnce(
  rows: Row[],
  publishers: number,
  perPublisher: number,
): void {
  const total = publishers * perPublisher;
  assert.equal(rows.length, total, `${rows.length} rows, expected ${total}`);
  assert.deepEqual(
    rows.map((r) => r.seq),
    Array.from({ length: total }, (_, i) => i + 1),
    "seqs 1…N in order, none missing or repeated",
  );
  for (let id = 0; id < publishers; id++) {
    const mine = rows.filter((r) => Math.floor(r.x / 1e6) === id).map((r) =>
      r.x - id * 1e6
    );
    assert.deepEqual(
      mine,
      Array.from({ length: perPublisher }, (_, i) => i),
      `publisher ${id}: every point once, in order`,
    );
  }
}

/** Polls `check` until it stops throwing, or rethrows its last error after `timeoutMs`. */
export async function eventually(
  check: () => Promise<void> | void,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
