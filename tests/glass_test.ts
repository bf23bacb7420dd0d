// The readings on the glass, checked with known signals in a real browser (Chromium through
// playwright-core): measurements after the page joins a long buffer, a lagging channel on a
// triggered view, XY by x, the FFT's own record, cursors over the trigger line, the first look
// at a fast signal. Every number asserted is one a bench engineer would read off the screen.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { TRACE_COLORS } from "../lib/scope/palette.ts";
import { stream } from "./fixtures/waves.ts";
import { post } from "./helpers.ts";
import { columnProfile, plotPixels } from "./pixels.ts";
import { DESKTOP, OUTPUT, withScope } from "./scope_page.ts";

const RATE_HZ = 1000;

/** `seconds` of channel `name` at 1 kHz from x = `x0`: y(i) of the sample index i. */
async function postSignal(
  base: string,
  name: string,
  seconds: number,
  x0: number,
  y: (i: number) => number,
): Promise<void> {
  const n = Math.round(seconds * RATE_HZ);
  // in 5 s batches, as a logger uploading its buffer would
  for (let from = 0; from < n; from += 5000) {
    const count = Math.min(5000, n - from);
    const r = await post(base, {
      channel: name,
      x: Array.from({ length: count }, (_, k) => x0 + (from + k) / RATE_HZ),
      y: Array.from({ length: count }, (_, k) => y(from + k)),
    });
    assert.equal(r.status, 200, r.text);
  }
}

/** A 50 Hz square of exactly 50 % duty, ±1: 10 samples high, 10 low. */
const square = (i: number) => (i % 20 < 10 ? 1 : -1);
/** A 50 Hz sine of amplitude 1. */
const sine = (i: number) => Math.sin((2 * Math.PI * 50 * i) / RATE_HZ);

const PREFIX: Record<string, number> = {
  n: 1e-9,
  "µ": 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
};

/** A measurement cell as a number: "50.00 Hz" → 50, "50.0 %" → 50, "≈0.707" → 0.707. */
async function reading(
  page: Page,
  channel: string,
  key: string,
): Promise<number> {
  const text = await page.locator(
    `.measure tr[data-channel="${channel}"] [data-m="${key}"]`,
  ).textContent();
  const m = /^≈?(-?[\d.]+(?:e[+-]?\d+)?)\s*(n|µ|m|k)?(Hz|s|%)?$/.exec(
    (text ?? "").trim(),
  );
  assert.ok(m, `${channel} ${key} reads a number, not "${text}"`);
  return Number(m[1]) * (m[3] === "%" ? 1 : PREFIX[m[2] ?? ""]);
}

function near(got: number, want: number, tolerance: number, what: string) {
  assert.ok(
    Math.abs(got - want) <= tolerance,
    `${what}: ${got}, want ${want} ± ${tolerance}`,
  );
}

