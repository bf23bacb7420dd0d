// Case 8: publishing under the configuration an operator gets without setting anything (no fixed
// rate cap; the load shedder refuses only the heaviest address while the event loop is > 100 ms
// late). Fast honest publishers must lose nothing, a flood must not starve a polite publisher
// beside it, the line formats must keep up with JSON columns, and a stream of lines an hour long
// must run through the fixed ring buffer without the server's memory growing.
import { type Proc, rssBytes, startOscilloscope } from "./procs.ts";
import { type CountedResult, wrk, wrkCounted, type WrkResult } from "./wrk.ts";

interface Ctx {
  quick: boolean;
  out: (line?: string) => void;
  table: (head: string[], rows: (string | number)[][]) => void;
  fmt: (n: number, digits?: number) => string;
  median: (values: number[]) => number;
  ratio: (a: number, b: number) => string;
}

const FORM = "application/x-www-form-urlencoded";
const MiB = 2 ** 20;

/** The server as it starts with nothing configured, plus `env` (OSC_TRUST_PROXY for the flood). */
function defaults(env: Record<string, string> = {}): Promise<Proc> {
  return startOscilloscope(env, { defaults: true });
}

/** One counter or gauge from GET /metrics (summed over its labels). */
export async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

/** Points each channel has stored since it was created: its last seq, from GET /status. */
async function storedByChannel(base: string): Promise<Map<string, number>> {
  const res = await fetch(`${base}/status`);
  const body = await res.json() as {
    channels: { name: string; lastSeq: number }[];
  };
  return new Map(body.channels.map((c) => [c.name, c.lastSeq]));
}

interface LoopResult {
  sent: number;
  ok: number;
  refused: number;
  other: number;
  latenciesMs: number[];
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentileOf(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * POSTs single points `{"x":i,"y":…}` form-encoded, as curl sends them, from `workers` loops,
 * each with one request in flight on its own channel, until `maxPerWorker` each or `seconds`;
 * `perSecond` paces each loop (0: as fast as the answers come).
 */
async function singlePointLoops(
  base: string,
  opts: {
    workers: number;
    seconds: number;
    maxPerWorker: number;
    channel: (worker: number) => string;
    perSecond?: number;
    headers?: Record<string, string>;
  },
): Promise<LoopResult> {
  const result = emptyLoop();
  const started = performance.now();
  const deadline = started + opts.seconds * 1000;
  const worker = async (w: number) => {
    const url = `${base}/data?channel=${opts.channel(w)}`;
    for (let i = 0; i < opts.maxPerWorker; i++) {
      if (opts.perSecond) {
        const wait = started + (i * 1000) / opts.perSecond - performance.now();
        if (wait > 0) await sleep(wait);
      }
      if (performance.now() >= deadline) break;
      const t0 = performance.now();
      result.sent++;
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": FORM, ...opts.headers },
          body: `{"x":${i},"y":${Math.sin(i / 100).toFixed(4)}}`,
          signal: AbortSignal.timeout(10_000),
        });
        await res.body?.cancel();
        if (res.ok) result.ok++;
        else if (res.status === 429) result.refused++;
        else result.other++;
      } catch {
        result.other++; // refused connection or no answer within 10 s
      }
      result.latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, (_, w) => worker(w)));
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

const loopRow = (
  ctx: Ctx,
  name: string,
  r: LoopResult,
  stored: number,
): (string | number)[] => [
  name,
  ctx.fmt(r.sent / r.seconds),
  ctx.fmt(r.sent),
  ctx.fmt(r.ok),
  ctx.fmt(r.refused),
  ctx.fmt(r.other),
  ctx.fmt(stored),
  ctx.fmt(percentileOf(r.latenciesMs, 50), 2),
  ctx.fmt(percentileOf(r.latenciesMs, 99), 2),
];

