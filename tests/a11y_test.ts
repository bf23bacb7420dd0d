// axe-core (4.14) in the page, in each state a person meets: streaming, triggered with cursors
// and the FFT, the phone with the controls drawer open, and the help dialog. Serious and
// critical violations fail the test, listed with the elements they are found on.
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "playwright-core";
import { post } from "./helpers.ts";
import { DESKTOP, withScope } from "./scope_page.ts";

const PHONE = { width: 390, height: 844 };

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** The serious and critical violations axe finds on the page as it is now. */
async function violations(page: Page): Promise<string[]> {
  // evaluated, not added as a script tag: the page's CSP allows only its own scripts
  await page.evaluate(axe.source);
  const found = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const result = await (globalThis as any).axe.run(document, {
      resultTypes: ["violations"],
    });
    return result.violations as Violation[];
  }) as Violation[];
  return found.filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) =>
      `${v.impact} ${v.id}: ${v.help} — ${
        v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(", ")
      }`
    );
}

async function postSines(base: string) {
  for (const [channel, phase] of [["a", 0], ["b", Math.PI / 2]] as const) {
    const x = Array.from({ length: 4000 }, (_, i) => i / 1000);
    const r = await post(base, {
      channel,
      x,
      y: x.map((t) => Math.sin(2 * Math.PI * 5 * t + phase)),
    });
    assert.equal(r.status, 200, r.text);
  }
}

Deno.test({
  name:
    "accessibility - no serious or critical axe violations, streaming, triggered with cursors and FFT, on a phone, in help",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      await postSines(base);
      const page = await open(DESKTOP, "/?roll=1");
      await page.locator('.measure tr[data-channel="b"]').waitFor();
      await page.waitForTimeout(300);
      const found: Record<string, string[]> = {};
      found.streaming = await violations(page);

      await page.keyboard.press("t");
      await page.locator('[data-acq-status="trig\'d"]').waitFor();
      await page.keyboard.press("c");
      await page.locator("[data-cursor-readout]").waitFor();
      await page.waitForTimeout(300);
      found.triggered = await violations(page);

      await page.keyboard.press("f");
      await page.locator("[data-fft-peak]").first().waitFor();
      found.fft = await violations(page);

      await page.keyboard.press("?");
      await page.locator("dialog[open]").waitFor();
      found.help = await violations(page);
      await page.close();

      const phone = await open(PHONE, "/?roll=1");
      await phone.locator("#drawer-toggle").click();
      await phone.locator("#controls").waitFor({ state: "visible" });
      await phone.waitForTimeout(300);
      found.phone = await violations(phone);

      assert.deepEqual(found, {
        streaming: [],
        triggered: [],
        fft: [],
        help: [],
        phone: [],
      });
      assert.deepEqual(errors, []);
    });
  },
});
