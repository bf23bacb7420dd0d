// `deno task bench [--quick]`: where the oscilloscope stands against the limits of this machine.
// Each case runs our server and its reference side by side, interleaved, several rounds, and
// reports medians and the ratio between them: absolute figures drift on shared machines, ratios
// taken in one run hold. Everything started here listens on loopback and is stopped by PID.
// The full run rewrites bench/RESULTS.md; --quick (CI's smoke run) only prints.
import { parseArgs } from "node:util";
import { browserCase } from "./browser_fps.ts";
import { pageLatencyCase } from "./page_latency.ts";
import {
  fmt,
  median,
  type Proc,
  rssBytes,
  startOscilloscope,
  startServer,
} from "./procs.ts";
import { publishingCase } from "./publishing.ts";
import { waysInCase } from "./ways_in.ts";
import type { CaseContext } from "./context.ts";
import { historyCase } from "./history.ts";
import { storesCase } from "./stores.ts";
import { ensureWrk, wrk, type WrkResult } from "./wrk.ts";
import { encodePoints } from "../../lib/shared/wire.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" }, // comma-separated case numbers, e.g. --only 1,3
  },
});
const quick = flags.quick!;
const SECONDS = quick ? 1 : 4;
const ROUNDS = quick ? 1 : 3;
const only = flags.only ? new Set(flags.only.split(",").map(Number)) : null;
const root = new URL("../../", import.meta.url).pathname;
const deno = Deno.execPath();
const report: string[] = [];

function out(line = ""): void {
  console.log(line);
  report.push(line);
}

function table(head: string[], rows: (string | number)[][]): void {
  out(`| ${head.join(" | ")} |`);
  out(`| ${head.map(() => "---").join(" | ")} |`);
  for (const r of rows) out(`| ${r.join(" | ")} |`);
  out();
}

const ratio = (
  a: number,
  b: number,
) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : "–");

function ours(env: Record<string, string> = {}): Promise<Proc> {
  return startOscilloscope({ OSC_MAX_BODY: "8MiB", ...env });
}

function bare(): Promise<Proc> {
  return startServer(deno, [
    "run",
    "--allow-net",
    `${root}tools/bench/bare_server.ts`,
    "{port}",
  ]);
}

async function flaskAvailable(): Promise<boolean> {
  const { code } = await new Deno.Command("/usr/bin/python3", {
    args: ["-c", "import flask"],
    stderr: "null",
  })
    .output().catch(() => ({ code: 1 }));
  if (code === 0) return true;
  if (quick || Deno.uid() !== 0) return false;
  console.error(
    "bench: installing python3-flask from Debian for the original's baseline",
  );
  await new Deno.Command("sh", {
    args: ["-c", "apt-get install -y -qq python3-flask >/dev/null 2>&1"],
  }).output();
  return (await new Deno.Command("/usr/bin/python3", {
    args: ["-c", "import flask"],
    stderr: "null",
  }).output()).code === 0;
}

/** Runs each target's measurement once per round, in turn, and keeps every result. */
async function interleave<T>(targets: (() => Promise<T>)[]): Promise<T[][]> {
  const results: T[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < targets.length; i++) {
      results[i].push(await targets[i]());
    }
  }
  return results;
}

const summarise = (rs: WrkResult[]) => ({
  rps: median(rs.map((r) => r.rps)),
  p50: median(rs.map((r) => r.p50Ms)),
  p99: median(rs.map((r) => r.p99Ms)),
  errors: rs.reduce((n, r) => n + r.errors, 0),
});

async function machine(): Promise<string> {
  const cpu =
    (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.*)/)
      ?.[1] ?? "unknown CPU";
  return `${navigator.hardwareConcurrency} cores, ${cpu}, Deno ${Deno.version.deno}`;
}

// ---------------------------------------------------------------------------------------------