async function fastPublishers(ctx: Ctx): Promise<void> {
  const { out, fmt, median, ratio } = ctx;
  const seconds = ctx.quick ? 1 : 10;
  const floodRounds = ctx.quick ? 1 : 2;
  out("### Fast publishers, default limits");
  out();
  out(
    `(a) one address posting single points from 8 loops (one request in flight each, one channel`,
  );
  out(
    `each) for ${seconds} s. (b) wrk floods single points from 50 connections as X-Forwarded-For`,
  );
  out(
    `10.0.0.1 (OSC_TRUST_PROXY=1) for ${seconds} s, alone and beside a polite publisher at 20`,
  );
  out(
    `requests/s from 10.0.0.2, ${floodRounds} interleaved round(s), counts summed. "Stored" is each`,
  );
  out(
    "channel's last seq in /status; wrk stops with up to one request per connection in flight,",
  );
  out("which the server may still store.");
  out();
  const rows: (string | number)[][] = [];

  // (a) a fast honest publisher; capacity per channel bounds each loop, so nothing is overwritten
  const capacity = 100_000;
  const a = await defaults();
  let fast: LoopResult;
  let fastStored = 0;
  try {
    fast = await singlePointLoops(a.base, {
      workers: 8,
      seconds,
      maxPerWorker: capacity,
      channel: (w) => `fast${w}`,
    });
    for (const [name, n] of await storedByChannel(a.base)) {
      if (name.startsWith("fast")) fastStored += n;
    }
  } finally {
    await a.stop();
  }
  rows.push(
    loopRow(ctx, "(a) one address, 8 loops", fast, fastStored),
  );

  // (b) the flood, alone and beside the polite publisher, on one server
  const b = await defaults({ OSC_TRUST_PROXY: "1" });
  const alone: { flood: CountedResult; ingest: number; stored: number }[] = [];
  const beside: {
    flood: CountedResult;
    polite: LoopResult;
    ingest: number;
    stored: number;
    politeStored: number;
  }[] = [];
  try {
    for (let round = 0; round < floodRounds; round++) {
      // alternate which goes first, so drift over the run favours neither
      const order = round % 2 === 0 ? ["alone", "beside"] : ["beside", "alone"];
      for (const mode of order) {
        const floodChannel = `flood-${mode}-${round}`;
        const politeChannel = `polite-${round}`;
        const before = await metric(b.base, "osc_points_accepted_total");
        const t0 = performance.now();
        const [flood, polite] = await Promise.all([
          wrkCounted(
            `${b.base}/data?channel=${floodChannel}`,
            '{"x": 1, "y": 2}',
            {
              headers: { "X-Forwarded-For": "10.0.0.1" },
              connections: 50,
              seconds,
            },
          ),
          mode === "beside"
            ? singlePointLoops(b.base, {
              workers: 1,
              seconds,
              maxPerWorker: 20 * seconds,
              perSecond: 20,
              channel: () => politeChannel,
              headers: { "X-Forwarded-For": "10.0.0.2" },
            })
            : null,
        ]);
        const elapsed = (performance.now() - t0) / 1000;
        const ingest =
          (await metric(b.base, "osc_points_accepted_total") - before) /
          elapsed;
        const stored = await storedByChannel(b.base);
        if (polite) {
          beside.push({
            flood,
            polite,
            ingest,
            stored: stored.get(floodChannel) ?? 0,
            politeStored: stored.get(politeChannel) ?? 0,
          });
        } else {
          alone.push({ flood, ingest, stored: stored.get(floodChannel) ?? 0 });
        }
        // the shedder stays saturated for 1 s after its last sign of it
        await sleep(1500);
      }
    }
  } finally {
    await b.stop();
  }
  const floodRow = (
    name: string,
    runs: { flood: CountedResult; stored: number }[],
  ) => {
    const count = (pick: (s: number) => boolean) =>
      runs.reduce(
        (n, r) =>
          n +
          [...r.flood.statuses].filter(([s]) => pick(s)).reduce(
            (m, [, v]) => m + v,
            0,
          ),
        0,
      );
    const answered = runs.reduce((n, r) => n + r.flood.requests, 0);
    const ok = count((s) => s >= 200 && s < 300);
    const refused = count((s) => s === 429);
    return [
      name,
      fmt(median(runs.map((r) => r.flood.rps))),
      fmt(answered),
      fmt(ok),
      fmt(refused),
      // answers neither 2xx nor 429, and socket errors, which never reach wrk's response()
      fmt(answered - ok - refused + sumSocketErrors(runs.map((r) => r.flood))),
      fmt(runs.reduce((n, r) => n + r.stored, 0)),
      fmt(median(runs.map((r) => r.flood.p50Ms)), 2),
      fmt(median(runs.map((r) => r.flood.p99Ms)), 2),
    ];
  };
  rows.push(floodRow("(b) flood alone, 50 connections", alone));
  rows.push(floodRow("(b) flood beside the polite publisher", beside));
  const polite = emptyLoop();
  for (const r of beside) {
    polite.sent += r.polite.sent;
    polite.ok += r.polite.ok;
    polite.refused += r.polite.refused;
    polite.other += r.polite.other;
    polite.latenciesMs.push(...r.polite.latenciesMs);
    polite.seconds += r.polite.seconds;
  }
  rows.push(
    loopRow(
      ctx,
      "(b) polite publisher, 20/s, another address",
      polite,
      beside.reduce((n, r) => n + r.politeStored, 0),
    ),
  );
  ctx.table([
    "publisher",
    "requests/s",
    "sent (answered)",
    "2xx",
    "429",
    "other",
    "points stored",
    "p50 ms",
    "p99 ms",
  ], rows);
  const ingestAlone = median(alone.map((r) => r.ingest));
  const ingestBeside = median(beside.map((r) => r.ingest));
  out(
    `Server ingest (osc_points_accepted_total per second of the run): flood alone ${
      fmt(ingestAlone)
    } points/s, flood and polite publisher ${fmt(ingestBeside)} points/s: ${
      ratio(ingestBeside, ingestAlone)
    }.`,
  );
  out();
  const fastRefused = fast.refused + fast.other;
  out(
    `Target: (a) 0 refused and stored = sent (now ${
      fmt(fastRefused)
    } refused or failed, ${fmt(fastStored)} stored of ${
      fmt(fast.sent)
    }); (b) the polite publisher never refused (now ${
      fmt(polite.refused + polite.other)
    } of ${
      fmt(polite.sent)
    }) and ingest beside it ≥ 0.60× the flood alone (now ${
      ratio(ingestBeside, ingestAlone)
    }).`,
  );
  out();
}

