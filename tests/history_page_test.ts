// The done-when of the long history: an hour streamed (fast), the page stopped, and any minute
// of the hour looked at from the overview strip, with the right picture and numbers, marked as
// summarised where they came from the server's buckets and not where every sample is held.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { amplitudeAt, HOUR_SECONDS, postHour } from "./fixtures/hour.ts";
import { OUTPUT, withScope } from "./scope_page.ts";

async function cell(page: Page, key: string): Promise<string> {
  return (await page.locator(
    `.measure tr[data-channel="hour"] [data-m="${key}"]`,
  )
    .textContent() ?? "").trim();
}

/** Clicks the overview strip at x (seconds into the hour). */
async function lookAt(page: Page, x: number): Promise<void> {
  const strip = page.locator("[data-overview]");
  const box = (await strip.boundingBox())!;
  const from = Number(await strip.getAttribute("aria-valuemin"));
  const to = Number(await strip.getAttribute("aria-valuemax"));
  await page.mouse.click(
    box.x + ((x - from) / (to - from)) * box.width,
    box.y + box.height / 2,
  );
  // a click on the strip stops the view there
  await page.locator(".held").waitFor({ timeout: 5000 });
}

/** Waits until the table's max reads `want` (±0.5 %), with or without ≈ as `summarised`. */
async function maxReads(
  page: Page,
  want: number,
  summarised: boolean,
): Promise<void> {
  await page.waitForFunction(
    ([want, summarised]) => {
      const text = document.querySelector(
        '.measure tr[data-channel="hour"] [data-m="max"]',
      )?.textContent?.trim() ?? "";
      const v = Number(text.replace("≈", ""));
      return text.startsWith("≈") === summarised &&
        Math.abs(v - want) <= want * 0.005;
    },
    [want, summarised] as const,
    { timeout: 10_000 },
  ).catch(async (e) => {
    await page.screenshot({
      path: new URL("history-failed.png", OUTPUT).pathname,
    });
    throw new Error(
      `max reads "${await cell(page, "max")}" (want ${
        summarised ? "≈" : ""
      }${want}); ${await page.locator(".status-line")
        .textContent()}; ${await page.locator(".held").textContent().catch(() =>
          "not held"
        )}: ${e}`,
    );
  });
}

Deno.test({
  name:
    "history page - after an hour, any minute of it is on screen with its amplitude, from the overview strip",
  sanitizeResources: false,
  async fn() {
    await withScope(
      { OSC_MAX_BODY: "8MiB", OSC_PUBLISH_RATE: "0" },
      async ({ base, open, errors }) => {
        await postHour(base, "hour");
        const page = await open();
        // the strip knows the whole hour once the status poll has been; the table below it has
        // its row (the layout is settled, so the strip stays where it is clicked)
        await page.locator("[data-overview]").waitFor({ timeout: 10_000 });
        await page.locator('.measure tr[data-channel="hour"]').waitFor({
          timeout: 10_000,
        });
        const strip = page.locator("[data-overview]");
        assert.ok(Number(await strip.getAttribute("aria-valuemin")) < 1);
        assert.ok(
          Number(await strip.getAttribute("aria-valuemax")) > HOUR_SECONDS - 1,
        );
        assert.match(
          (await strip.getAttribute("aria-valuetext")) ?? "",
          /60 min held/,
        );

        for (const minute of [17, 42, 3]) {
          await lookAt(page, minute * 60 + 30);
          await maxReads(page, amplitudeAt(minute * 60 + 30), true);
          assert.match(
            (await page.locator(
              '.measure tr[data-channel="hour"] [data-m="max"]',
            ).getAttribute("title")) ?? "",
            /server's history, summarised in/,
          );
          // bucket extremes hold the swing, not the timing or the samples
          for (const key of ["frequency", "rms", "count"]) {
            assert.equal(await cell(page, key), "–", key);
          }
          const min = Number((await cell(page, "min")).replace("≈", ""));
          assert.ok(
            Math.abs(min + amplitudeAt(minute * 60 + 30)) < 0.1,
            `minute ${minute}: min ${min}`,
          );
        }
        await page.screenshot({
          path: new URL("history-minute-3.png", OUTPUT).pathname,
        });
        // the last minutes are held in full on the server: every sample, no ≈, and the
        // measurements of the signal itself (a 5 Hz sine of amplitude 60 sampled at 1 kHz)
        await lookAt(page, HOUR_SECONDS - 50);
        await maxReads(page, 60, false);
        await page.waitForFunction(
          () =>
            document.querySelector(
              '.measure tr[data-channel="hour"] [data-m="sampleRate"]',
            )
              ?.textContent === "1000/s",
          undefined,
          { timeout: 5000 },
        ).catch(async () => {
          throw new Error(
            `${await page.locator('.measure tr[data-channel="hour"]')
              .textContent()}`,
          );
        });
        assert.equal(await cell(page, "frequency"), "5.000 Hz");
        assert.equal(await cell(page, "sampleRate"), "1000/s");
        const rms = Number(await cell(page, "rms"));
        assert.ok(Math.abs(rms - 60 / Math.SQRT2) < 0.05, `RMS ${rms}`);
        assert.equal(await page.locator("[data-summary]").count(), 0);
        await page.screenshot({
          path: new URL("history-recent.png", OUTPUT).pathname,
        });
        assert.deepEqual(errors, []);
      },
    );
  },
});
