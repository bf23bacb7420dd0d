// Overload as an operator would meet it: one client publishing far above its rate limit, and a
// viewer whose socket never drains. Neither may cost anyone else service, store what was refused,
// or grow the server's memory with the volume of data.
import assert from "node:assert/strict";
import { encodePoints, type ServerMessage } from "../lib/shared/wire.ts";
import { post, send, withServer } from "./helpers.ts";
import { stalledViewer, viewer } from "./viewers.ts";

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Opens /ws over a raw TCP connection and reads (and drops) everything the server sends. */
async function drainingViewer(base: string) {
  const conn = await stalledViewer(base);
  let total = 0;
  const done = (async () => {
    const buf = new Uint8Array(64 * 1024);
    try {
      for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) {
        total += n;
      }
    } catch {
      // closed under the read by close() below
    }
  })();
  return {
    bytes: () => total,
    async close() {
      conn.close();
      await done;
    },
  };
}

Deno.test("overload - a publisher far above the rate limit gets 429s while a polite publisher and a viewer keep working", async () => {
  const env = {
    OSC_TRUST_PROXY: "1",
    OSC_PUBLISH_RATE: "50",
    OSC_PUBLISH_BURST: "50",
  };
  await withServer(env, async (base, app) => {
    const watcher = viewer(base);
    try {
      await watcher.opened;
      const FLOOD_REQUESTS = 2000;
      const FLOOD_WORKERS = 20;
      const SPREAD_MS = 2000;
      const POLITE_POSTS = 20; // 10 per second for the same two seconds
      const flood = { ok: 0, limited: 0, other: [] as string[] };
      const badRefusals: string[] = [];
      const polite: { status: number; ms: number }[] = [];
      const started = performance.now();

      // address A: 1000 requests/s against a budget of 50/s, 20 in flight at a time
      let next = 0;
      const floodWorker = async () => {
        for (let i = next++; i < FLOOD_REQUESTS; i = next++) {
          await sleep(
            started + (i * SPREAD_MS) / FLOOD_REQUESTS - performance.now(),
          );
          const r = await post(base, { x: i, y: -1 }, {
            query: "?channel=flood",
            headers: { "x-forwarded-for": "10.0.0.1" },
          });
          if (r.status === 200) flood.ok++;
          else if (r.status === 429) {
            flood.limited++;
            const retry = r.headers.get("retry-after");
            if (
              !/^[1-9]\d*$/.test(retry ?? "") || r.json?.status !== "error" ||
              typeof r.json?.message !== "string" || r.json?.field !== "rate"
            ) {
              badRefusals.push(`retry-after ${retry}: ${r.text.slice(0, 120)}`);
            }
          } else flood.other.push(`${r.status} ${r.text.slice(0, 120)}`);
        }
      };
      // address B: 10 posts a second, well inside its own budget
      const politePublisher = async () => {
        for (let i = 0; i < POLITE_POSTS; i++) {
          await sleep(started + i * 100 - performance.now());
          const t0 = performance.now();
          const r = await post(base, { x: i, y: 1000 + i }, {
            query: "?channel=polite",
            headers: { "x-forwarded-for": "10.0.0.2" },
          });
          polite.push({ status: r.status, ms: performance.now() - t0 });
        }
      };
      await Promise.all([
        ...Array.from({ length: FLOOD_WORKERS }, floodWorker),
        politePublisher(),
      ]);
      const elapsedS = (performance.now() - started) / 1000;

      // A: nearly everything refused, each refusal a proper 429
      assert.deepEqual(flood.other, [], "A only ever got 200 or 429");
      assert.equal(flood.ok + flood.limited, FLOOD_REQUESTS);
      assert.deepEqual(
        badRefusals,
        [],
        "every 429 has Retry-After and a JSON error",
      );
      assert.ok(
        flood.limited > 0.8 * FLOOD_REQUESTS,
        `${flood.limited} refused`,
      );
      // the bucket lets through its burst plus 50/s of refill, and not a request more
      assert.ok(flood.ok >= 50, `${flood.ok} accepted`);
      assert.ok(
        flood.ok <= 50 + Math.ceil(50 * elapsedS) + 1,
        `${flood.ok} accepted in ${elapsedS.toFixed(2)} s`,
      );
      // nothing from a refused request was stored: the channel holds exactly the 200s
      const stored = await send(`${base}/data?channel=flood`);
      assert.equal(stored.json.channels.flood.seq, flood.ok);
      assert.equal(stored.json.channels.flood.x.length, flood.ok);
      assert.equal(
        app.state.metrics.value("osc_publish_rejected_total", {
          reason: "rate_limited",
        }),
        flood.limited,
      );

      // B: never refused, never held up by A
      assert.deepEqual(
        polite.map((p) => p.status),
        Array(POLITE_POSTS).fill(200),
      );
      const slowest = Math.max(...polite.map((p) => p.ms));
      assert.ok(slowest < 1000, `a polite post took ${slowest.toFixed(0)} ms`);
      const b = await send(`${base}/data?channel=polite`);
      assert.deepEqual(
        b.json.channels.polite.y,
        Array.from({ length: POLITE_POSTS }, (_, i) => 1000 + i),
      );

      // the viewer saw every one of B's points, in order
      const politeYs = (m: ServerMessage[]) =>
        m.flatMap((x) => "y" in x && x.channel === "polite" ? x.y : []);
      await watcher.until((m) => politeYs(m).length >= POLITE_POSTS);
      assert.deepEqual(
        politeYs(watcher.messages),
        Array.from({ length: POLITE_POSTS }, (_, i) => 1000 + i),
      );
      assert.equal((await send(`${base}/healthz`)).status, 200);
    } finally {
      await watcher.close();
    }
  });
});