function sumSocketErrors(runs: CountedResult[]): number {
  // wrk counts as errors the answers above 399 and socket errors; the answers are counted already
  return runs.reduce(
    (n, r) =>
      n + r.errors -
      [...r.statuses].filter(([s]) => s > 399).reduce((m, [, v]) => m + v, 0),
    0,
  );
}

// ---------------------------------------------------------------------------------------------

interface Format {
  name: string;
  path: string;
  contentType: string;
  body: string;
  lines: number;
  /** the status a stored body gets */
  status: number;
}

function formats(n: number): Format[] {
  const x = Array.from({ length: n }, (_, i) => i * 0.001);
  const y = x.map((t) => Math.round(Math.sin(t * 50) * 1e6) / 1e4);
  const lines = (f: (i: number) => string, count = n) =>
    Array.from({ length: count }, (_, i) => f(i)).join("\n") + "\n";
  const perLine = 100;
  return [
    {
      name: "JSON columns (reference)",
      path: "/data?channel=f-json",
      contentType: "application/json",
      body: JSON.stringify({ x, y }),
      lines: 1,
      status: 200,
    },
    {
      name: "NDJSON, a point per line",
      path: "/data?channel=f-ndjson",
      contentType: "application/x-ndjson",
      body: lines((i) => JSON.stringify({ x: x[i], y: y[i] })),
      lines: n,
      status: 200,
    },
    {
      name: `NDJSON, columns of ${perLine} per line`,
      path: "/data?channel=f-ndcols",
      contentType: "application/x-ndjson",
      body: lines(
        (l) =>
          JSON.stringify({
            x: x.slice(l * perLine, (l + 1) * perLine),
            y: y.slice(l * perLine, (l + 1) * perLine),
          }),
        n / perLine,
      ),
      lines: n / perLine,
      status: 200,
    },
    {
      name: "text lines `x,y`",
      path: "/data?channel=f-csv",
      contentType: "text/plain",
      body: lines((i) => `${x[i]},${y[i]}`),
      lines: n,
      status: 200,
    },
    {
      name: "Serial Plotter `a:1,b:2`",
      path: "/data?channel=f-sp",
      contentType: "text/plain",
      body: lines((i) => `a:${y[2 * i]},b:${y[2 * i + 1]}`, n / 2),
      lines: n / 2,
      status: 200,
    },
    {
      name: "InfluxDB line protocol",
      path: "/api/v2/write?bucket=b&precision=ms",
      contentType: "text/plain; charset=utf-8",
      body: lines((i) => `m v=${y[i]} ${1_700_000_000_000 + i}`),
      lines: n,
      status: 204,
    },
  ];
}

