// Case 7: what each storage backend costs. The same server with OSC_STORE=memory, kv (a local
// Deno KV file) and redis (Debian's redis-server on loopback), measured in turn each round: a
// single-point and a 100-point-batch ingest with wrk, and the latency from POST to a viewer.
import type { CaseContext } from "./context.ts";
import { startRedis } from "./procs.ts";
import type { WrkResult } from "./wrk.ts";

interface Ctx extends CaseContext {
  seconds: number;
  rounds: number;
  wrk: (
    url: string,
    body: string,
    opts: { connections: number; seconds: number },
  ) => Promise<WrkResult>;
  /** publishes `rate` points/s for `seconds`; returns the points sent */
  publish: (base: string, rate: number, seconds: number) => Promise<number>;
  startViewers: (base: string, count: number) => Promise<{
    finish(): Promise<{ samples: number; p50: number; p99: number }>;
  }>;
}

interface Sample {
  singleRps: number;
  singleP99: number;
  batchPoints: number;
  p50: number;
  p99: number;
  errors: number;
}

export async function storesCase(ctx: Ctx): Promise<void> {
  const { out, fmt, median, ratio } = ctx;
  out("## 7. Storage backends");
  out();
  out(
    `One instance per backend, started fresh for each measurement; ${ctx.seconds} s × ${ctx.rounds} rounds, medians.`,
  );
  out(
    "Single points: 50 connections; batches: 100 points per POST, 10 connections; latency: POST",
  );
  out(
    "sent → point parsed by one of 10 viewers, 1,000 points/s in 10 ms batches.",
  );
  out();
  const redis = await startRedis();
  const kvDir = await Deno.makeTempDir({ prefix: "osc-bench-kv-" });
  let run = 0;
  const backends: [string, () => Record<string, string>][] = [
    ["memory", () => ({})],
    ["kv (local file)", () => ({
      OSC_STORE: "kv",
      OSC_KV_PATH: `${kvDir}/run-${++run}.kv`,
    })],
    ["redis (loopback)", () => ({
      OSC_STORE: "redis",
      OSC_REDIS_URL: redis.url,
      OSC_REDIS_PREFIX: `bench${++run}`,
    })],
  ];
  const single = '{"x": 12.34, "y": 56.78}';
  const xs = Array.from({ length: 100 }, (_, i) => i);
  const batch = JSON.stringify({ x: xs, y: xs.map((i) => Math.sin(i)) });
  const samples: Sample[][] = backends.map(() => []);
  try {
    for (let round = 0; round < ctx.rounds; round++) {
      for (let b = 0; b < backends.length; b++) {
        const server = await ctx.ours(backends[b][1]());
        try {
          const one = await ctx.wrk(`${server.base}/data`, single, {
            connections: 50,
            seconds: ctx.seconds,
          });
          const many = await ctx.wrk(`${server.base}/data?channel=b`, batch, {
            connections: 10,
            seconds: ctx.seconds,
          });
          const viewers = await ctx.startViewers(server.base, 10);
          await ctx.publish(server.base, 1000, ctx.quick ? 1 : 3);
          await new Promise((r) => setTimeout(r, 300));
          const got = await viewers.finish();
          samples[b].push({
            singleRps: one.rps,
            singleP99: one.p99Ms,
            batchPoints: many.rps * 100,
            p50: got.p50,
            p99: got.p99,
            errors: one.errors + many.errors,
          });
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    await redis.stop();
    await Deno.remove(redis.dir, { recursive: true });
    await Deno.remove(kvDir, { recursive: true });
  }
  const m = samples.map((s) => ({
    singleRps: median(s.map((v) => v.singleRps)),
    singleP99: median(s.map((v) => v.singleP99)),
    batchPoints: median(s.map((v) => v.batchPoints)),
    p50: median(s.map((v) => v.p50)),
    p99: median(s.map((v) => v.p99)),
    errors: s.reduce((n, v) => n + v.errors, 0),
  }));
  ctx.table(
    [
      "store",
      "single points/s",
      "vs memory",
      "p99 ms",
      "batched points/s",
      "vs memory",
      "POST→viewer p50 ms",
      "p99 ms",
      "errors",
    ],
    backends.map(([name], i) => [
      name,
      fmt(m[i].singleRps),
      ratio(m[i].singleRps, m[0].singleRps),
      fmt(m[i].singleP99, 2),
      fmt(m[i].batchPoints),
      ratio(m[i].batchPoints, m[0].batchPoints),
      fmt(m[i].p50, 1),
      fmt(m[i].p99, 1),
      m[i].errors,
    ]),
  );
  out(
    "A 200 from kv or redis means the batch is in the store and in this instance's copy; memory",
  );
  out("answers as soon as the points are in its buffer.");
  out();
}