const MIB = 1024 * 1024;
const VIEWER_MAX_BUFFER = 256 * 1024;
const STALL_ENV = {
  OSC_VIEWER_MAX_BUFFER: "256KiB",
  OSC_VIEWER_STALL_MS: "60000",
  OSC_PUBLISH_RATE: "0",
};
// 20000 points per POST (the most one viewer message carries), sent as binary float64 pairs:
// 320 KB a request, and 0.48 MB as the JSON message each viewer is sent
const POINTS = 20_000;
const xs = Float64Array.from({ length: POINTS }, (_, i) => i);
const ys = xs.map((x) => Math.sin(x / 100) * 1000);
const batch = (() => {
  const pairs = new Float64Array(2 * POINTS);
  for (let i = 0; i < POINTS; i++) {
    pairs[2 * i] = xs[i];
    pairs[2 * i + 1] = ys[i];
  }
  return new Uint8Array(pairs.buffer);
})();
/** the size of one such batch as a viewer's JSON message (with a seq longer than any here) */
const FRAME_BYTES = encodePoints("points", "bulk", 1e12, xs, ys).length;

function publishBatch(base: string) {
  return send(`${base}/data?channel=bulk`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: batch,
  });
}

/** The value of one series in /metrics text, 0 when absent. */
function metric(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

Deno.test("overload - a viewer that never reads is marked behind and holds no more than its limit", async () => {
  await withServer(STALL_ENV, async (base, app) => {
    const stalled = await stalledViewer(base);
    const reader = await drainingViewer(base);
    try {
      const stuck = () => [...app.state.viewers].find((v) => v.behind);
      // the kernel's socket buffers take the first few MB; then the server's queue fills
      let posts = 0;
      for (; posts < 200 && !stuck(); posts++) {
        assert.equal((await publishBatch(base)).status, 200);
        await sleep(20);
      }
      const slow = stuck();
      assert.ok(slow, `no viewer was behind after ${posts} posts`);
      assert.equal(app.state.viewers.size, 2);
      const queued = () => (slow.socket as WebSocket).bufferedAmount;
      const atMark = queued();
      // once behind, it is sent nothing: another ~9 MB leaves its queue where it was
      for (let i = 0; i < 20; i++) {
        assert.equal((await publishBatch(base)).status, 200);
        await sleep(20);
      }
      assert.ok(queued() <= atMark, `queue grew from ${atMark} to ${queued()}`);
      // the limit plus the one message that crossed it
      assert.ok(
        queued() <= VIEWER_MAX_BUFFER + FRAME_BYTES,
        `${queued()} bytes queued`,
      );
      assert.equal(slow.behind, true);
      assert.equal(slow.closed, false, "not closed before the stall limit");
      const text = (await send(`${base}/metrics`)).text;
      assert.ok(
        metric(text, 'osc_viewer_events_total{event="skipped"}') > 0,
        "skipped frames are counted",
      );
      // the other viewer is still being sent everything
      const before = reader.bytes();
      assert.equal((await publishBatch(base)).status, 200);
      for (let i = 0; i < 100 && reader.bytes() - before < POINTS; i++) {
        await sleep(20);
      }
      assert.ok(
        reader.bytes() - before >= POINTS,
        "the reading viewer is served",
      );
    } finally {
      stalled.close();
      await reader.close();
    }
  });
});

/** The server as its own process, so its RSS is its own and not this test runner's. */
async function serverProcess(env: Record<string, string>) {
  const main = new URL("../main.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-env", "--allow-read", main],
    env: { HOST: "127.0.0.1", PORT: "0", NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  // read the listen line for the port, then keep draining so logging never blocks the server
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let base: string | undefined;
  while (base === undefined) {
    const { value, done } = await lines.read();
    if (done) {
      await child.status;
      throw new Error(`server exited before listening: ${text}`);
    }
    text += value;
    base = /"url":"(http:\/\/[\d.]+:\d+)"/.exec(text)?.[1];
  }
  const drained = (async () => {
    while (!(await lines.read()).done) { /* discard */ }
  })();
  return {
    base,
    /** resident memory of the server process, from /proc */
    async rss(): Promise<number> {
      const status = await Deno.readTextFile(`/proc/${child.pid}/status`);
      return 1024 * Number(/VmRSS:\s+(\d+)/.exec(status)![1]);
    },
    async stop() {
      const signal = (name: Deno.Signal) => {
        try {
          child.kill(name);
        } catch {
          // already gone
        }
      };
      signal("SIGTERM");
      const kill = setTimeout(() => signal("SIGKILL"), 5000);
      await child.status;
      clearTimeout(kill);
      await drained;
    },
  };
}

Deno.test({
  name:
    "overload - a viewer that never reads does not grow the server's memory",
  ignore: Deno.build.os !== "linux", // RSS is read from /proc
  async fn() {
    const server = await serverProcess(STALL_ENV);
    const { base } = server;
    try {
      // 125 posts are 2.5M points: 40 MB of float64 data, 60 MB as JSON viewer messages
      const POSTS = 125;
      const dataBytes = POSTS * batch.length;
      assert.ok(dataBytes >= 40e6);

      /** Publishes the 40 MB; returns how far the server's RSS rose, at its peak. */
      const publishAll = async (): Promise<number> => {
        const before = await server.rss();
        let peak = before;
        for (let i = 0; i < POSTS; i++) {
          assert.equal((await publishBatch(base)).status, 200);
          // a tick apart, so each batch goes out as its own message and none is coalesced away
          await sleep(20);
          peak = Math.max(peak, await server.rss());
        }
        return peak - before;
      };

      // A viewer that reads and discards everything, attached throughout: with it the hub
      // encodes each tick's message and the socket sends it, as with the stalled viewer. (With
      // no viewer at all the hub encodes nothing, and the first round with a viewer grows the
      // heap by some 50 MiB for that alone, which would be no baseline to compare with.)
      const reader = await drainingViewer(base);
      try {
        // two rounds grow the heap to what publishing and fanning out 40 MB takes (~50 and
        // ~15 MiB); the third shows what one more costs when nothing is held back: the noise
        await publishAll();
        await publishAll();
        const readerGrowth = await publishAll();

        // an empty channel, so the stalled viewer's snapshot is tiny and its limit is the
        // configured 256 KiB rather than twice a big snapshot
        const cleared = await send(`${base}/data?channel=bulk`, {
          method: "DELETE",
        });
        assert.equal(cleared.status, 200);
        const stalled = await stalledViewer(base);
        try {
          // the same round again, with the stalled viewer as the only difference; twice, the
          // smaller taken: a one-off (the channel made anew, a late GC) is not the viewer's,
          // while what a viewer that queued everything held would grow both rounds
          const stalledGrowth = Math.min(
            await publishAll(),
            await publishAll(),
          );
          const text = (await send(`${base}/metrics`)).text;
          const events = (e: string) =>
            metric(text, `osc_viewer_events_total{event="${e}"}`);
          assert.equal(metric(text, "osc_viewers"), 2);
          // skipped ever since it fell behind, never resynced or closed: it is still behind
          assert.ok(events("skipped") > 0, `skipped ${events("skipped")}`);
          assert.equal(events("resynced"), 0);
          assert.equal(events("closed_slow"), 0);

          // What a stalled viewer may hold in the server: its socket's unsent bytes, which
          // reach the 256 KiB limit plus the one message that crossed it (0.48 MB) before
          // deltas stop; the kernel's socket buffers hold a few MB more, outside the process's
          // RSS. Its own cost is thus under 2 x 256 KiB + one message. On top of that comes the
          // noise of measuring RSS peaks: the growth of the round with the reading viewer alone,
          // plus 16 MiB for GC timing and page granularity (rounds have differed by up to 7 MiB
          // with other tests loading the CPU). Queueing every message instead — try
          // OSC_VIEWER_MAX_BUFFER=1GiB — grows RSS by 55-70 MiB, well past this bound.
          const bound = 2 * VIEWER_MAX_BUFFER + FRAME_BYTES +
            Math.max(0, readerGrowth) + 16 * MIB;
          const mib = (n: number) => (n / MIB).toFixed(1);
          console.log(
            `server RSS growth publishing ${
              mib(dataBytes)
            } MiB: reading viewer ${
              mib(readerGrowth)
            } MiB, with a stalled viewer too ${mib(stalledGrowth)} MiB (bound ${
              mib(bound)
            } MiB); ${events("skipped")} messages skipped`,
          );
          assert.ok(
            stalledGrowth < bound,
            `the server's RSS grew ${
              mib(stalledGrowth)
            } MiB with a stalled viewer; bound ${mib(bound)} MiB`,
          );
          assert.ok(
            reader.bytes() > 3 * dataBytes,
            "the reading viewer was sent every round",
          );
          assert.equal((await send(`${base}/healthz`)).status, 200);
        } finally {
          stalled.close();
        }
      } finally {
        await reader.close();
      }
    } finally {
      await server.stop();
    }
  },
});
