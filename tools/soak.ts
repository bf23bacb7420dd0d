// `deno task soak [--minutes N | --seconds N | --quick]`: steady load for minutes, watching for
// what a short benchmark cannot see: errors that appear only after a while and memory that creeps.
// 4 publishers post 10-point batches every 10 ms, 50 viewers watch over /ws, a reader downloads
// every 5 s, and the server's RSS is sampled every 5 s. Everything listens on loopback and every
// process started here is stopped by PID in `finally`, on errors and Ctrl-C too.
import { parseArgs } from "node:util";
import {
  fmt,
  median,
  type Proc,
  rssBytes,
  startOscilloscope,
} from "./bench/procs.ts";

const PUBLISHERS = 4;
const VIEWERS = 50;
const POINTS_PER_BATCH = 10;
const BATCH_INTERVAL_MS = 10;
const SAMPLE_INTERVAL_MS = 5000;
const REQUEST_TIMEOUT_MS = 5000;
const CAPACITY = 100_000;
const MIB = 2 ** 20;

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    minutes: { type: "string" },
    seconds: { type: "string" },
    quick: { type: "boolean", default: false },
  },
});
const durationS = flags.quick
  ? 20
  : flags.seconds !== undefined
  ? Number(flags.seconds)
  : flags.minutes !== undefined
  ? Number(flags.minutes) * 60
  : 180;
if (!(durationS >= 10)) {
  console.error("soak: the duration must be a number of at least 10 seconds");
  Deno.exit(2);
}
const root = new URL("../", import.meta.url).pathname;
const deno = Deno.execPath();
const channels = Array.from({ length: PUBLISHERS }, (_, i) => `soak${i}`);

const stop = new AbortController();
let stopReason = "";
function halt(reason: string): void {
  if (stop.signal.aborted) return;
  stopReason = reason;
  stop.abort();
}
const onInterrupt = () => halt("interrupted");
Deno.addSignalListener("SIGINT", onInterrupt);

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    if (stop.signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      stop.signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    stop.signal.addEventListener("abort", done);
  });

const counts = { requests: 0, non2xx: 0, fetchErrors: 0, badBodies: 0 };
let pointsAccepted = 0;
const firstErrors: string[] = [];
function noteError(kind: keyof typeof counts, what: string): void {
  counts[kind]++;
  if (firstErrors.length < 5 && !firstErrors.includes(what)) {
    firstErrors.push(what);
  }
}

