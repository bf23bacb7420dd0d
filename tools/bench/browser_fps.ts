// Case 5: frames per second of the live page in headless Chromium while points stream in, for
// windows of 10k, 100k and 1M points. The window is what the page holds and draws per channel
// (OSC_SNAPSHOT_POINTS), filled before measuring, then kept full by the stream.
import type { Page } from "playwright-core";
import { launchChromium } from "../browser.ts";
import type { Proc } from "./procs.ts";

interface Ctx {
  quick: boolean;
  root: string;
  out: (line?: string) => void;
  table: (head: string[], rows: (string | number)[][]) => void;
  fmt: (n: number, digits?: number) => string;
  ours: (env?: Record<string, string>) => Promise<Proc>;
}

function wave(from: number, n: number): Float64Array<ArrayBuffer> {
  const pairs = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const x = from + i;
    pairs[2 * i] = x;
    pairs[2 * i + 1] = Math.sin(x / 500) * 10 + Math.sin(x / 37) +
      (x % 9973 === 0 ? 25 : 0);
  }
  return pairs;
}

async function postBinary(
  base: string,
  pairs: Float64Array<ArrayBuffer>,
): Promise<void> {
  const res = await fetch(`${base}/data?channel=fps`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: pairs,
  });
  if (!res.ok) {
    throw new Error(`post failed: ${res.status} ${await res.text()}`);
  }
  await res.body?.cancel();
}

/** Frames the page renders per second over `ms`, counted with requestAnimationFrame. */
function fps(page: Page, ms: number): Promise<number> {
  return page.evaluate((ms) =>
    new Promise<number>((resolve) => {
      let frames = 0;
      const t0 = performance.now();
      const tick = () => {
        frames++;
        const elapsed = performance.now() - t0;
        if (elapsed < ms) requestAnimationFrame(tick);
        else resolve((frames - 1) / (elapsed / 1000));
      };
      requestAnimationFrame(tick);
    }), ms);
}

export async function browserCase(ctx: Ctx): Promise<void> {
  const { out, fmt } = ctx;
  out("## 5. Browser");
  out();
  out(
    "Headless Chromium (software rendering) at 1280×720 draws the live page while the server streams",
  );
  out(
    "binary batches every 10 ms into one channel whose window is already full.",
  );
  out();
  const windows = ctx.quick ? [10_000] : [10_000, 100_000, 1_000_000];
  const rates = ctx.quick ? [1000] : [1000, 10_000, 100_000];
  const measureMs = ctx.quick ? 1000 : 3000;
  const rows: (string | number)[][] = [];
  const browser = await launchChromium();
  try {
    for (const window of windows) {
      const server = await ctx.ours({
        OSC_SNAPSHOT_POINTS: String(window),
        OSC_CAPACITY: String(Math.max(window, 100_000)),
        OSC_MAX_BODY: "64MiB",
        OSC_MAX_BATCH: String(window),
      });
      const page = await browser.newPage({
        viewport: { width: 1280, height: 720 },
      });
      try {
        // fill after the page is open, so the points arrive as live deltas and the page holds
        // every one of them (a page that joins later gets a decimated snapshot instead)
        // ?roll=1: the rolling, fitted view this case measures (a bare page would autoset on
        // a dense periodic signal, its first look)
        await page.goto(server.base + "/?roll=1");
        await page.locator(".conn[data-state=live]").waitFor({
          timeout: 10_000,
        });
        for (let i = 0; i < window; i += 50_000) {
          await postBinary(server.base, wave(i, Math.min(50_000, window - i)));
        }
        await page.waitForFunction(
          (n) =>
            Number(
              document.querySelector<HTMLElement>(".chart")?.dataset.points,
            ) === n,
          window,
          { timeout: 60_000 },
        );
        const idle = await fps(page, measureMs);
        const cells: (string | number)[] = [fmt(window), fmt(idle, 0)];
        let best = 0;
        let x = window;
        for (const rate of rates) {
          let streaming = true;
          const perBatch = Math.max(1, Math.round(rate / 100));
          const stream = (async () => {
            const t0 = performance.now();
            let sent = 0;
            while (streaming) {
              await postBinary(server.base, wave(x, perBatch));
              x += perBatch;
              sent += perBatch;
              const wait = t0 + (sent / rate) * 1000 - performance.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
            }
          })();
          await new Promise((r) => setTimeout(r, 500)); // let the stream settle
          const f = await fps(page, measureMs);
          streaming = false;
          await stream;
          cells.push(fmt(f, 0));
          if (f >= 55) best = Math.max(best, rate);
        }
        cells.push(best > 0 ? fmt(best) : "none");
        rows.push(cells);
      } finally {
        await page.close();
        await server.stop();
      }
    }
  } finally {
    await browser.close();
  }
  ctx.table([
    "window points",
    "fps idle",
    ...rates.map((r) => `fps at ${fmt(r)}/s`),
    "highest points/s at ≥ 55 fps",
  ], rows);
  out("Target: a 1M-point window at ≥ 55 fps while 100000 points/s stream in.");
  out();
}