async function singlePoint(): Promise<void> {
  out("## 1. Single-point ingest");
  out();
  out(
    `\`{"x":…,"y":…}\` as curl sends it, 50 connections, ${SECONDS} s × ${ROUNDS} rounds, medians.`,
  );
  out();
  const body = '{"x": 12.34, "y": 56.78}';
  const servers: [string, Proc, string][] = [];
  servers.push(["web oscilloscope", await ours(), "/data"]);
  servers.push(["bare Deno.serve handler", await bare(), "/"]);
  if (await flaskAvailable()) {
    const flask = await startServer("/usr/bin/python3", [
      `${root}tools/bench/flask_original.py`,
      "{port}",
    ], {
      probe: "/nothing",
    }).catch(() => null);
    if (flask) {
      servers.push(["original (Flask dev server + deque)", flask, "/data"]);
    }
  }
  try {
    const results = await interleave(
      servers.map(([, p, path]) => () =>
        wrk(p.base + path, body, { connections: 50, seconds: SECONDS })
      ),
    );
    const s = results.map(summarise);
    table(
      ["server", "requests/s", "p50 ms", "p99 ms", "vs bare", "errors"],
      servers.map((
        [name],
        i,
      ) => [
        name,
        fmt(s[i].rps),
        fmt(s[i].p50, 2),
        fmt(s[i].p99, 2),
        ratio(s[i].rps, s[1].rps),
        s[i].errors,
      ]),
    );
    out(
      `Target: ≥ 0.70× the bare handler's requests/s (now ${
        ratio(s[0].rps, s[1].rps)
      }), p99 within 2× of it (now ${ratio(s[0].p99, s[1].p99)}).`,
    );
    if (servers.length > 2) {
      out(
        `Against the original design: ${
          ratio(s[0].rps, s[2].rps)
        } its requests/s.`,
      );
    }
    out();
  } finally {
    for (const [, p] of servers) await p.stop();
  }
}

function batchBodies(n: number) {
  const x = Array.from({ length: n }, (_, i) => i * 0.001);
  const y = x.map((t) => Math.round(Math.sin(t * 50) * 1e6) / 1e4);
  const pairs = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    pairs[2 * i] = x[i];
    pairs[2 * i + 1] = y[i];
  }
  return {
    rows: JSON.stringify(x.map((xi, i) => ({ x: xi, y: y[i] }))),
    columns: JSON.stringify({ x, y }),
    binary: new Uint8Array(pairs.buffer),
  };
}

async function batchIngest(): Promise<void> {
  out("## 2. Batch ingest");
  out();
  out(
    `1000-point bodies, 8 connections, ${SECONDS} s × ${ROUNDS} rounds; points/s = requests/s × 1000.`,
  );
  out();
  const bodies = batchBodies(1000);
  const [o, b] = [await ours(), await bare()];
  try {
    const rows: (string | number)[][] = [];
    for (
      const [format, body, type] of [
        ["JSON rows", bodies.rows, "application/json"],
        ["JSON columns", bodies.columns, "application/json"],
        ["binary float64", bodies.binary, "application/octet-stream"],
      ] as const
    ) {
      const [ro, rb] = (await interleave([
        () =>
          wrk(o.base + "/data?channel=batch", body, {
            contentType: type,
            connections: 8,
            seconds: SECONDS,
          }),
        () =>
          wrk(b.base + "/", body, {
            contentType: type,
            connections: 8,
            seconds: SECONDS,
          }),
      ])).map(summarise);
      rows.push([
        format,
        fmt(ro.rps * 1000),
        fmt(rb.rps * 1000),
        ratio(ro.rps, rb.rps),
        fmt(ro.p99, 2),
        ro.errors + rb.errors,
      ]);
    }
    table([
      "format",
      "ours points/s",
      "bare points/s",
      "ratio",
      "our p99 ms",
      "errors",
    ], rows);
    out("Target: ≥ 0.50× the bare handler for the same format.");
    out();
  } finally {
    await o.stop();
    await b.stop();
  }
}

