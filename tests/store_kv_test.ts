// OSC_STORE=kv: Deno KV on a local file, as a container would run it, and as two processes
// sharing one file. Restart tests run the server as its own process and kill it with SIGKILL.
import assert from "node:assert/strict";
import { startOscilloscope } from "../tools/bench/procs.ts";
import { CHUNK_POINTS, KV_MAX_BATCH } from "../lib/store/kv_layout.ts";
import { post, send, withServer } from "./helpers.ts";
import {
  assertExactlyOnce,
  eventually,
  publishBatches,
  storedRows,
} from "./stores.ts";
import { viewer } from "./viewers.ts";

async function kvEnv(extra: Record<string, string> = {}) {
  const dir = await Deno.makeTempDir({ prefix: "osc-kv-" });
  return {
    dir,
    env: {
      OSC_STORE: "kv",
      OSC_KV_PATH: `${dir}/scope.kv`,
      OSC_PUBLISH_RATE: "0",
      ...extra,
    },
  };
}

Deno.test("kv - two instances on one database: no point lost or repeated, seqs agree", async () => {
  const { dir, env } = await kvEnv();
  try {
    await withServer(env, (a) =>
      withServer(env, async (b) => {
        const v = viewer(b);
        await v.opened;
        // 4 publishers, two on each instance, all on one channel at once
        const acked = await Promise.all(
          [a, b, a, b].map((base, id) => publishBatches(base, id, 25, 10)),
        );
        const seqs = acked.flat().sort((p, q) => p - q);
        assert.equal(new Set(seqs).size, 100, "every batch got its own seqs");
        assert.equal(seqs.at(-1), 1000);
        for (const base of [a, b]) {
          await eventually(async () =>
            assertExactlyOnce(await storedRows(base), 4, 250)
          );
        }
        // B's viewer saw every point, including A's, in seq order
        await v.until((ms) =>
          ms.some((m) => m.type !== "clear" && m.seq === 1000)
        );
        let last = 0;
        for (const m of v.messages) {
          if (m.type !== "points") continue;
          assert.ok(m.seq - m.x.length >= last, `seq ${m.seq} after ${last}`);
          last = m.seq;
        }
        await v.close();
      }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv - points are stored in chunks and the capacity is enforced", async () => {
  const { dir, env } = await kvEnv({ OSC_CAPACITY: "5000" });
  try {
    await withServer(env, async (base) => {
      for (let b = 0; b < 20; b++) {
        const x = Array.from({ length: 1000 }, (_, i) => b * 1000 + i);
        assert.equal((await post(base, { x, y: x })).status, 200);
      }
      const rows = await storedRows(base);
      assert.equal(rows.length, 5000);
      assert.equal(rows[0].seq, 15001);
      assert.equal(rows[0].x, 15000);
      const kv = await Deno.openKv(env.OSC_KV_PATH);
      try {
        let chunks = 0;
        for await (const _ of kv.list({ prefix: ["osc", "chunk"] })) chunks++;
        // the chunks that hold the newest 5000 points, and no more
        assert.ok(
          chunks <= Math.ceil(5000 / CHUNK_POINTS) + 1,
          `${chunks} chunks kept`,
        );
      } finally {
        kv.close();
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv - a removal reaches every instance and seqs keep counting above it", async () => {
  const { dir, env } = await kvEnv();
  try {
    await withServer(env, (a) =>
      withServer(env, async (b) => {
        await post(a, { channel: "c", x: [1, 2, 3], y: [1, 2, 3] });
        await eventually(async () =>
          assert.equal((await storedRows(b)).length, 3)
        );
        const cleared = await send(`${b}/data?channel=c`, { method: "DELETE" });
        assert.deepEqual(cleared.json, {
          status: "success",
          cleared: { c: 3 },
        });
        await eventually(async () =>
          assert.equal((await storedRows(a)).length, 0)
        );
        // a new channel starts above the removed one, at a whole chunk
        const next = await post(a, { channel: "c", x: [4], y: [4] });
        assert.equal(next.json.seq, CHUNK_POINTS + 1);
        await eventually(async () =>
          assert.deepEqual(
            (await storedRows(b)).map((r) => [r.seq, r.x]),
            [[CHUNK_POINTS + 1, 4]],
          )
        );
      }));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv - a batch bigger than one commit can carry is refused whole with 413", async () => {
  const { dir, env } = await kvEnv();
  try {
    await withServer(env, async (base) => {
      const n = KV_MAX_BATCH + 1;
      // little-endian float64 pairs x0, y0, x1, y1, …
      const pairs = Float64Array.from({ length: 2 * n }, (_, i) => i >> 1);
      const res = await send(`${base}/data`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: pairs,
      });
      assert.equal(res.status, 413);
      assert.equal(res.json.field, "points");
      assert.match(res.json.message, /at most 40000 points/);
      assert.equal((await storedRows(base)).length, 0, "nothing stored");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kv - after kill -9 a restarted server has every acknowledged point, same seqs", async () => {
  const { dir, env } = await kvEnv();
  let server = await startOscilloscope(env);
  try {
    // 1000 points in 100 acknowledged batches, then a crash with no chance to flush
    const acked = await publishBatches(server.base, 0, 100, 10, "default");
    assert.equal(acked.at(-1), 1000);
    const before = await storedRows(server.base);
    await server.kill();
    server = await startOscilloscope(env);
    const after = await storedRows(server.base);
    assert.equal(after.length, 1000);
    assert.deepEqual(after, before);
    // and numbering goes on from there, seen by a second process on the same file (which
    // learns of the other's commits by polling: KV's watch only sees its own process)
    const other = await startOscilloscope(env);
    try {
      assert.equal((await storedRows(other.base)).length, 1000);
      const next = await post(server.base, { x: 1, y: 1 });
      assert.equal(next.json.seq, 1001);
      await eventually(async () =>
        assert.equal((await storedRows(other.base)).at(-1)?.seq, 1001)
      );
    } finally {
      await other.stop();
    }
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
