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
      const r = await fetch(`${base}/data?channel=${channel}`, {
        method: "POST",
        body: JSON.stringify({ x, y }),
      });
      assert.equal(r.status, 200);
      await r.body?.cancel();
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
        const page = await browser.newPage({
          viewport: { width: 1280, height: 720 },
        });
        await page.goto(base + "/?roll=1&t=0.2");
        await page.locator(".conn[data-state=live]").waitFor();
        // 2 s/screen at 1,000 points/s: the window moves about a pixel a frame
        await stream(base, 3, 1000);
        await page.waitForTimeout(400);
        const rolled = await layerPixels(page);
        await page.screenshot({
          path: new URL("layer-rolled.png", OUTPUT).pathname,
        });
        const lit = rolled.filter((v, i) => i % 4 === 3 && v > 0).length;
        assert.ok(lit > 5000, `the traces are on the layer (${lit} pixels)`);

        // a channel off and on again: the same data, grid and scale, drawn whole
        const chip = page.getByRole("button", { name: /^Channel square/ });
        await chip.click();
        await page.waitForTimeout(300);
        await chip.click();
        await page.waitForTimeout(400);
        const whole = await layerPixels(page);
        assert.equal(whole.length, rolled.length, "the same canvas size");
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