/** Publishes `rate` points/s for `seconds` in 10 ms batches, y = send time in epoch ms. */
async function publish(
  base: string,
  rate: number,
  seconds: number,
): Promise<number> {
  const perBatch = Math.max(1, Math.round(rate / 100));
  const started = performance.now();
  let sent = 0;
  let x = 0;
  while (performance.now() - started < seconds * 1000) {
    const now = performance.timeOrigin + performance.now();
    const xs = Array.from({ length: perBatch }, () => x++);
    const res = await fetch(`${base}/data?channel=fanout`, {
      method: "POST",
      body: JSON.stringify({ x: xs, y: xs.map(() => now) }),
    });
    await res.body?.cancel();
    sent += perBatch;
    const due = started + (sent / rate) * 1000;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return sent;
}

async function startViewers(base: string, count: number, encoding = "f64") {
  const child = new Deno.Command(deno, {
    args: [
      "run",
      "--allow-net",
      `${root}tools/bench/viewers.ts`,
      base,
      String(count),
      encoding,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("viewers exited before they were ready");
    text += value;
  }
  return {
    async finish(): Promise<
      {
        samples: number;
        p50: number;
        p99: number;
        max: number;
        bytes: number;
        closed: number;
      }
    > {
      child.kill("SIGTERM");
      let rest = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        rest += value;
      }
      await child.status;
      return JSON.parse(rest.trim().split("\n").at(-1)!);
    },
  };
}

async function fanOut(): Promise<void> {
  out("## 3. Fan-out");
  out();
  out(
    "Latency from POST sent to the point parsed by a viewer (10 probe viewers time every point; the",
  );
  out(
    "rest receive), publishing in 10 ms batches; the coalescing tick (4 ms, and 64 µs a viewer: 64 ms at 1000) included.",
  );
  out();
  const counts = quick ? [1] : [1, 100, 1000];
  const rates = quick ? [1000] : [1000, 100_000];
  const runs: [number, number, string][] = [];
  for (const viewers of counts) {
    for (const rate of rates) runs.push([viewers, rate, "f64"]);
  }
  // the JSON default, for scripts, where the encoding matters
  if (!quick) runs.push([100, 100_000, "json"], [1000, 1000, "json"]);
  const rows: (string | number)[][] = [];
  for (const [viewers, rate, encoding] of runs) {
    const server = await ours();
    try {
      const v = await startViewers(server.base, viewers, encoding);
      const sent = await publish(server.base, rate, quick ? 1 : 3);
      await new Promise((r) => setTimeout(r, 500));
      const got = await v.finish();
      const rss = await rssBytes(server.pid);
      rows.push([
        viewers,
        encoding,
        fmt(rate),
        fmt(got.p50, 1),
        fmt(got.p99, 1),
        fmt(got.max, 1),
        `${fmt(got.samples)} / ${fmt(sent * Math.min(viewers, 10))}`,
        fmt(rss / 2 ** 20),
        got.closed,
      ]);
    } finally {
      await server.stop();
    }
  }
  table(
    [
      "viewers",
      "frames",
      "points/s",
      "p50 ms",
      "p99 ms",
      "max ms",
      "points timed / sent",
      "server RSS MiB",
      "closed viewers",
    ],
    rows,
  );
  out("Target: p99 ≤ 25 ms with 100 viewers at 1000 points/s.");
  out();

  if (quick) return;
  out(
    "Single-point ingest with 1000 viewers attached vs none (50 connections):",
  );
  out();
  const body = '{"x": 1, "y": 2}';
  const idle = await ours();
  const busy = await ours();
  const v = await startViewers(busy.base, 1000);
  try {
    const [a, b] = (await interleave([
      () =>
        wrk(idle.base + "/data", body, { connections: 50, seconds: SECONDS }),
      () =>
        wrk(busy.base + "/data", body, { connections: 50, seconds: SECONDS }),
    ])).map(summarise);
    table(["viewers", "requests/s", "p99 ms", "vs none"], [[
      "0",
      fmt(a.rps),
      fmt(a.p99, 2),
      "1.00×",
    ], [
      "1000",
      fmt(b.rps),
      fmt(b.p99, 2),
      ratio(b.rps, a.rps),
    ]]);
  } finally {
    await v.finish();
    await idle.stop();
    await busy.stop();
  }
}

async function memory(): Promise<void> {
  out("## 4. Memory");
  out();
  const channels = quick ? 2 : 32;
  const capacity = quick ? 10_000 : 100_000;
  const server = await ours({
    OSC_CAPACITY: String(capacity),
    OSC_MAX_CHANNELS: String(channels),
  });
  try {
    const warm = await fetch(server.base + "/data", {
      method: "POST",
      body: '{"x":0,"y":0,"channel":"warm"}',
    });
    await warm.body?.cancel();
    await fetch(server.base + "/data?channel=warm", { method: "DELETE" }).then((
      r,
    ) => r.body?.cancel());
    await new Promise((r) => setTimeout(r, 500));
    const idle = await rssBytes(server.pid);
    // small bodies, so the fill leaves little garbage in the heap when RSS is read
    const chunk = 10_000;
    const pairs = new Float64Array(chunk * 2).map((_, i) => i * 0.5);
    for (let c = 0; c < channels; c++) {
      const name = c === 0 ? "warm" : `ch${c}`;
      for (let n = 0; n < capacity; n += chunk) {
        const res = await fetch(`${server.base}/data?channel=${name}`, {
          method: "POST",
          headers: { "content-type": "application/octet-stream" },
          body: pairs.subarray(0, Math.min(chunk, capacity - n) * 2),
        });
        if (!res.ok) throw new Error(`fill failed: ${await res.text()}`);
        await res.body?.cancel();
      }
    }
    await new Promise((r) => setTimeout(r, 3000));
    const full = await rssBytes(server.pid);
    const points = channels * capacity;
    table([
      "channels × points",
      "RSS idle MiB",
      "RSS full MiB",
      "bytes per point (RSS / points)",
      "marginal bytes per point",
    ], [[
      `${channels} × ${fmt(capacity)}`,
      fmt(idle / 2 ** 20, 1),
      fmt(full / 2 ** 20, 1),
      fmt(full / points, 1),
      fmt((full - idle) / points, 1),
    ]]);
    out(
      "The typed arrays hold 16 B per point; target ≤ 24 B of RSS per stored point.",
    );
    out();
  } finally {
    await server.stop();
  }
}

/** Times `fn` over enough repetitions to take ~`ms`, returning microseconds per call. */
function time(fn: () => unknown, ms: number): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    const took = performance.now() - t0;
    if (took >= ms) return (took * 1000) / reps;
    reps *= 2;
  }
}

