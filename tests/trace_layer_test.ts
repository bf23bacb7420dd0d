// The dense traces' layer in a real browser: a rolling screen is drawn a few columns at a time
// (the canvas moved by whole pixels, then the columns that changed), and what that leaves on the
// glass must be the picture drawn whole from the same data.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium } from "../tools/browser.ts";
import { withServer } from "./helpers.ts";

const OUTPUT = new URL("./output/", import.meta.url);

/** Every pixel of the layer canvas, as RGBA bytes. */
function layerPixels(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>("canvas.trace-layer")!;
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    return Array.from(data);
  });
}

/** The layer canvas's size in device pixels, as "WxH". */
function layerSize(page: Page): Promise<string> {
  return page.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>("canvas.trace-layer")!;
    return `${c.width}x${c.height}`;
  });
}

/**
 * POSTs `body` as a publisher should: a 429 (the load shedder, on a machine busy with the
 * rest of the suite) is retried after its Retry-After, a few times; anything else must be 200.
 */
async function postOrRetry(url: string, body: string) {
  for (let attempt = 0;; attempt++) {
    const r = await fetch(url, { method: "POST", body });
    await r.body?.cancel();
    if (r.status === 429 && attempt < 5) {
      const after = Number(r.headers.get("retry-after") ?? "0.1");
      await new Promise((ok) => setTimeout(ok, Math.min(2, after) * 1000));
      continue;
    }
    assert.equal(r.status, 200);
    return;
  }
}

/** Posts `seconds` of two channels at `rate` points/s each, in 20 ms batches, x on the clock. */
async function stream(base: string, seconds: number, rate: number) {
  const start = performance.now();
  let sent = 0;
  while (performance.now() - start < seconds * 1000) {
    const n = Math.round(rate / 50);
    const t0 = (start + (sent / rate) * 1000) / 1000;
    const x = Array.from({ length: n }, (_, i) => t0 + i / rate);
    sent += n;
    const wave = x.map((t) =>
      Math.sin(2 * Math.PI * 3 * t) + 0.2 * Math.sin(2 * Math.PI * 41 * t)
    );
    const square = x.map((t) => (Math.floor(t * 2) % 2 === 0 ? 0.5 : -0.5));
    for (const [channel, y] of [["wave", wave], ["square", square]] as const) {
      await postOrRetry(
        `${base}/data?channel=${channel}`,
        JSON.stringify({ x, y }),
      );
    }
    const wait = start + (sent / rate) * 1000 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
}

Deno.test({
  name:
    "trace layer - a screen rolled a few columns a frame is the screen drawn whole",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await Deno.mkdir(OUTPUT, { recursive: true });
    await withServer({ OSC_PUBLISH_RATE: "0" }, async (base) => {
      const browser = await launchChromium();
      try {
        // 2 s a screen, and fixed scales, so another page with the same data maps y the same
        // (an autoscaled range depends on what a page has seen)
        const url = base + "/?roll=1&t=0.2&y.wave=0.5,0&y.square=0.5,0";
        const viewport = { width: 1280, height: 720 };
        const rolling = await browser.newPage({ viewport });
        await rolling.goto(url);
        await rolling.locator(".conn[data-state=live]").waitFor();
        // at 1,000 points/s the window moves about a pixel a frame; 2.4 s, so a page that joins
        // afterwards gets every sample (no reduced snapshot)
        await stream(base, 2.4, 1000);
        // the last frames drawn, and the labels' last move (a beat later)
        await rolling.waitForTimeout(1000);
        await rolling.screenshot({
          path: new URL("layer-rolled.png", OUTPUT).pathname,
        });
        const rolled = await layerPixels(rolling);
        const lit = rolled.filter((v, i) => i % 4 === 3 && v > 0).length;
        assert.ok(lit > 5000, `the traces are on the layer (${lit} pixels)`);

        // a page that joins now draws the same data whole, at once
        const joined = await browser.newPage({ viewport });
        await joined.goto(url);
        await joined.locator(".conn[data-state=live]").waitFor();
        await joined.waitForTimeout(1000);
        assert.equal(await layerSize(joined), await layerSize(rolling));
        const whole = await layerPixels(joined);
        let differ = 0;
        for (let i = 0; i < whole.length; i += 4) {
          if (
            whole[i] !== rolled[i] || whole[i + 1] !== rolled[i + 1] ||
            whole[i + 2] !== rolled[i + 2] || whole[i + 3] !== rolled[i + 3]
          ) differ++;
        }
        assert.equal(
          differ,
          0,
          `${differ} pixels differ from the whole redraw`,
        );
      } finally {
        await browser.close();
      }
    });
  },
});