/** Posts `f` once and throws unless it was answered as stored with all `points` taken in. */
async function checkFormat(base: string, f: Format, points: number) {
  const before = await metric(base, "osc_points_accepted_total");
  const res = await fetch(base + f.path, {
    method: "POST",
    headers: { "content-type": f.contentType },
    body: f.body,
  });
  const text = await res.text();
  const taken = await metric(base, "osc_points_accepted_total") - before;
  const accepted = f.status === 200 ? JSON.parse(text).accepted : taken;
  if (res.status !== f.status || accepted !== points || taken !== points) {
    throw new Error(
      `${f.name}: expected ${f.status} with ${points} points stored, got ${res.status} (${taken} stored): ${
        text.slice(0, 300)
      }`,
    );
  }
}

async function lineFormats(ctx: Ctx): Promise<void> {
  const { out, fmt, median, ratio } = ctx;
  const seconds = ctx.quick ? 1 : 3;
  const rounds = ctx.quick ? 1 : 3;
  const n = 1000;
  out("### Line formats vs JSON columns");
  out();
  out(
    `The same ${n} points per request in each format (Serial Plotter: 2 per line), 8 wrk connections,`,
  );
  out(
    `${seconds} s × ${rounds} round(s), formats in turn each round, medians; points/s = requests/s × ${n}.`,
  );
  out(
    "Each format is posted once first and checked: 200 (204 for InfluxDB) with every point stored.",
  );
  out();
  const server = await defaults();
  const list = formats(n);
  const results: WrkResult[][] = list.map(() => []);
  try {
    for (const f of list) await checkFormat(server.base, f, n);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < list.length; i++) {
        results[i].push(
          await wrk(server.base + list[i].path, list[i].body, {
            contentType: list[i].contentType,
            connections: 8,
            seconds,
          }),
        );
      }
    }
  } finally {
    await server.stop();
  }
  const pps = results.map((rs) => median(rs.map((r) => r.rps)) * n);
  const slow: string[] = [];
  ctx.table(
    [
      "format",
      "lines per body",
      "body KiB",
      "points/s",
      "vs JSON columns",
      "p99 ms",
      "non-2xx or errors",
    ],
    list.map((f, i) => {
      if (i > 0 && pps[i] / pps[0] < 0.5) slow.push(f.name);
      return [
        f.name,
        fmt(f.lines),
        fmt(new TextEncoder().encode(f.body).length / 1024, 1),
        fmt(pps[i]),
        ratio(pps[i], pps[0]),
        fmt(median(results[i].map((r) => r.p99Ms)), 2),
        results[i].reduce((s, r) => s + r.errors, 0),
      ];
    }),
  );
  out(
    `Target: every line format ≥ 0.50× JSON columns' points/s (${
      slow.length === 0 ? "all are" : `below: ${slow.join(", ")}`
    }).`,
  );
  out();
}

// ---------------------------------------------------------------------------------------------

interface StreamRun {
  status: number;
  accepted: number;
  text: string;
  seconds: number;
  /** the server's RSS in bytes when 10 %, 50 % and 100 % of the lines were sent */
  rss: number[];
}