function wireFormat(): void {
  out("## 6. Wire format for /ws deltas");
  out();
  out(
    "One tick's message at 100k points/s (1667 points of sensor-like values), JSON text as sent",
  );
  out(
    "today vs binary float64 columns (`?encoding=f64`, what the page uses): size, the server's encoding",
  );
  out("and what a viewer pays to decode it. Medians of 3 timings.");
  out();
  const n = 1667;
  const x = Float64Array.from(
    { length: n },
    (_, i) => 1_764_000_000 + i / 100_000,
  );
  const y = Float64Array.from(
    { length: n },
    (_, i) => Math.round(Math.sin(i / 40) * 1e6) / 1e4,
  );
  const text = encodePoints("points", "sensor", 123456, x, y);
  const binary = () => {
    const buf = new Float64Array(2 * n + 2);
    buf[0] = 123456;
    buf[1] = n;
    for (let i = 0; i < n; i++) {
      buf[2 + 2 * i] = x[i];
      buf[3 + 2 * i] = y[i];
    }
    return new Uint8Array(buf.buffer);
  };
  const bytes = binary();
  const ms = quick ? 20 : 200;
  const encodeJson = median(
    [0, 1, 2].map(() =>
      time(() => encodePoints("points", "sensor", 123456, x, y), ms)
    ),
  );
  const encodeBin = median([0, 1, 2].map(() => time(binary, ms)));
  const utf8 = median(
    [0, 1, 2].map(() => time(() => new TextEncoder().encode(text), ms)),
  );
  const decodeJson = median(
    [0, 1, 2].map(() => time(() => JSON.parse(text), ms)),
  );
  const decodeBin = median(
    [0, 1, 2].map(() =>
      time(() => new Float64Array(bytes.buffer).slice(2), ms)
    ),
  );
  table(["format", "bytes", "encode µs", "UTF-8 per viewer µs", "decode µs"], [
    [
      "JSON text",
      fmt(text.length),
      fmt(encodeJson, 1),
      fmt(utf8, 1),
      fmt(decodeJson, 1),
    ],
    [
      "float64 binary",
      fmt(bytes.length),
      fmt(encodeBin, 1),
      "0",
      fmt(decodeBin, 1),
    ],
    [
      "JSON / binary",
      ratio(text.length, bytes.length),
      ratio(encodeJson, encodeBin),
      "–",
      ratio(decodeJson, decodeBin),
    ],
  ]);
  out(
    "Deno's WebSocket encodes a text frame to UTF-8 on every send, so JSON costs the server the",
  );
  out(
    "UTF-8 column once per viewer per tick; the fan-out table above shows what that adds up to.",
  );
  out();
}

// ---------------------------------------------------------------------------------------------

await ensureWrk();
const started = performance.now();
out(`# Benchmark results${quick ? " (quick smoke run)" : ""}`);
out();
out(
  `Machine: ${await machine()}. Run: ${
    new Date().toISOString().slice(0, 16)
  }Z. \`deno task bench\` regenerates this file.`,
);
out();
// what every case gets; the timed ones also how long and how often to measure
const context: CaseContext = { quick, out, table, fmt, median, ratio, ours };
const timed = { ...context, seconds: SECONDS, rounds: ROUNDS };
const cases: [number, () => Promise<void>][] = [
  [1, singlePoint],
  [2, batchIngest],
  [3, fanOut],
  [4, memory],
  [5, () => browserCase({ quick, root, out, table, fmt, ours })],
  [6, () => Promise.resolve(wireFormat())],
  [7, () =>
    storesCase({
      ...timed,
      wrk: (url, body, opts) => wrk(url, body, opts),
      publish,
      startViewers: (base, count) => startViewers(base, count),
    })],
  [8, () => publishingCase(context)],
  [9, () => pageLatencyCase(context)],
  [10, () => waysInCase(context)],
  [11, () => historyCase(timed)],
];
for (const [n, run] of cases) {
  if (only && !only.has(n)) continue;
  await run();
}
out(`Total time: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
if (!quick && !only) {
  await Deno.writeTextFile(`${root}bench/RESULTS.md`, report.join("\n") + "\n");
  console.error("bench: wrote bench/RESULTS.md");
}