Deno.test({
  name:
    "glass - after joining a 14 s buffer, duty, mean, RMS and frequency are right to 1 %",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      let release = () => {};
      const released = new Promise<void>((r) => (release = r));
      // two senders, the second started 0.4 s after the first
      await postSignal(base, "sq", 14, 0, square);
      await postSignal(base, "sn", 14, 0.4, sine);
      // roll and fit, as a link asks: the whole buffer measured (a bare page would autoset)
      const page = await open(DESKTOP, "/?roll=1", async (p) => {
        // hold the full-resolution fetch, so the first readings are seen for what they are
        await p.route(/format=f64/, async (route) => {
          await released;
          await route.continue();
        });
      });
      await page.locator('.measure tr[data-channel="sn"]').waitFor();
      // until every sample is there, the readings say they are estimates
      await page.locator(
        '.measure tr[data-channel="sq"] [data-m="dutyCycle"]',
        {
          hasText: "≈",
        },
      ).waitFor({ timeout: 5000 });
      release();
      await page.waitForFunction(
        () =>
          !document.querySelector(".measure")?.textContent?.includes("≈") &&
          document.querySelectorAll(".measure tbody tr").length === 2,
        undefined,
        { timeout: 10_000 },
      );
      await page.waitForTimeout(600);
      near(await reading(page, "sq", "dutyCycle"), 50, 0.5, "square duty %");
      near(await reading(page, "sq", "mean"), 0, 0.01, "square mean");
      near(await reading(page, "sq", "rms"), 1, 0.01, "square RMS");
      near(await reading(page, "sq", "frequency"), 50, 0.5, "square Hz");
      near(await reading(page, "sn", "rms"), Math.SQRT1_2, 0.007, "sine RMS");
      near(await reading(page, "sn", "mean"), 0, 0.01, "sine mean");
      near(await reading(page, "sn", "frequency"), 50, 0.5, "sine Hz");
      // every point of the window is measured, as many as were sent
      assert.equal(await reading(page, "sq", "count"), 14_000);
      await page.screenshot({
        path: new URL("glass-joined.png", OUTPUT).pathname,
      });
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "glass - triggered on one channel, a channel whose clock lags is drawn, measured, and XY pairs them by x",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      // a sine on "a", a cosine on "b" whose sender's clock is 0.35 s behind, after 1 s of both
      const stop = stream(
        base,
        [
          { channel: "a", hz: 50, amplitude: 1 },
          {
            channel: "b",
            hz: 50,
            amplitude: 1,
            phase: Math.PI / 2,
            lagS: 0.35,
          },
        ],
        RATE_HZ,
        1,
      );
      try {
        const page = await open();
        await page.locator('.measure tr[data-channel="b"]').waitFor();
        await page.waitForTimeout(500);
        // Autoset: a few periods of a, triggered on a
        await page.keyboard.press("a");
        await page.locator('[data-acq-status="trig\'d"]').waitFor({
          timeout: 5000,
        });
        await page.waitForTimeout(800);
        near(await reading(page, "b", "frequency"), 50, 0.5, "lagging b Hz");
        near(
          await reading(page, "b", "rms"),
          Math.SQRT1_2,
          0.02,
          "lagging b RMS",
        );
        near(await reading(page, "a", "frequency"), 50, 0.5, "a Hz");
        const cyan = await columnProfile(page, TRACE_COLORS[1], "hue");
        const drawn = cyan.top.filter((y) => y >= 0).length;
        assert.ok(
          drawn > 0.8 * cyan.top.length,
          `b drawn across the screen: ${drawn} columns`,
        );
        await page.screenshot({
          path: new URL("glass-lagging.png", OUTPUT).pathname,
        });
        // XY of a sine against a cosine, paired by x: a circle filling the screen both ways
        await page.keyboard.press("x");
        await page.waitForTimeout(800);
        await page.screenshot({
          path: new URL("glass-xy-lagging.png", OUTPUT).pathname,
        });
        const xy = await plotPixels(page, TRACE_COLORS[1]);
        assert.ok(xy.count > 200, `XY drawn: ${xy.count} pixels`);
        // ±1 on a 0.5/div screen: 4 of its 10 divisions wide, 4 of 8 high
        assert.ok(
          xy.spanX > 0.35 && xy.spanY > 0.45,
          `XY spans ${xy.spanX} × ${xy.spanY}`,
        );
      } finally {
        await stop();
      }
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "glass - the FFT takes a record of its own: a 50 Hz sine reads 50 Hz to 0.1 % with every window",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      await postSignal(base, "s", 20, 0, sine);
      for (const win of ["hann", "rectangular", "blackman", "flattop"]) {
        // a triggered 5 ms/div screen holds 50 samples; the spectrum must not be limited to them
        const page = await open(
          DESKTOP,
          `/?t=0.005&roll=0&trig=1&view=fft&win=${win}`,
        );
        const peak = page.locator('[data-fft-peak="s"]');
        await peak.waitFor({ timeout: 5000 });
        await page.waitForTimeout(1500);
        const text = (await peak.textContent())!;
        const m = /peak ([\d.]+) Hz · (-?[\d.]+) dB/.exec(text);
        assert.ok(m, `peak readout "${text}"`);
        near(Number(m[1]), 50, 0.05, `${win} peak Hz`);
        // amplitude 1: 0 dB (a flat top reads it best; the others within scalloping)
        near(Number(m[2]), 0, 0.5, `${win} peak dB`);
        // the record is the FFT's own: 16384 samples, bins of 61 mHz, not the screen's 50
        assert.equal(
          await page.locator("[data-fft-record]").textContent(),
          "N 16384 · Δf 61.04 mHz",
        );
        await page.screenshot({
          path: new URL(`glass-fft-${win}.png`, OUTPUT).pathname,
        });
        await page.close();
      }
      assert.deepEqual(errors, []);
    });
  },
});

