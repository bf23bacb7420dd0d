// The readings on the glass, checked with known signals in a real browser (Chromium through
// playwright-core): measurements after the page joins a long buffer, a lagging channel on a
// triggered view, XY by x, the FFT's own record, cursors over the trigger line, the first look
// at a fast signal. Every number asserted is one a bench engineer would read off the screen.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { post } from "./helpers.ts";
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
      const page = await open(DESKTOP, "/", async (p) => {
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
