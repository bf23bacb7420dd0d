// The page in a second real engine: Debian's Firefox ESR, headless, over WebDriver BiDi
// (puppeteer-core). The main behaviours of the Chromium suite, read off the page the same way:
// a live trace drawn on the canvas, measurements of a known sine, a triggered sweep that stands
// still while data streams, the FFT's peak, and no console errors.
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { TRACE_COLORS } from "../lib/scope/palette.ts";
import { launchFirefox } from "../tools/browser.ts";
import { post, withServer } from "./helpers.ts";
import { readColumns } from "./pixels.ts";
import { OUTPUT } from "./scope_page.ts";

/** For each column of the chart's canvases, the top row holding the first trace colour or -1. */
async function traceTops(page: Page): Promise<number[]> {
  const { top } = await page.evaluate(
    readColumns,
    [TRACE_COLORS[0], "exact"] as const,
  );
  return top;
}

function text(page: Page, selector: string): Promise<string | null> {
  return page.$eval(selector, (e) => e.textContent).catch(() => null);
}

async function waitText(
  page: Page,
  selector: string,
  want: RegExp,
  timeoutMs = 8000,
) {
  const until = Date.now() + timeoutMs;
  let got: string | null = null;
  while (Date.now() < until) {
    got = await text(page, selector);
    if (got !== null && want.test(got)) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${selector} reads ${JSON.stringify(got)}, not ${want}`);
}

Deno.test({
  name:
    "firefox - the page draws, measures, triggers still on streaming data and finds the FFT peak",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await Deno.stat(new URL("../static/scope.js", import.meta.url));
    await withServer({}, async (base) => {
      const x = Array.from({ length: 4000 }, (_, i) => i / 1000);
      const sine = (t: number) => 3 * Math.sin(2 * Math.PI * 5 * t);
      assert.equal(
        (await post(base, { channel: "sine", x, y: x.map(sine) })).status,
        200,
      );
      const browser = await launchFirefox();
      const errors: string[] = [];
      let on = true;
      try {
        const page = await browser.newPage();
        page.on(
          "console",
          (m) => m.type() === "error" && errors.push(m.text()),
        );
        page.on("pageerror", (e) => errors.push(String(e)));
        await page.setViewport({ width: 1280, height: 800 });
        await page.goto(`${base}/?roll=1`);
        await page.waitForSelector(".conn[data-state=live]", {
          timeout: 10_000,
        });
        const row = '.measure tr[data-channel="sine"]';
        await waitText(
          page,
          `${row} [data-m="frequency"]`,
          /^(5\.00\d|4\.99\d) Hz$/,
        );
        assert.equal(await text(page, `${row} [data-m="peakToPeak"]`), "6");
        assert.equal(await text(page, `${row} [data-m="count"]`), "4000");
        assert.equal(
          Number(await text(page, `${row} [data-m="rms"]`)).toFixed(2),
          (3 / Math.SQRT2).toFixed(2),
        );
        const traced = (await traceTops(page)).filter((y) => y >= 0).length;
        assert.ok(traced > 800, `the trace is drawn: ${traced} columns`);

        // stream on from 4 s, then trigger: the sweep stands still while points arrive
        let sent = 4000;
        const t0 = performance.now();
        const streaming = (async () => {
          while (on) {
            const due = 4000 + Math.floor(performance.now() - t0);
            if (due > sent) {
              const xs = Array.from(
                { length: due - sent },
                (_, i) => (sent + i) / 1000,
              );
              await post(base, { channel: "sine", x: xs, y: xs.map(sine) });
              sent = due;
            }
            await new Promise((r) => setTimeout(r, 40));
          }
        })();
        await page.keyboard.press("t");
        await page.waitForSelector('[data-acq-status="trig\'d"]', {
          timeout: 5000,
        });
        await new Promise((r) => setTimeout(r, 500));
        const axis = () =>
          page.$eval(".chart", (e) => (e as HTMLElement).dataset.points);
        const before = await axis();
        await new Promise((r) => setTimeout(r, 700));
        assert.notEqual(await axis(), before, "points kept arriving");
        assert.equal(
          await page.$eval(
            "[data-acq-status]",
            (e) => e.getAttribute("data-acq-status"),
          ),
          "trig'd",
        );
        await page.screenshot({
          path: new URL("firefox-triggered.png", OUTPUT).pathname,
        });

        // the spectrum's peak at the posted 5 Hz
        await page.keyboard.press("f");
        await waitText(
          page,
          '[data-fft-peak="sine"]',
          /peak (5\.00\d|4\.99\d) Hz/,
        );
        on = false;
        await streaming;
      } finally {
        on = false;
        await browser.close();
      }
      assert.deepEqual(errors, []);
    });
  },
});
