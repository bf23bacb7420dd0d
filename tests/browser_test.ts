// The oscilloscope in a real browser: Debian's Chromium driven by playwright-core. Points are
// posted over HTTP and the test checks what a person would see: the status, the legend values,
// and trace-coloured pixels spread across the chart.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchChromium } from "../tools/browser.ts";
import { columnProfile } from "./pixels.ts";
import { TRACE_COLORS } from "../lib/scope/palette.ts";
import { post, withServer } from "./helpers.ts";

const OUTPUT = new URL("./output/", import.meta.url);

async function bundleExists(): Promise<void> {
  try {
    await Deno.stat(new URL("../static/scope.js", import.meta.url));
  } catch {
    throw new Error(
      "static/scope.js is missing: run `deno task bundle` (deno task test does it first)",
    );
  }
}

/** Pixels of the chart's canvases within a small distance of `hex`, and their horizontal extent. */
function tracePixels(page: Page, hex: string) {
  return page.evaluate((hex) => {
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let count = 0;
    let minX = Infinity;
    let maxX = -Infinity;
    let width = 0;
    for (
      const canvas of document.querySelectorAll<HTMLCanvasElement>(
        ".chart canvas",
      )
    ) {
      const ctx = canvas.getContext("2d");
      if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
      width = Math.max(width, canvas.width);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (
          Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) +
                Math.abs(data[i + 2] - b) < 60 && data[i + 3] > 200
        ) {
          count++;
          const x = (i / 4) % canvas.width;
          minX = Math.min(minX, x);
          maxX = Math.max(maxX, x);
        }
      }
    }
    return { count, minX, maxX, width };
  }, hex);
}

Deno.test({
  name:
    "browser - posted points appear live on the chart, with no console errors",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await bundleExists();
    await Deno.mkdir(OUTPUT, { recursive: true });
    await withServer({}, async (base) => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({
          viewport: { width: 1280, height: 800 },
        });
        const errors: string[] = [];
        page.on(
          "console",
          (m) => m.type() === "error" && errors.push(m.text()),
        );
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(base + "/");

        // empty state: the exact command for this server, and a live connection
        await page.locator(".conn[data-state=live]").waitFor({
          timeout: 10_000,
        });
        const command = await page.locator(".empty-cmd").textContent();
        assert.ok(
          command?.includes(`${base}/data`),
          `curl command names this server: ${command}`,
        );
        const yellow = TRACE_COLORS[0];
        assert.equal(
          (await tracePixels(page, yellow)).count,
          0,
          "no trace before any data",
        );
        await page.screenshot({
          path: new URL("browser-empty.png", OUTPUT).pathname,
        });

        // a sine on one channel, and one point on another
        const n = 400;
        const x = Array.from({ length: n }, (_, i) => i * 0.01);
        const y = x.map((t) => 20 * Math.sin(2 * Math.PI * t));
        assert.equal((await post(base, { x, y, channel: "sine" })).status, 200);
        assert.equal((await post(base, { x: 2, y: 56.78 })).status, 200);

        await page.locator('.chip[data-channel="default"] [data-value]', {
          hasText: "56.78",
        }).waitFor({ timeout: 5000 });
        await page.waitForFunction(() =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) === 401
        );
        assert.equal(
          await page.locator(".empty").count(),
          0,
          "the empty state is gone",
        );
        await page.waitForTimeout(300); // let the frame that drew the data reach the canvas
        const drawn = await tracePixels(page, yellow);
        assert.ok(
          drawn.count > 500,
          `sine drawn in yellow: ${drawn.count} pixels`,
        );
        // x is proportional: a sine over 0..4 spans most of the plot, not a corner of it
        assert.ok(
          drawn.maxX - drawn.minX > drawn.width * 0.7,
          `spread ${drawn.minX}..${drawn.maxX} of ${drawn.width}`,
        );
        const second = await tracePixels(page, TRACE_COLORS[1]);
        assert.ok(second.count > 0, "the second channel has its own colour");

        // the crosshair reads x under the mouse
        const box = (await page.locator(".chart").boundingBox())!;
        await page.mouse.move(
          box.x + box.width * 0.4,
          box.y + box.height * 0.5,
        );
        await page.locator(".readout-x").waitFor({ timeout: 2000 });
        assert.match(
          (await page.locator(".readout-x").textContent())!,
          /^x -?\d/,
        );
        await page.screenshot({
          path: new URL("browser-desktop.png", OUTPUT).pathname,
        });

        // live deltas keep coming, and x going backwards (a restarted sender) starts a new sweep
        await post(base, { x: [4.01, 4.02], y: [1, 2], channel: "sine" });
        await post(base, { x: [0, 0.5, 1], y: [5, -5, 5], channel: "sine" });
        await page.waitForFunction(() =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) === 4
        );
        assert.deepEqual(errors, [], "no console errors");

        const phone = await browser.newPage({
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 2,
        });
        await phone.goto(base + "/");
        await phone.locator(".conn[data-state=live]").waitFor({
          timeout: 10_000,
        });
        await phone.waitForTimeout(500);
        await phone.screenshot({
          path: new URL("browser-phone.png", OUTPUT).pathname,
        });
      } finally {
        await browser.close();
      }
    });
  },
});

