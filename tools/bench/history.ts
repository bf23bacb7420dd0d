// Case 11: the long history. What keeping it costs ingest (the same server with OSC_HISTORY on
// and off, side by side), and an hour of a 10 kHz channel fed fast: the memory it takes, and
// GET /data windows of it from 10 ms to the whole hour at 2,000 points — the server's own time
// for each (Server-Timing), where each came from, and, where every sample is still held, whether
// the picture is the one every sample draws.
import { launchChromium } from "../browser.ts";
import type { CaseContext } from "./context.ts";
import { rssBytes } from "./procs.ts";
import { metric } from "./publishing.ts";
import { wrk, type WrkResult } from "./wrk.ts";

interface Ctx extends CaseContext {
  seconds: number;
  rounds: number;
}

const RATE = 10_000;
const PER_BODY = 100_000;

/** The bench's signal: a 50 Hz sine whose amplitude is its minute plus one, with a little noise. */
function signal(t: number): number {
  const noise = Math.sin(t * 7919.3) * 0.05;
  return (Math.floor(t / 60) + 1) * Math.sin(2 * Math.PI * 50 * t) + noise;
}

const xAt = (i: number) => (i + 0.5) / RATE;

/** Per column of [from, to], the lowest and highest y of `x`/`y` in it. */
function envelope(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  from: number,
  to: number,
  columns: number,
): string {
  const lo = new Float64Array(columns).fill(Infinity);
  const hi = new Float64Array(columns).fill(-Infinity);
  const w = (to - from) / columns;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < from || x[i] > to) continue;
    const c = Math.min(columns - 1, Math.floor((x[i] - from) / w));
    if (y[i] < lo[c]) lo[c] = y[i];
    if (y[i] > hi[c]) hi[c] = y[i];
  }
  return `${lo.join()}|${hi.join()}`;
}

export async function historyCase(ctx: Ctx): Promise<void> {
  const { out, table, fmt, median, ratio, quick } = ctx;
  out("## 11. Long history");
  out();

  // --- the cost to ingest: on vs off, interleaved rounds
  const column = JSON.stringify({
    y: Array.from({ length: 1000 }, (_, i) => Math.sin(i / 10)),
  });
  const shapes: [string, string, number][] = [
    ['single point `{"y":…}`, 50 connections', '{"y":1.5}', 50],
    ['1000-value columns `{"y":[…]}`, 8 connections', column, 8],
  ];
  const on = await ctx.ours({});
  const off = await ctx.ours({ OSC_HISTORY: "off" });
  const rows: (string | number)[][] = [];
  try {
    for (const [name, body, connections] of shapes) {
      const runs: { on: WrkResult[]; off: WrkResult[] } = { on: [], off: [] };
      const points = body === column ? 1000 : 1;
      for (let r = 0; r < Math.max(2, ctx.rounds + (ctx.rounds % 2)); r++) {
        // each goes first in turn: whichever runs first in a round does better on this machine
        const order = r % 2 === 0
          ? [["on", on], ["off", off]] as const
          : [["off", off], ["on", on]] as const;
        for (const [key, p] of order) {
          runs[key].push(
            await wrk(`${p.base}/data?channel=h`, body, {
              contentType: "application/json",
              connections,
              seconds: ctx.seconds,
            }),
          );
        }
      }
      const a = median(runs.on.map((r) => r.rps)) * points;
      const b = median(runs.off.map((r) => r.rps)) * points;
      rows.push([name, fmt(a), fmt(b), ratio(a, b)]);
    }
  } finally {
    await on.stop();
    await off.stop();
  }
  out(
    `Ingest with the history on (the default, 24 h) and off, the same server side by side; ${ctx.seconds} s × ${ctx.rounds} rounds, medians. Values without x get the receive time, so x ascends as the history wants.`,
  );
  out();
  table(["body", "points/s, history on", "points/s, off", "on / off"], rows);
  out("Target: ≥ 0.90×.");
  out();

  // --- an hour at 10 kHz, fed as fast as the server takes it
  const seconds = quick ? 360 : 3600;
  const total = RATE * seconds;
  const server = await ctx.ours({ OSC_MAX_BODY: "8MiB" });
  try {
    const idle = await rssBytes(server.pid);
    const t0 = performance.now();
    for (let start = 0; start < total; start += PER_BODY) {
      const pairs = new Float64Array(PER_BODY * 2);
      for (let i = 0; i < PER_BODY; i++) {
        const t = xAt(start + i);
        pairs[2 * i] = t;
        pairs[2 * i + 1] = signal(t);
      }
      const res = await fetch(`${server.base}/data?channel=hour`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: pairs,
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`feeding the hour: ${res.status}`);
    }
    const feedS = (performance.now() - t0) / 1000;
    const rss = await rssBytes(server.pid);
    const historyBytes = await metric(server.base, "osc_history_bytes");
    out(
      `${fmt(total)} points (${seconds / 60} min at 10 kHz) fed in ${
        fmt(feedS, 1)
      } s (${
        fmt(total / feedS)
      } points/s). The ring holds the newest 100,000 (10 s); the history ${
        fmt(historyBytes / 2 ** 20, 2)
      } MiB (osc_history_bytes); the server's RSS grew ${
        fmt((rss - idle) / 2 ** 20, 1)
      } MiB over idle (${fmt(idle / 2 ** 20, 1)} MiB).`,
    );
    out();

    // --- windows of it
    const spans = [0.01, 0.1, 1, 10, 60, 600, seconds];
    const windowRows: (string | number)[][] = [];
    for (const span of spans) {
      const times: number[] = [];
      const resolutions = new Set<string>();
      let equal = 0;
      let comparable = 0;
      let points = 0;
      const positions = span >= seconds ? [0] : [0.02, 0.25, 0.5, 0.75, 0.9995];
      for (const at of positions) {
        const from = span >= seconds ? 0 : Math.max(0, (seconds - span) * at);
        const to = from + span;
        const res = await fetch(
          `${server.base}/data?channel=hour&from=${from}&to=${to}&max_points=2000`,
        );
        const timing = res.headers.get("server-timing") ?? "";
        const body = await res.json();
        times.push(Number(/dur=([\d.]+)/.exec(timing)?.[1]));
        const ch = body.channels.hour;
        points = Math.max(points, ch.x.length);
        for (const p of ch.resolution) {
          resolutions.add(
            p.resolution === 0 ? "every sample" : `${p.resolution} s`,
          );
        }
        // where the ring holds every sample, the picture must be the one they draw
        if (
          ch.resolution.every((p: { resolution: number }) => p.resolution === 0)
        ) {
          comparable++;
          const first = Math.ceil(from * RATE - 0.5);
          const last = Math.floor(to * RATE - 0.5);
          const xs: number[] = [];
          const ys: number[] = [];
          for (let i = first; i <= last; i++) {
            xs.push(xAt(i));
            ys.push(signal(xAt(i)));
          }
          if (
            envelope(ch.x, ch.y, from, to, 500) ===
              envelope(xs, ys, from, to, 500)
          ) {
            equal++;
          }
        }
      }
      windowRows.push([
        span < 1
          ? `${span * 1000} ms`
          : span < 60
          ? `${span} s`
          : `${span / 60} min`,
        positions.length,
        fmt(median(times), 2),
        fmt(Math.max(...times), 2),
        points,
        [...resolutions].join(", "),
        comparable === 0 ? "–" : `${equal}/${comparable}`,
      ]);
    }
    out(
      "Windows at 2,000 points, at five places in the hour each (the whole hour once): the server's time for the window (Server-Timing), what it came from, and for windows the ring holds whole, whether the picture (per-column min and max over 500 columns) equals the one every sample draws.",
    );
    out();
    table([
      "window",
      "asked",
      "p50 ms",
      "max ms",
      "points",
      "from",
      "picture = every sample's",
    ], windowRows);
    out("Target: ≤ 20 ms server time for any window.");
    out();
    await zoomSteps(ctx, server.base, seconds);
  } finally {
    await server.stop();
  }
}