/** One counted request with a timeout; returns the parsed JSON body of a 2xx answer, else null. */
async function request(
  url: string,
  init: RequestInit = {},
): Promise<unknown | null> {
  counts.requests++;
  const what = `${init.method ?? "GET"} ${new URL(url).pathname}`;
  let text: string;
  try {
    const res = await fetch(url, {
      ...init,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    text = await res.text();
    if (!res.ok) {
      noteError("non2xx", `${what}: ${res.status} ${text.slice(0, 200)}`);
      return null;
    }
  } catch (e) {
    noteError("fetchErrors", `${what}: ${e}`);
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    noteError("badBodies", `${what}: not JSON: ${text.slice(0, 200)}`);
    return null;
  }
}

/** Posts a batch every BATCH_INTERVAL_MS until stopped; y is the send time in epoch ms. */
async function publisher(base: string, channel: string): Promise<void> {
  let x = CAPACITY;
  let due = performance.now();
  while (!stop.signal.aborted) {
    const now = performance.timeOrigin + performance.now();
    const xs = Array.from({ length: POINTS_PER_BATCH }, () => x++);
    const body = await request(`${base}/data?channel=${channel}`, {
      method: "POST",
      body: JSON.stringify({ x: xs, y: xs.map(() => now) }),
    }) as { accepted?: number } | null;
    if (body !== null) {
      if (body.accepted === POINTS_PER_BATCH) pointsAccepted += body.accepted;
      else noteError("badBodies", `POST /data: ${JSON.stringify(body)}`);
    }
    // a steady rate: after a stall, carry on from now instead of bursting to catch up
    due = Math.max(due + BATCH_INTERVAL_MS, performance.now());
    await sleep(due - performance.now());
  }
}

/** Every SAMPLE_INTERVAL_MS one download of a channel's newest 1000 points and one health check. */
async function reader(base: string): Promise<void> {
  for (let i = 0; !stop.signal.aborted; i++) {
    const channel = channels[i % channels.length];
    const data = await request(
      `${base}/data?channel=${channel}&limit=1000`,
    ) as { channels?: Record<string, { x: number[] }> } | null;
    if (data !== null && data.channels?.[channel]?.x.length !== 1000) {
      noteError("badBodies", `GET /data: no 1000 points for ${channel}`);
    }
    const health = await request(`${base}/healthz`) as
      | { status?: string }
      | null;
    if (health !== null && health.status !== "ok") {
      noteError("badBodies", `GET /healthz: ${JSON.stringify(health)}`);
    }
    await sleep(SAMPLE_INTERVAL_MS);
  }
}

/** Fills every channel to capacity, so RSS growth during the run means a leak, not buffers filling. */
async function prefill(base: string): Promise<void> {
  const chunk = 10_000;
  const pairs = new Float64Array(chunk * 2).map((_, i) => i % 2 ? 0 : i / 2);
  for (const channel of channels) {
    for (let n = 0; n < CAPACITY && !stop.signal.aborted; n += chunk) {
      const res = await fetch(`${base}/data?channel=${channel}`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: pairs,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`prefill failed: ${await res.text()}`);
      await res.body?.cancel();
    }
  }
}

interface ViewerStats {
  samples: number;
  p50: number;
  p99: number;
  max: number;
  bytes: number;
  closed: number;
}

/** Starts tools/bench/viewers.ts and waits (at most 30 s) for its "ready". */
async function startViewers(base: string) {
  const child = new Deno.Command(deno, {
    args: [
      "run",
      "--allow-net",
      `${root}tools/bench/viewers.ts`,
      base,
      String(VIEWERS),
      "f64",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  };
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const readAll = (async () => {
    for (;;) {
      const { value, done } = await lines.read();
      if (done) return;
      text += value;
    }
  })();
  let exited = false;
  child.status.then(() => exited = true);
  const deadline = Date.now() + 30_000;
  while (!text.includes("ready")) {
    if (exited || Date.now() > deadline || stop.signal.aborted) {
      kill("SIGKILL");
      await child.status;
      throw new Error(
        exited
          ? "the viewers exited before they were ready"
          : "the viewers were not ready within 30 s",
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  let finished: Promise<ViewerStats | null> | null = null;
  return {
    pid: child.pid,
    /** SIGTERM, then the JSON it prints; SIGKILL if it has not exited 10 s later. */
    finish(): Promise<ViewerStats | null> {
      finished ??= (async () => {
        kill("SIGTERM");
        const timer = setTimeout(() => kill("SIGKILL"), 10_000);
        await child.status;
        clearTimeout(timer);
        await readAll;
        try {
          return JSON.parse(text.trim().split("\n").at(-1)!) as ViewerStats;
        } catch {
          return null; // killed (Ctrl-C reaches the whole process group) before it could report
        }
      })();
      return finished;
    },
  };
}

const mib = (bytes: number) => fmt(bytes / MIB, 1);

/** Samples RSS every SAMPLE_INTERVAL_MS until `endAt`, printing one table row per sample. */
async function sampleRss(
  pid: number,
  startedAt: number,
  endAt: number,
  samples: { t: number; rss: number }[],
): Promise<void> {
  let lastPoints = pointsAccepted;
  let lastMs = performance.now();
  console.log("| t s | server RSS MiB | requests | errors | points/s |");
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (
    let next = startedAt;;
    next = Math.min(next + SAMPLE_INTERVAL_MS, endAt)
  ) {
    await sleep(next - performance.now());
    if (stop.signal.aborted) return;
    const nowMs = performance.now();
    const t = Math.round((nowMs - startedAt) / 1000);
    let rss: number;
    try {
      rss = await rssBytes(pid);
    } catch {
      return halt("the server exited");
    }
    samples.push({ t, rss });
    const errors = counts.non2xx + counts.fetchErrors + counts.badBodies;
    const rate = t === 0
      ? NaN
      : (pointsAccepted - lastPoints) * 1000 / (nowMs - lastMs);
    [lastPoints, lastMs] = [pointsAccepted, nowMs];
    console.log(
      `| ${t} | ${mib(rss)} | ${fmt(counts.requests)} | ${errors} | ${
        fmt(rate)
      } |`,
    );
    if (next >= endAt) return;
  }
}

let server: Proc | null = null;
let viewers: Awaited<ReturnType<typeof startViewers>> | null = null;
let exitCode = 1;
// whatever happens, the run ends: the load phase plus a minute for start-up and stopping
const watchdog = setTimeout(
  () => halt("took too long"),
  (durationS + 60) * 1000,
);
try {
  console.log(
    `soak: ${durationS} s, ${PUBLISHERS} publishers × ${POINTS_PER_BATCH} points / ${BATCH_INTERVAL_MS} ms, ${VIEWERS} f64 viewers, capacity ${
      fmt(CAPACITY)
    }`,
  );
  server = await startOscilloscope({ OSC_CAPACITY: String(CAPACITY) });
  const setupMs = [performance.now()];
  await prefill(server.base);
  setupMs.push(performance.now());
  if (!stop.signal.aborted) viewers = await startViewers(server.base);
  setupMs.push(performance.now());
  console.log(
    `set-up: ${channels.length} channels filled in ${
      fmt((setupMs[1] - setupMs[0]) / 1000, 1)
    } s, viewers ready in ${fmt((setupMs[2] - setupMs[1]) / 1000, 1)} s`,
  );

  const samples: { t: number; rss: number }[] = [];
  const startedAt = performance.now();
  const endAt = startedAt + durationS * 1000;
  const load = [
    ...channels.map((c) => publisher(server!.base, c)),
    reader(server.base),
  ];
  await sampleRss(server.pid, startedAt, endAt, samples);
  halt("");
  const elapsedS = (performance.now() - startedAt) / 1000;
  await Promise.all(load);
  // deltas still in the hub's tick reach the viewers before they report
  await new Promise((r) => setTimeout(r, 500));
  const seen = await viewers?.finish() ?? null;

  // the t = 0 sample is taken before the load starts, so it stays out of the medians
  const loaded = samples.filter((s) => s.t > 0);
  const ranS = loaded.at(-1)?.t ?? 0;
  // the first third is warm-up (the heap grows to its working size under 50 viewers); a leak
  // shows as growth from the middle third to the last one
  const third = ranS / 3;
  const medianOf = (from: number, to: number) =>
    median(loaded.filter((s) => s.t > from && s.t <= to).map((s) => s.rss));
  const warmMed = medianOf(0, third);
  const firstMed = medianOf(third, 2 * third);
  const lastMed = medianOf(2 * third, ranS);
  const growth = lastMed - firstMed;
  const rssAll = loaded.map((s) => s.rss);
  const errors = counts.non2xx + counts.fetchErrors + counts.badBodies;

  console.log();
  console.log(
    `requests        ${fmt(counts.requests)} in ${fmt(elapsedS)} s (${
      fmt(counts.requests / elapsedS)
    }/s)`,
  );
  console.log(
    `errors          ${errors} (non-2xx ${counts.non2xx}, fetch errors ${counts.fetchErrors}, unexpected bodies ${counts.badBodies})`,
  );
  for (const e of firstErrors) console.log(`  e.g. ${e}`);
  console.log(
    `points accepted ${fmt(pointsAccepted)} (${
      fmt(pointsAccepted / elapsedS)
    }/s)`,
  );
  console.log(
    seen
      ? `viewers         ${VIEWERS}, closed early ${seen.closed}, ${
        fmt(seen.bytes / MIB, 1)
      } MiB received; latency p50 ${fmt(seen.p50, 1)} ms, p99 ${
        fmt(seen.p99, 1)
      } ms, max ${fmt(seen.max, 1)} ms (${fmt(seen.samples)} points timed)`
      : "viewers         no report",
  );
  console.log(
    `server RSS      first ${mib(rssAll[0])} MiB, last ${
      mib(rssAll.at(-1)!)
    } MiB, max ${mib(Math.max(...rssAll))} MiB`,
  );
  console.log(
    `RSS growth      ${mib(growth)} MiB (${
      fmt(growth / firstMed * 100, 1)
    } %) after warm-up: median of the ` +
      `middle third ${mib(firstMed)} MiB → last third ${
        mib(lastMed)
      } MiB (first third ${mib(warmMed)} MiB)`,
  );

  const reasons: string[] = [];
  if (stopReason) reasons.push(stopReason);
  if (errors > 0) reasons.push(`${errors} errors`);
  if (!seen) reasons.push("the viewers did not report");
  else if (seen.closed > 0) reasons.push(`${seen.closed} viewers closed`);
  else if (seen.samples === 0) reasons.push("the viewers received no points");
  if (loaded.length < 3) reasons.push("too few RSS samples");
  else if (!(growth < 0.1 * firstMed || growth < 20 * MIB)) {
    reasons.push(`RSS grew ${mib(growth)} MiB`);
  }
  console.log(
    reasons.length ? `soak: FAILED (${reasons.join(", ")})` : "soak: OK",
  );
  exitCode = reasons.length ? 1 : 0;
} catch (e) {
  const message = e instanceof Error ? e.message : String(e);
  console.error(
    `soak: FAILED (${stopReason ? `${stopReason}: ` : ""}${message})`,
  );
} finally {
  halt("");
  clearTimeout(watchdog);
  await viewers?.finish().catch(() => null);
  await server?.stop().catch(() => {});
  Deno.removeSignalListener("SIGINT", onInterrupt);
}
Deno.exit(exitCode);