Deno.test({
  name:
    "browser - the page shows the lost connection, reconnects by itself and catches up",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await bundleExists();
    const { createApp } = await import("../app.ts");
    const { loadConfig } = await import("../lib/server/config.ts");
    const serve = (port: number) => {
      const app = createApp(loadConfig({}));
      const server = Deno.serve(
        { hostname: "127.0.0.1", port, onListen() {} },
        app.fetch,
      );
      return { app, server, base: `http://127.0.0.1:${server.addr.port}` };
    };
    let first = serve(0);
    const port = first.server.addr.port;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({
        viewport: { width: 1000, height: 600 },
      });
      await post(first.base, { x: [0, 1], y: [1, 2] });
      await page.goto(first.base + "/");
      await page.locator(".conn[data-state=live]").waitFor({ timeout: 10_000 });

      // the server goes away: viewers get 1001 and the indicator says so
      first.app.close();
      await first.server.shutdown();
      await page.locator(".conn[data-state=reconnecting]").waitFor({
        timeout: 5000,
      });
      assert.match(
        (await page.locator(".conn").textContent())!,
        /reconnecting/,
      );

      // it comes back on the same port, empty, counting seqs from 1 again: the page returns to
      // live, drops what the old server had, and shows what is published from then on
      first = serve(port);
      await page.locator(".conn[data-state=live]").waitFor({ timeout: 15_000 });
      await page.waitForFunction(() =>
        Number(
          document.querySelector<HTMLElement>(".chart")?.dataset.points,
        ) === 0
      );
      await post(first.base, { x: 5, y: 9.25 });
      await page.locator('.chip[data-channel="default"] [data-value]', {
        hasText: "9.25",
      }).waitFor({ timeout: 5000 });
      await page.waitForFunction(() =>
        Number(
          document.querySelector<HTMLElement>(".chart")?.dataset.points,
        ) === 1
      );
    } finally {
      await browser.close();
      first.app.close();
      await first.server.shutdown();
    }
  },
});