/**
 * In headless Chromium: the view stopped at the newest 10 ms, then zoomed out by 2× a key press
 * ("-") to the whole hour and back in ("+"). Each press that needs the server's history fetches
 * a window; the page marks the answer and the frame that shows it (performance marks), and the
 * frames between them are counted at 60 Hz.
 */
async function zoomSteps(ctx: Ctx, base: string, seconds: number) {
  const { out, fmt, median } = ctx;
  const browser = await launchChromium();
  const page = await browser.newPage({
    viewport: { width: 1280, height: 720 },
  });
  const delays: number[] = [];
  let steps = 0;
  try {
    await page.goto(base + "/");
    await page.locator(".conn[data-state=live]").waitFor({ timeout: 10_000 });
    await page.locator("[data-overview][aria-valuemax]").waitFor({
      timeout: 10_000,
    });
    await page.locator(".measure tr").first().waitFor({ timeout: 10_000 });
    // stop at the newest stretch, then narrow it to about 10 ms
    const strip = (await page.locator("[data-overview]").boundingBox())!;
    await page.mouse.click(
      strip.x + strip.width - 2,
      strip.y + strip.height / 2,
    );
    await page.locator(".held").waitFor({ timeout: 5000 });
    for (let i = 0; i < 12; i++) await page.keyboard.press("+");
    // the quick run (CI's smoke) tries a few steps only: a step the page holds itself waits
    // out the timeout below
    const presses = ctx.quick ? 3 : Math.ceil(Math.log2(seconds / 0.01));
    for (
      const key of [...Array(presses).fill("-"), ...Array(presses).fill("+")]
    ) {
      const before = await page.evaluate(() =>
        performance.getEntriesByName("osc:window-shown").length
      );
      await page.keyboard.press(key);
      steps++;
      // a window the page holds itself needs no fetch: nothing to time for it
      const shown = await page.waitForFunction(
        (n) => performance.getEntriesByName("osc:window-shown").length > n,
        before,
        { timeout: 3000 },
      ).then(() => true, () => false);
      if (!shown) continue;
      await page.waitForTimeout(150);
      const pairs = await page.evaluate(() => {
        const a = performance.getEntriesByName("osc:window-answer").map((e) =>
          e.startTime
        );
        const s = performance.getEntriesByName("osc:window-shown").map((e) =>
          e.startTime
        );
        return { a, s };
      });
      // each answer, and the first frame shown at or after it
      const last = pairs.a.at(-1)!;
      const frame = pairs.s.find((t) => t >= last);
      if (frame !== undefined) delays.push(frame - last);
    }
  } finally {
    await browser.close();
  }
  const sorted = [...delays].sort((a, b) => a - b);
  out(
    `Zooming in headless Chromium from the newest 10 ms out to the whole ${
      seconds / 60
    } min and back, 2× a key press (${steps} presses, ${delays.length} fetched a window): from the window's answer to the frame that shows it, p50 ${
      fmt(median(delays), 1)
    } ms, worst ${fmt(sorted.at(-1) ?? NaN, 1)} ms (${
      fmt((sorted.at(-1) ?? NaN) / (1000 / 60), 1)
    } frames at 60 Hz). Target: within two frames.`,
  );
  out();
}