/** How many pixels of a PNG are within a small distance of `hex`, counted in the page. */
function pngPixels(page: Page, png: Uint8Array, hex: string): Promise<number> {
  const url = `data:image/png;base64,${btoa(String.fromCharCode(...png))}`;
  return page.evaluate(async ([url, hex]) => {
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, img.width, img.height);
    const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (
        Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) +
            Math.abs(data[i + 2] - b) < 40
      ) n++;
    }
    return n;
  }, [url, hex] as const);
}

Deno.test({
  name:
    "glass - a cursor grabbed on the trigger line moves the cursor; cursors travel in links and PNGs",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      await postSignal(
        base,
        "s",
        4,
        0,
        (i) => 3 * Math.sin(2 * Math.PI * 5 * i / RATE_HZ),
      );
      // a triggered 50 ms/div screen, stopped so nothing moves under the pointer
      const page = await open(DESKTOP, "/?t=0.05&roll=0&trig=1");
      await page.locator('[data-acq-status="trig\'d"]').waitFor();
      await page.keyboard.press(" ");
      await page.locator('[data-acq-status="stop"]').waitFor();
      await page.locator("[data-trigger-level]").waitFor();
      await page.keyboard.press("c");
      const x1 = page.locator('[data-cursor="x1"]');
      await x1.waitFor();
      await page.waitForTimeout(300);
      const level = await page.locator("[data-trigger-level]").getAttribute(
        "aria-valuenow",
      );
      const before = Number(await x1.getAttribute("aria-valuenow"));
      // where X1 crosses the trigger line: both are under the pointer there
      const cx = (await x1.boundingBox())!;
      const line = (await page.locator("[data-trigger-level]").boundingBox())!;
      const at = { x: cx.x + cx.width / 2, y: line.y + line.height / 2 };
      await page.mouse.move(at.x, at.y);
      await page.mouse.down();
      await page.mouse.move(at.x + 100, at.y + 60, { steps: 5 });
      await page.mouse.up();
      await page.waitForTimeout(200);
      const after = Number(await x1.getAttribute("aria-valuenow"));
      assert.ok(after > before, `X1 moved right: ${before} → ${after}`);
      assert.equal(
        await page.locator("[data-trigger-level]").getAttribute(
          "aria-valuenow",
        ),
        level,
        "the trigger level stayed",
      );

      // the address bar holds the cursors; a page opened from it shows them where they were
      await page.waitForTimeout(500);
      const link = new URL(page.url());
      assert.ok(link.searchParams.has("cur"), `cursors in ${link}`);
      const other = await open(DESKTOP, link.pathname + link.search);
      const x1There = other.locator('[data-cursor="x1"]');
      await x1There.waitFor();
      assert.equal(Number(await x1There.getAttribute("aria-valuenow")), after);
      await other.close();

      // the PNG has them drawn: the dashed lines in their colours, and Δx in the caption
      const [png] = await Promise.all([
        page.waitForEvent("download"),
        page.evaluate(() =>
          document.querySelector<HTMLButtonElement>("#png")!.click()
        ),
      ]);
      const bytes = await Deno.readFile((await png.path())!);
      await Deno.writeFile(new URL("glass-cursors.png", OUTPUT), bytes);
      const xPixels = await pngPixels(page, bytes, "#8fe3ff");
      const yPixels = await pngPixels(page, bytes, "#d1b3ff");
      assert.ok(xPixels > 200, `x cursors in the PNG: ${xPixels} pixels`);
      assert.ok(yPixels > 200, `y cursors in the PNG: ${yPixels} pixels`);
      // and the trace, which is drawn on a canvas of its own over the chart's
      const trace = await pngPixels(page, bytes, TRACE_COLORS[0]);
      assert.ok(trace > 1000, `the trace in the PNG: ${trace} pixels`);
      assert.deepEqual(errors, []);
    });
  },
});

