// What a user of the page sees of the publishing side: a serial stream drawn per label, a
// removed channel gone from legend, table and screen, and refused publishes never silent.
import assert from "node:assert/strict";
import { TRACE_COLORS } from "../lib/scope/palette.ts";
import { send } from "./helpers.ts";
import { columnProfile } from "./pixels.ts";
import { OUTPUT, withScope } from "./scope_page.ts";

const [YELLOW, CYAN] = TRACE_COLORS;

/** Columns of the chart where `hex` is drawn. */
async function drawnColumns(
  page: Parameters<typeof columnProfile>[0],
  hex: string,
) {
  const { top } = await columnProfile(page, hex, "hue");
  return top.filter((t) => t >= 0).length;
}

Deno.test({
  name:
    "publish page - a `curl -T -` serial stream draws a trace per label; DELETE takes one off legend, table and screen",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      const page = await open();
      // an Arduino printing Serial Plotter lines into curl, 500 lines/s for 1.5 s
      const curl = new Deno.Command("curl", {
        args: ["-sS", "-X", "POST", "-T", "-", `${base}/data?channel=uno`],
        stdin: "piped",
        stdout: "piped",
      }).spawn();
      const writer = curl.stdin.getWriter();
      const t0 = performance.now();
      let lines = 0;
      while (performance.now() - t0 < 1500 && lines < 10_000) {
        const due = Math.floor((performance.now() - t0) / 2);
        let chunk = "";
        for (; lines < due; lines++) {
          const t = lines / 500;
          chunk += `sin:${Math.sin(2 * Math.PI * 5 * t).toFixed(4)},cos:${
            (2 + Math.cos(2 * Math.PI * 5 * t)).toFixed(4)
          }\n`;
        }
        if (chunk) await writer.write(new TextEncoder().encode(chunk));
        await new Promise((r) => setTimeout(r, 20));
      }
      // the traces are on screen while the upload is still open
      for (const name of ["uno.sin", "uno.cos"]) {
        await page.locator(`.chip[data-channel="${name}"]`).waitFor();
      }
      await page.waitForFunction(() =>
        Number(document.querySelector<HTMLElement>(".chart")?.dataset.points) >
          500
      );
      await writer.close();
      const reply = JSON.parse(
        new TextDecoder().decode((await curl.output()).stdout),
      );
      assert.equal(reply.accepted, 2 * lines);

      await page.locator('tr[data-channel="uno.cos"]').waitFor();
      assert.ok(await drawnColumns(page, YELLOW) > 300, "uno.sin is drawn");
      assert.ok(await drawnColumns(page, CYAN) > 300, "uno.cos is drawn");
      await page.screenshot({ path: `${OUTPUT.pathname}publish-serial.png` });

      const removed = await send(`${base}/data?channel=uno.cos`, {
        method: "DELETE",
      });
      assert.deepEqual(removed.json, {
        status: "success",
        cleared: { "uno.cos": lines },
      });
      await page.locator('.chip[data-channel="uno.cos"]').waitFor({
        state: "detached",
      });
      await page.locator('tr[data-channel="uno.cos"]').waitFor({
        state: "detached",
      });
      await page.waitForFunction(() =>
        document.querySelector<HTMLElement>(".chart")?.dataset.points !==
          undefined
      );
      // give the next frame a moment, then read the pixels
      await page.waitForTimeout(300);
      assert.equal(await drawnColumns(page, CYAN), 0, "uno.cos is off screen");
      assert.ok(await drawnColumns(page, YELLOW) > 300, "uno.sin stays");
      assert.equal(
        await page.locator('.chip[data-channel="uno.sin"]').count(),
        1,
      );
      await page.screenshot({ path: `${OUTPUT.pathname}publish-removed.png` });
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "publish page - refused publishes show in the status line with their reason",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope(
      { OSC_PUBLISH_RATE: "5", OSC_PUBLISH_BURST: "5" },
      async ({ base, open, errors }) => {
        const page = await open();
        const refused = page.locator('[data-status="refused"]');
        assert.equal(
          await refused.count(),
          0,
          "nothing refused, nothing shown",
        );
        // a fast publisher against a fixed cap: most of its requests get 429
        const until = Date.now() + 5000;
        const flood = (async () => {
          for (let i = 0; Date.now() < until && i < 5000; i++) {
            await send(`${base}/data`, { method: "POST", body: `{"y":${i}}` });
            await new Promise((r) => setTimeout(r, 5));
          }
        })();
        await refused.waitFor({ timeout: 8000 });
        const text = await refused.textContent();
        assert.match(text!, /^refused \d+(\.\d)?\/s \(rate limited\)$/);
        const perSecond = Number(/refused ([\d.]+)/.exec(text!)![1]);
        assert.ok(perSecond > 20, `${perSecond}/s refused`);
        assert.match(
          (await refused.getAttribute("title"))!,
          /OSC_PUBLISH_RATE/,
        );
        await page.screenshot({
          path: `${OUTPUT.pathname}publish-refused.png`,
        });
        await flood;
        assert.deepEqual(errors, []);
      },
    );
  },
});