Deno.test({
  name:
    "browser - a viewer joining a 200k-point buffer (M4 snapshot) sees what a live viewer sees",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await bundleExists();
    await Deno.mkdir(OUTPUT, { recursive: true });
    const env = {
      OSC_SNAPSHOT_POINTS: "200000",
      OSC_CAPACITY: "200000",
      OSC_MAX_BODY: "16MiB",
      OSC_MAX_BATCH: "200000",
    };
    await withServer(env, async (base) => {
      const browser = await launchChromium();
      try {
        const viewport = { width: 1280, height: 720 };
        const live = await browser.newPage({ viewport });
        await live.goto(base + "/?roll=1");
        await live.locator(".conn[data-state=live]").waitFor({
          timeout: 10_000,
        });
        // noise, a slow wave and a few one-sample spikes: the hard case for decimation
        let seed = 7;
        const random =
          () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
        for (let batch = 0; batch < 10; batch++) {
          const pairs = new Float64Array(40_000);
          for (let i = 0; i < 20_000; i++) {
            const x = batch * 20_000 + i;
            pairs[2 * i] = x;
            pairs[2 * i + 1] = 10 * Math.sin(x / 9000) + 3 * random() +
              (x % 33_331 === 0 ? 30 : 0);
          }
          const r = await fetch(`${base}/data`, {
            method: "POST",
            headers: { "content-type": "application/octet-stream" },
            body: pairs,
          });
          assert.equal(r.status, 200);
          await r.body?.cancel();
        }
        await live.waitForFunction(() =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) === 200_000
        );

        const joined = await browser.newPage({ viewport });
        // the page then fetches every sample to measure them; held back here, so what is
        // compared is the picture the cut-down snapshot alone draws
        let release = () => {};
        const released = new Promise<void>((r) => (release = r));
        await joined.route(/format=f64/, async (route) => {
          await released;
          await route.continue().catch(() => {});
        });
        await joined.goto(base + "/?roll=1");
        await joined.waitForFunction(() =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) > 0
        );
        const held = await joined.evaluate(() =>
          Number(document.querySelector<HTMLElement>(".chart")?.dataset.points)
        );
        assert.ok(
          held < 20_000,
          `the joining page got a decimated snapshot (${held} points)`,
        );
        await live.waitForTimeout(400);
        await joined.waitForTimeout(400);
        await live.screenshot({
          path: new URL("m4-live.png", OUTPUT).pathname,
        });
        await joined.screenshot({
          path: new URL("m4-joined.png", OUTPUT).pathname,
        });

        const a = await columnProfile(live, TRACE_COLORS[0], "exact");
        const b = await columnProfile(joined, TRACE_COLORS[0], "exact");
        let drawn = 0;
        let differ = 0;
        let worst = 0;
        // the joining page rolls on the 1-2-5 grid its snapshot's buckets nest in, the live one
        // on two slots per pixel, a fraction of a pixel apart: each edge of a column is held to
        // the range the live page's edges span a column either side (on a slope, or on the
        // line up to a spike, half a column moves an edge), and every spike of the live page
        // must stand as high within a column of it. A notch in the band or a lost spike does not.
        const within = (edge: number[], x: number, want: number) => {
          let lo = Infinity;
          let hi = -Infinity;
          for (let dx = -1; dx <= 1; dx++) {
            const v = edge[x + dx];
            if (v === undefined || v === -1) continue;
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
          return want < lo ? lo - want : want > hi ? want - hi : 0;
        };
        let spikes = 0;
        let lostSpikes = 0;
        for (let x = 0; x < a.top.length; x++) {
          if (a.top[x] === -1 && b.top[x] === -1) continue;
          drawn++;
          const d = Math.max(
            within(a.top, x, b.top[x]),
            within(a.bottom, x, b.bottom[x]),
          );
          worst = Math.max(worst, d);
          if (d > 1) differ++;
          // a spike's peak: the live page's highest row within three columns, far above the band
          const around = Math.min(a.top[x - 3] ?? -1, a.top[x + 3] ?? -1);
          const peak = Math.min(
            ...a.top.slice(Math.max(0, x - 3), x + 4).filter((v) => v !== -1),
          );
          if (
            around !== -1 && a.top[x] !== -1 && a.top[x] === peak &&
            a.top[x] < around - 20
          ) {
            spikes++;
            const tallest = Math.min(
              ...[-1, 0, 1].map((dx) => b.top[x + dx] ?? Infinity).filter((
                v,
              ) => v !== -1),
            );
            if (tallest > a.top[x] + 1) lostSpikes++;
          }
        }
        assert.ok(spikes >= 5, `the live page shows its spikes (${spikes})`);
        assert.equal(lostSpikes, 0, "every spike stands as high after joining");
        console.log(
          `m4: ${held} points, ${drawn} columns drawn, ${differ} differ by more than 1 px, worst ${worst} px`,
        );
        assert.ok(drawn > 1000, `${drawn} columns hold the trace`);
        assert.ok(
          differ <= drawn * 0.01,
          `${differ} of ${drawn} columns differ by more than 1 px`,
        );
        release();
      } finally {
        await browser.close();
      }
    });
  },
});