/** The middle column extent of the trace, as a fraction of its whole height on screen. */
async function bandness(page: Page): Promise<number> {
  const { top, bottom } = await columnProfile(page, TRACE_COLORS[0], "hue");
  const spans = top.map((t, i) => (t < 0 ? -1 : bottom[i] - t)).filter((d) =>
    d >= 0
  )
    .sort((a, b) => a - b);
  const rows = top.filter((t) => t >= 0);
  const height = Math.max(...bottom) - Math.min(...rows);
  return spans[Math.floor(spans.length / 2)] / height;
}

Deno.test({
  name:
    "glass - the first look at a fast signal is its waveform; a slow one rolls on a 1-2-5 timebase",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open }) => {
      // 10 s of 50 Hz: 500 periods, a solid band if fitted to 1200 pixels
      await postSignal(base, "fast", 10, 0, sine);
      const page = await open();
      await page.locator('[data-acq-status="trig\'d"]').waitFor({
        timeout: 5000,
      });
      assert.equal(
        await page.locator(".quick .stepper-value").textContent(),
        "5 ms/div",
      );
      await page.locator(".notice", { hasText: "solid band" }).waitFor();
      await page.waitForTimeout(500);
      const band = await bandness(page);
      assert.ok(
        band < 0.3,
        `a waveform, not a band: median column ${band} of the height`,
      );
      await page.screenshot({
        path: new URL("glass-first-look.png", OUTPUT).pathname,
      });
      await page.close();

      // a link keeps its own view: roll, fit, the band the user asked for
      const asked = await open(DESKTOP, "/?roll=1");
      await asked.locator('.measure tr[data-channel="fast"]').waitFor();
      await asked.waitForTimeout(1500);
      assert.equal(
        await asked.locator("[data-acq-status]").getAttribute(
          "data-acq-status",
        ),
        "roll",
      );
      await asked.close();
    });
    await withScope({}, async ({ base, open, errors }) => {
      // 4.1 s of a 2 Hz sine in one batch: rolled and fitted on 500 ms/div, sampled at 1 kHz
      await postSignal(
        base,
        "slow",
        4.1,
        0,
        (i) => Math.sin(2 * Math.PI * 2 * i / RATE_HZ),
      );
      const page = await open();
      await page.locator('.measure tr[data-channel="slow"]').waitFor();
      await page.waitForTimeout(1000);
      assert.equal(
        await page.locator("[data-acq-status]").getAttribute("data-acq-status"),
        "roll",
      );
      assert.equal(
        await page.locator(".quick .stepper-value").textContent(),
        "500 ms/div",
      );
      assert.equal(
        await page.locator(
          '.measure tr[data-channel="slow"] [data-m="sampleRate"]',
        ).textContent(),
        "1000/s",
      );
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "glass - a page whose full-sample fetch finds the server busy (503) tries again and measures every sample",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      await postSignal(base, "sq", 14, 0, square);
      let refused = 0;
      const page = await open(DESKTOP, "/?roll=1", async (p) => {
        await p.route(/format=f64/, async (route) => {
          // the first two answers: the server's own refusal while its downloads are all taken
          if (refused++ < 2) {
            await route.fulfill({
              status: 503,
              contentType: "application/json",
              headers: { "retry-after": "1" },
              body: '{"status":"error","message":"too many large downloads"}',
            });
          } else await route.continue();
        });
      });
      await page.locator('.measure tr[data-channel="sq"]').waitFor();
      // measured (the row holds dashes until then), and from every sample (no ≈)
      await page.waitForFunction(
        () =>
          /\d/.test(
            document.querySelector('.measure [data-m="count"]')?.textContent ??
              "",
          ) &&
          !document.querySelector(".measure")?.textContent?.includes("≈"),
        undefined,
        { timeout: 15_000 },
      );
      assert.ok(refused >= 3, `asked ${refused} times`);
      near(await reading(page, "sq", "dutyCycle"), 50, 0.5, "square duty %");
      assert.equal(await reading(page, "sq", "count"), 14_000);
      // the console reports the refused requests; nothing else
      assert.deepEqual(errors.filter((e) => !/503/.test(e)), []);
    });
  },
});