/** One chunked text/plain POST of `total` lines `<i>,<sin>`, generated as the server reads. */
async function streamLines(server: Proc, total: number): Promise<StreamRun> {
  const perChunk = 2000;
  const marks = [0.1, 0.5].map((f) => Math.round(total * f));
  const rss: number[] = [];
  let sent = 0;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent >= total) {
        controller.close();
        return;
      }
      if (rss.length < marks.length && sent >= marks[rss.length]) {
        rss.push(await rssBytes(server.pid));
      }
      const end = Math.min(total, sent + perChunk);
      let text = "";
      for (let i = sent; i < end; i++) {
        text += `${i},${Math.sin(i / 100).toFixed(4)}\n`;
      }
      sent = end;
      controller.enqueue(encoder.encode(text));
    },
  }, { highWaterMark: 0 }); // pulled only when fetch sends: as fast as the server takes it
  const t0 = performance.now();
  const res = await fetch(`${server.base}/data?channel=stream`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body,
    // an hour's lines at a few hundred thousand a second, with room for a slow machine
    signal: AbortSignal.timeout(120_000),
  });
  const text = await res.text();
  const seconds = (performance.now() - t0) / 1000;
  rss.push(await rssBytes(server.pid));
  let accepted = NaN;
  try {
    accepted = JSON.parse(text).accepted;
  } catch {
    // shown as "–", with the answer in the target line
  }
  return { status: res.status, accepted, text, seconds, rss };
}

async function longStream(ctx: Ctx): Promise<void> {
  const { out, fmt } = ctx;
  const total = ctx.quick ? 200_000 : 3_600_000;
  out("### A 1-hour-equivalent stream holds flat memory");
  out();
  out(
    `One chunked text/plain POST of ${
      fmt(total)
    } lines \`<i>,<sin>\` (an hour at 1000 lines/s) into one channel,`,
  );
  out(
    "fed as fast as the server reads it; the server's RSS when 10 %, 50 % and 100 % of it is sent",
  );
  out(
    "(100 %: the answer is in). The ring buffer is fixed at OSC_CAPACITY (100,000 points). The same",
  );
  out(
    "stream then runs again on the same server, which tells a heap sized up to the ingest rate once",
  );
  out("from memory that grows with every line.");
  out();
  const server = await defaults();
  const runs: [string, StreamRun][] = [];
  let rssBefore = NaN;
  try {
    rssBefore = await rssBytes(server.pid);
    runs.push(["first, fresh server", await streamLines(server, total)]);
    runs.push(["second, same server", await streamLines(server, total)]);
  } finally {
    await server.stop();
  }
  const growth = (r: StreamRun) => r.rss[2] - r.rss[0];
  const mib = (n: number) => `${n >= 0 ? "+" : ""}${fmt(n / MiB, 1)}`;
  ctx.table(
    [
      "stream",
      "lines",
      "status",
      "accepted",
      "seconds",
      "lines/s",
      "RSS at 10 % MiB",
      "at 50 %",
      "at 100 %",
      "10 % → 100 % MiB",
    ],
    runs.map(([name, r]) => [
      name,
      fmt(total),
      r.status,
      fmt(r.accepted),
      fmt(r.seconds, 1),
      fmt(total / r.seconds),
      fmt(r.rss[0] / MiB, 1),
      fmt(r.rss[1] / MiB, 1),
      fmt(r.rss[2] / MiB, 1),
      mib(growth(r)),
    ]),
  );
  const bad = runs.filter(([, r]) => r.accepted !== total);
  const verdict = (r: StreamRun) =>
    Math.abs(growth(r)) <= 20 * MiB ? "holds" : "does not hold";
  out(
    `Target: accepted = ${fmt(total)} (${
      bad.length === 0
        ? "yes"
        : bad.map(([n, r]) => `${n}: ${r.status} ${r.text.slice(0, 200)}`)
          .join("; ")
    }) and RSS at 100 % within 20 MiB of RSS at 10 % (first stream: ${
      verdict(runs[0][1])
    }, ${mib(growth(runs[0][1]))} MiB; second: ${verdict(runs[1][1])}, ${
      mib(growth(runs[1][1]))
    } MiB). RSS before the first: ${fmt(rssBefore / MiB, 1)} MiB.`,
  );
  out();
}

export async function publishingCase(ctx: Ctx): Promise<void> {
  ctx.out("## 8. Publishing");
  ctx.out();
  ctx.out(
    "Every server here starts with the default configuration: no fixed publish rate, the load",
  );
  ctx.out(
    "shedder refusing only the heaviest address while the event loop is > 100 ms late.",
  );
  ctx.out();
  await fastPublishers(ctx);
  await lineFormats(ctx);
  await longStream(ctx);
}

/** A loop's counts before it has sent anything. */
function emptyLoop(): LoopResult {
  return { sent: 0, ok: 0, refused: 0, other: 0, latenciesMs: [], seconds: 0 };
}
