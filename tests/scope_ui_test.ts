// The scope's front panel in a real browser (Debian's Chromium through playwright-core): each
// control is driven the way a person would — clicks, keys, the mouse wheel — and the test reads
// what the page then shows: readouts, the acquisition badge, the pixels of the trace, the files
// it downloads. Screenshots of the main states land in tests/output/.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { TRACE_COLORS } from "../lib/scope/palette.ts";
import { columnProfile, plotPixels } from "./pixels.ts";
import { postWaves, stream } from "./fixtures/waves.ts";
import { post } from "./helpers.ts";
import { DESKTOP, OUTPUT, withScope } from "./scope_page.ts";

const PHONE = { width: 390, height: 844 };
const YELLOW = TRACE_COLORS[0];
const CYAN = TRACE_COLORS[1];

/** A server and a browser for one test; pages report console errors and page errors. */

function shot(page: Page, name: string) {
  return page.screenshot({ path: new URL(name, OUTPUT).pathname });
}

/** What the acquisition badge says: roll, trig'd, auto, ready, stop or hold. */
function status(page: Page) {
  return page.locator("[data-acq-status]").getAttribute("data-acq-status");
}

async function waitStatus(page: Page, want: string, timeout = 5000) {
  await page.locator(`[data-acq-status="${want}"]`).waitFor({ timeout });
}

/**
 * Columns holding the trace in either profile, and how many of them moved by more than `px`
 * (or hold the trace in one profile only).
 */
function compare(
  a: { top: number[]; bottom: number[] },
  b: { top: number[]; bottom: number[] },
  px: number,
) {
  let drawn = 0;
  let moved = 0;
  for (let x = 0; x < a.top.length; x++) {
    if (a.top[x] === -1 && b.top[x] === -1) continue;
    drawn++;
    if (
      a.top[x] === -1 || b.top[x] === -1 ||
      Math.abs(a.top[x] - b.top[x]) > px ||
      Math.abs(a.bottom[x] - b.bottom[x]) > px
    ) moved++;
  }
  return { drawn, moved };
}

const PREFIX: Record<string, number> = {
  p: 1e-12,
  n: 1e-9,
  "µ": 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
};

/** "200.0 ms" → 0.2, "4.999 Hz" → 4.999 (the unit checked). */
function parseSI(text: string | null, unit: string): number {
  const m = /^(-?[\d.]+(?:e[+-]?\d+)?) (p|n|µ|m|k|M)?(\S+)$/.exec(
    (text ?? "").trim(),
  );
  assert.ok(m, `"${text}" is a number with a unit`);
  assert.equal(m[3], unit, `"${text}" is in ${unit}`);
  return Number(m[1]) * PREFIX[m[2] ?? ""];
}

Deno.test({
  name:
    "scope ui - a posted 5 Hz sine reads 5 Hz, and the status line shows the server",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      await postWaves(
        base,
        [{ channel: "sine", hz: 5, amplitude: 3 }],
        4,
        1000,
      );
      const page = await open();
      const row = page.locator('.measure tr[data-channel="sine"]');
      const freq = row.locator('[data-m="frequency"]');
      await freq.filter({ hasText: "Hz" }).waitFor({ timeout: 5000 });
      assert.match((await freq.textContent())!, /^(5\.00\d|4\.99\d) Hz$/);
      assert.equal(
        parseSI(await row.locator('[data-m="period"]').textContent(), "s")
          .toFixed(4),
        "0.2000",
      );
      assert.equal(
        await row.locator('[data-m="peakToPeak"]').textContent(),
        "6",
      );
      assert.equal(await row.locator('[data-m="count"]').textContent(), "4000");
      assert.equal(
        Number(await row.locator('[data-m="rms"]').textContent()).toFixed(2),
        (3 / Math.SQRT2).toFixed(2),
      );
      // the status line polls GET /status: this page is one viewer, its buffer 4000 of 100000
      await page.locator('[data-status="viewers"]', { hasText: "1 viewer" })
        .waitFor({ timeout: 5000 });
      assert.equal(
        await page.locator('[data-status="buffer"]').textContent(),
        "buffer 4.0 %",
      );
      assert.equal(
        await row.locator('[data-m="dutyCycle"]').textContent(),
        "50.0 %",
      );
      assert.equal(await status(page), "roll");
      await page.waitForTimeout(300);
      await shot(page, "scope-desktop-roll.png");

      // key 1 hides channel 1: its trace, its measurements; pressed again, they return
      const traced = () =>
        columnProfile(page, YELLOW, "hue").then((p) =>
          p.top.filter((y) => y >= 0).length
        );
      // 4 s fitted on 500 ms/div: the trace fills the newest 8 of the 10 divisions
      assert.ok((await traced()) > 800);
      await page.keyboard.press("1");
      await row.waitFor({ state: "detached" });
      const chip = page.locator('.chip[data-channel="sine"] .chip-toggle');
      assert.equal(await chip.getAttribute("aria-pressed"), "false");
      await page.waitForTimeout(200);
      assert.equal(await traced(), 0, "a hidden channel is not drawn");
      await chip.click();
      await row.waitFor();
      await page.waitForTimeout(200);
      assert.ok((await traced()) > 800);
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "scope ui - a triggered sine stands still while data streams in; rolling, it moves",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      const stop = stream(base, [
        { channel: "sine", hz: 5, amplitude: 3 },
        { channel: "cos", hz: 5, amplitude: 1.5, phase: Math.PI / 2 },
      ], 2000);
      try {
        const page = await open();
        await page.waitForFunction(() =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) >
            2000
        );
        // T: trigger on; the timebase comes from the signal's period (3 periods on screen), once
        // the scope has measured one (the table reads a frequency): a few hundred ms of a
        // 5 Hz stream may hold less than two periods
        await page.locator(
          '.measure tr[data-channel="sine"] [data-m="frequency"]',
          { hasText: "Hz" },
        ).waitFor({ timeout: 10_000 });
        await page.keyboard.press("t");
        await waitStatus(page, "trig'd");
        assert.equal(
          await page.locator("#quick-trigger").getAttribute("aria-pressed"),
          "true",
        );
        const tdiv = page.locator(".quick .stepper-value");
        assert.equal(await tdiv.textContent(), "50 ms/div");
        await page.waitForTimeout(600);
        const a = await columnProfile(page, YELLOW, "hue");
        await shot(page, "scope-desktop-triggered.png");
        await page.waitForTimeout(900);
        const b = await columnProfile(page, YELLOW, "hue");
        const still = compare(a, b, 2);
        console.log(
          `triggered: ${still.moved} of ${still.drawn} columns moved`,
        );
        assert.ok(still.drawn > 1000, `${still.drawn} columns hold the trace`);
        assert.ok(
          still.moved <= still.drawn * 0.01,
          `triggered: ${still.moved} of ${still.drawn} columns moved`,
        );

        // the same timebase rolling: the picture moves with the data
        await page.keyboard.press("r");
        await waitStatus(page, "roll");
        await page.waitForTimeout(400);
        const c = await columnProfile(page, YELLOW, "hue");
        await page.waitForTimeout(900);
        const d = await columnProfile(page, YELLOW, "hue");
        const rolling = compare(c, d, 2);
        assert.ok(
          rolling.moved > rolling.drawn * 0.3,
          `rolling: ${rolling.moved} of ${rolling.drawn} columns moved`,
        );

        // the orange T handle drags the level: up by about a volt, and it still triggers
        await page.keyboard.press("t");
        await waitStatus(page, "trig'd");
        await page.waitForTimeout(200);
        const handle = page.locator("[data-trigger-level]");
        const hb = (await handle.boundingBox())!;
        await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2);
        await page.mouse.down();
        await page.mouse.move(hb.x + hb.width / 2, hb.y + hb.height / 2 - 80, {
          steps: 5,
        });
        await page.mouse.up();
        const dragged = Number(
          /↑ (-?[\d.]+)$/.exec(
            (await page.locator('[data-status="trigger"]').textContent())!,
          )?.[1],
        );
        assert.ok(
          dragged > 0.5 && dragged < 2.5,
          `level dragged to ${dragged}`,
        );
        await page.waitForTimeout(1200);
        assert.equal(await status(page), "trig'd");

        // 50 %, falling edge, level by keyboard: the trigger line and badge follow
        await page.locator("#trig-50").dispatchEvent("click");
        await page.keyboard.press("e");
        await page.keyboard.press("ArrowUp");
        await page.locator('[data-status="trigger"]', { hasText: "↓" })
          .waitFor();
        assert.match(
          (await page.locator('[data-status="trigger"]').textContent())!,
          /^T sine ↓ 0\.1$/,
        );
        await waitStatus(page, "trig'd");
      } finally {
        await stop();
      }
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "scope ui - Stop freezes the screen while data arrives, Run resumes; zoom holds, Live returns; Single stops after one capture",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      const stop = stream(
        base,
        [{ channel: "sine", hz: 2, amplitude: 3 }],
        1000,
      );
      try {
        const page = await open();
        const points = () =>
          page.evaluate(() =>
            Number(
              document.querySelector<HTMLElement>(".chart")?.dataset.points,
            )
          );
        await page.waitForFunction(() =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) >
            1000
        );
        await page.locator("#quick-run").click();
        await waitStatus(page, "stop");
        assert.equal(
          await page.locator("#quick-run").getAttribute("aria-label"),
          "Stop: stopped, press to run",
        );
        await page.waitForTimeout(300);
        const held = await points();
        const a = await columnProfile(page, YELLOW, "hue");
        await shot(page, "scope-desktop-stopped.png");
        await page.waitForTimeout(800);
        const b = await columnProfile(page, YELLOW, "hue");
        assert.ok((await points()) > held + 300, "data kept arriving");
        const frozen = compare(a, b, 0);
        assert.ok(frozen.drawn > 500, `${frozen.drawn} columns drawn`);
        assert.equal(frozen.moved, 0, "the stopped screen did not change");

        await page.locator("#quick-run").click();
        await waitStatus(page, "roll");
        await page.waitForTimeout(800);
        const c = await columnProfile(page, YELLOW, "hue");
        assert.ok(compare(b, c, 1).moved > 100, "running again, it moves");

        // the wheel zooms about the pointer and holds the view; Live returns to it
        const box = (await page.locator(".chart").boundingBox())!;
        await page.mouse.move(
          box.x + box.width * 0.5,
          box.y + box.height * 0.5,
        );
        await page.mouse.wheel(0, -400);
        await waitStatus(page, "hold");
        await page.locator(".held", { hasText: "View held" }).waitFor();
        // as after Stop: the frame that applies the zoom may still be on its way
        await page.waitForTimeout(300);
        const zoomed = await columnProfile(page, YELLOW, "hue");
        await page.waitForTimeout(600);
        assert.equal(
          compare(zoomed, await columnProfile(page, YELLOW, "hue"), 0).moved,
          0,
          "a held view stays put",
        );
        await shot(page, "scope-desktop-zoomed.png");
        await page.locator("#live-pill").click();
        await waitStatus(page, "roll");
        assert.equal(await page.locator(".held").count(), 0);

        // Single: arms, captures one sweep, stops; data keeps arriving behind it
        await page.keyboard.press("s");
        await waitStatus(page, "stop", 5000);
        assert.equal(
          await page.locator("#single").getAttribute("aria-pressed"),
          "true",
        );
        const captured = await columnProfile(page, YELLOW, "hue");
        const before = await points();
        await page.waitForTimeout(700);
        assert.ok((await points()) > before, "data kept arriving");
        assert.equal(
          compare(captured, await columnProfile(page, YELLOW, "hue"), 0).moved,
          0,
          "the single capture stays on screen",
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
    "scope ui - CSV of the screen and of the buffer hold the posted points; Clear empties the scope",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      const x = Array.from({ length: 100 }, (_, i) => i / 100);
      const y = x.map((v) => Math.round(v * v * 1e4) / 7);
      assert.equal((await post(base, { x, y, channel: "csv" })).status, 200);
      assert.equal(
        (await post(base, { x: [0.5], y: [42], channel: "other" })).status,
        200,
      );
      const page = await open();
      await page.locator('.chip[data-channel="other"]').waitFor();
      await page.locator("#drawer-toggle").click();
      await page.locator("#controls").waitFor({ state: "visible" });
      await page.waitForTimeout(300);
      await shot(page, "scope-desktop-controls.png");

      const [screen] = await Promise.all([
        page.waitForEvent("download"),
        page.locator("#csv-window").click(),
      ]);
      assert.match(screen.suggestedFilename(), /^oscilloscope-screen-.*\.csv$/);
      const text = await Deno.readTextFile((await screen.path())!);
      const lines = text.trim().split("\n");
      assert.equal(lines[0], "channel,x,y");
      const rows = lines.slice(1).filter((l) => l.startsWith("csv,"));
      assert.deepEqual(rows, x.map((v, i) => `csv,${v},${y[i]}`));
      assert.ok(lines.includes("other,0.5,42"));

      const [buffer] = await Promise.all([
        page.waitForEvent("download"),
        page.locator("#csv-buffer").click(),
      ]);
      const all = (await Deno.readTextFile((await buffer.path())!)).trim()
        .split("\n");
      assert.equal(all[0], "channel,seq,x,y");
      assert.equal(all[1], `csv,1,0,0`);
      assert.equal(all[100], `csv,100,${x[99]},${y[99]}`);

      // PNG: the screen with a caption strip under it
      const [png] = await Promise.all([
        page.waitForEvent("download"),
        page.locator("#png").click(),
      ]);
      assert.match(png.suggestedFilename(), /^oscilloscope-.*\.png$/);
      const bytes = await Deno.readFile((await png.path())!);
      assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
      const head = new DataView(bytes.buffer, bytes.byteOffset + 16, 8);
      assert.ok(head.getUint32(0) >= 1000, `png ${head.getUint32(0)} px wide`);
      assert.ok(head.getUint32(4) >= 400, `png ${head.getUint32(4)} px high`);

      // a fixed vertical scale for one channel: volts/div in 1-2-5 steps, shown in its chip
      const vrow = page.locator('.vrow[data-channel="csv"]');
      await vrow.getByRole("button", { name: "Autoscale csv" }).click();
      const vdiv = vrow.locator(".stepper-value");
      // its swing of 0…1428 fits 6 of the 8 divisions at 200/div
      assert.equal(await vdiv.textContent(), "200 /div");
      await vrow.getByRole("button", { name: "csv: larger volts per division" })
        .click();
      assert.equal(await vdiv.textContent(), "500 /div");
      await page.locator('.chip[data-channel="csv"] .chip-meta', {
        hasText: "500 /div",
      }).waitFor();

      // Clear asks for a second press, then empties every channel for every viewer
      await page.locator("#clear").click();
      await page.locator(".notice", { hasText: "Press Clear again" }).waitFor();
      await page.locator("#clear").click();
      await page.locator(".empty").waitFor({ timeout: 5000 });
      assert.equal(
        await page.evaluate(() =>
          document.querySelector<HTMLElement>(".chart")?.dataset.points
        ),
        "0",
      );
      assert.deepEqual(errors, []);
    });
    // with a publish token the page cannot clear, so it offers no Clear button
    await withScope(
      { OSC_PUBLISH_TOKEN: "publish-token-123456" },
      async ({ open }) => {
        const page = await open();
        assert.equal(await page.locator("#clear").count(), 0);
      },
    );
  },
});

Deno.test({
  name: "scope ui - cursors show Δx and 1/Δx, follow a drag and the arrow keys",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      await postWaves(
        base,
        [{ channel: "sine", hz: 5, amplitude: 3 }],
        4,
        1000,
      );
      const page = await open();
      await page.locator('.measure tr[data-channel="sine"]').waitFor();
      await page.keyboard.press("c");
      const readout = page.locator("[data-cursor-readout]");
      await readout.waitFor();
      const read = async () => {
        const dd = (label: string) =>
          readout.locator("div", { hasText: new RegExp(`^${label}`) }).locator(
            "dd",
          ).textContent();
        return {
          x1: parseSI(await dd("X1"), "s"),
          x2: parseSI(await dd("X2"), "s"),
          dx: parseSI(await dd("Δx"), "s"),
          inv: parseSI(await dd("1/Δx"), "Hz"),
        };
      };
      const first = await read();
      assert.ok(
        Math.abs(first.dx - Math.abs(first.x2 - first.x1)) < 1e-3 * first.dx,
        JSON.stringify(first),
      );
      assert.ok(
        Math.abs(first.inv * first.dx - 1) < 2e-3,
        JSON.stringify(first),
      );
      await page.waitForTimeout(200);
      await shot(page, "scope-desktop-cursors.png");

      // drag X2 120 px to the left: Δx shrinks by about that much
      const handle = page.locator('[data-cursor="x2"]');
      const box = (await handle.boundingBox())!;
      const chart = (await page.locator(".chart").boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, chart.y + chart.height / 2);
      await page.mouse.down();
      await page.mouse.move(
        box.x + box.width / 2 - 120,
        chart.y + chart.height / 2,
        { steps: 6 },
      );
      await page.mouse.up();
      const dragged = await read();
      assert.ok(dragged.dx < first.dx * 0.9, JSON.stringify(dragged));
      assert.equal(dragged.x1, first.x1);

      // the arrow keys move a focused cursor; Shift moves it ten times as far
      await page.locator('[data-cursor="x1"]').focus();
      await page.keyboard.press("ArrowRight");
      const nudged = await read();
      await page.keyboard.press("Shift+ArrowRight");
      const pushed = await read();
      const step = nudged.x1 - dragged.x1;
      assert.ok(step > 0, `X1 moved right by ${step}`);
      assert.ok(
        Math.abs((pushed.x1 - nudged.x1) / step - 10) < 0.5,
        `${pushed.x1 - nudged.x1} is ten steps of ${step}`,
      );
      assert.equal(await status(page), "roll", "the cursor keys did not zoom");
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "scope ui - XY draws channel A against B, and the FFT finds the posted frequency",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      await postWaves(
        base,
        [
          { channel: "a", hz: 5, amplitude: 2 },
          { channel: "b", hz: 5, amplitude: 1, phase: Math.PI / 2 },
        ],
        4,
        1000,
      );
      const page = await open();
      await page.locator('.chip[data-channel="b"]').waitFor();
      await page.keyboard.press("f");
      const peak = page.locator('[data-fft-peak="a"]');
      await peak.waitFor({ timeout: 5000 });
      const m = /peak ([\d.]+) Hz · (-?[\d.]+) dB/.exec(
        (await peak.textContent())!,
      );
      assert.ok(m, await peak.textContent() ?? "");
      assert.ok(Math.abs(Number(m[1]) - 5) < 0.05, `FFT peak at ${m[1]} Hz`);
      // amplitude 2 is 20·log10(2) ≈ 6 dB
      assert.ok(Math.abs(Number(m[2]) - 6.02) < 0.5, `peak level ${m[2]} dB`);
      const spectrum = await plotPixels(page, YELLOW);
      assert.ok(spectrum.count > 300, `spectrum drawn: ${spectrum.count} px`);
      assert.ok(spectrum.spanY > 0.4, "from the peak down to the noise floor");
      await shot(page, "scope-desktop-fft.png");

      await page.keyboard.press("x");
      await page.locator("[data-fft-peaks]").waitFor({ state: "detached" });
      await page.waitForTimeout(300);
      // a (sine, 2) against b (cosine, 1): an ellipse in b's colour, wide and tall
      const ellipse = await plotPixels(page, CYAN);
      assert.ok(ellipse.count > 500, `XY trace: ${ellipse.count} px`);
      assert.ok(
        ellipse.spanX > 0.4 && ellipse.spanY > 0.3,
        JSON.stringify(ellipse),
      );
      assert.ok(
        await page.locator('input[name="view"][value="xy"]').isChecked(),
      );
      await shot(page, "scope-desktop-xy.png");
      await page.keyboard.press("x");
      assert.ok(
        await page.locator('input[name="view"][value="yt"]').isChecked(),
      );
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "scope ui - a shared link restores the timebase, the trigger and the zoom",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      const stop = stream(
        base,
        [{ channel: "sine", hz: 5, amplitude: 3 }],
        1000,
      );
      try {
        const page = await open();
        await page.waitForFunction(() =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) >
            1000
        );
        await page.keyboard.press("t");
        await page.keyboard.press("]");
        await page.keyboard.press("e");
        const tdiv = page.locator(".quick .stepper-value");
        await tdiv.filter({ hasText: "100 ms/div" }).waitFor();
        await page.locator("#drawer-toggle").click();
        await page.locator("#share").click();
        const url = await page.locator("#share-url").inputValue();
        assert.ok(url.startsWith(`${base}/?`), url);
        const query = new URL(url).searchParams;
        assert.equal(query.get("t"), "0.1");
        assert.equal(query.get("trig"), "1");
        assert.equal(query.get("edge"), "falling");
        await page.close();

        const other = await open(DESKTOP, url.slice(base.length));
        assert.equal(
          await other.locator(".quick .stepper-value").textContent(),
          "100 ms/div",
        );
        assert.equal(
          await other.locator("#quick-trigger").getAttribute("aria-pressed"),
          "true",
        );
        assert.ok(
          await other.locator('input[name="trig-edge"][value="falling"]')
            .isChecked(),
        );
        await waitStatus(other, "trig'd");
        assert.match(
          (await other.locator('[data-status="trigger"]').textContent())!,
          /↓/,
        );
        await other.close();
      } finally {
        await stop();
      }

      // a link with a zoom opens held on that window once the data is there
      const zoomed = await open(DESKTOP, "/?zoom=1,1.5");
      await waitStatus(zoomed, "hold", 5000);
      assert.equal(
        await zoomed.locator("#zoom-info").textContent(),
        "Zoom 1.000 s … 1.500 s",
      );
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "scope ui - keyboard only: every control has a name, Tab shows where focus is, shortcuts and help work",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      await postWaves(
        base,
        [{ channel: "sine", hz: 5, amplitude: 3 }],
        2,
        1000,
      );
      const page = await open();
      await page.locator('.measure tr[data-channel="sine"]').waitFor();
      await page.keyboard.press("c"); // cursors on, so their handles are in the tab order
      await page.keyboard.press("t");
      await waitStatus(page, "trig'd");

      const unnamed = await page.evaluate(() => {
        const nameOf = (el: HTMLElement): string => {
          const labelled = el.getAttribute("aria-labelledby");
          return (
            el.getAttribute("aria-label") ??
              (labelled
                ? document.getElementById(labelled)?.textContent
                : "") ??
              ""
          ).trim() ||
            [...((el as HTMLInputElement).labels ?? [])].map((l) =>
              l.textContent
            ).join(" ").trim() ||
            (el.tagName === "INPUT" ? "" : el.textContent?.trim() ?? "") ||
            el.title;
        };
        return [
          ...document.querySelectorAll<HTMLElement>(
            "button, a[href], input, select, [role=slider], [tabindex='0']",
          ),
        ].filter((el) => nameOf(el) === "").map((el) =>
          el.outerHTML.slice(0, 80)
        );
      });
      assert.deepEqual(unnamed, [], "controls without an accessible name");

      // Tab through the page: each stop is a named control with a visible focus ring
      await page.evaluate(() =>
        (document.activeElement as HTMLElement)?.blur()
      );
      const visited: string[] = [];
      for (let i = 0; i < 40; i++) {
        await page.keyboard.press("Tab");
        const seen = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement;
          if (el === document.body) return null;
          // a visually hidden radio shows its ring on the segment next to it
          const ringOn = el.matches("input[type=radio]")
            ? el.nextElementSibling as HTMLElement
            : el.matches("[role=slider].cursor")
            ? el.querySelector<HTMLElement>(".cursor-tag")!
            : el.matches("[data-trigger-level]")
            ? el.querySelector<HTMLElement>(".trig-tab")!
            : el;
          const style = getComputedStyle(ringOn);
          return {
            id: el.id || el.getAttribute("aria-label") ||
              el.textContent?.trim() ||
              el.tagName,
            ring: style.outlineStyle !== "none" && style.outlineWidth !== "0px",
          };
        });
        // past the last control the focus leaves the page
        if (seen === null) break;
        visited.push(seen.id);
        assert.ok(seen.ring, `no visible focus on ${seen.id}`);
      }
      for (
        const want of ["quick-run", "quick-trigger", "help", "drawer-toggle"]
      ) {
        assert.ok(visited.includes(want), `Tab reaches ${want}: ${visited}`);
      }
      assert.ok(
        visited.includes("Cursor X1"),
        `Tab reaches the cursors: ${visited}`,
      );
      assert.ok(
        visited.includes("Trigger level"),
        `and the trigger level: ${visited}`,
      );

      // with the focus on a button, Space presses that button (not the Run/Stop shortcut)
      await page.locator("#quick-run").focus();
      await page.keyboard.press("Space");
      await waitStatus(page, "stop");
      await page.evaluate(() =>
        (document.activeElement as HTMLElement)?.blur()
      );
      await page.keyboard.press("Space");
      await waitStatus(page, "trig'd");

      await page.keyboard.press("?");
      const help = page.locator("dialog.help");
      await help.waitFor({ state: "visible" });
      assert.match((await help.textContent())!, /Run \/ Stop/);
      await page.waitForTimeout(150);
      await shot(page, "scope-desktop-help.png");
      await page.keyboard.press("Escape");
      await help.waitFor({ state: "hidden" });
      assert.deepEqual(errors, []);
    });
  },
});

Deno.test({
  name:
    "scope ui - on a phone the chart keeps the screen and the controls open in a drawer",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, open, errors }) => {
      const stop = stream(base, [
        { channel: "sine", hz: 5, amplitude: 3 },
        { channel: "cos", hz: 5, amplitude: 1.5, phase: Math.PI / 2 },
      ], 1000);
      try {
        const page = await open(PHONE);
        await page.waitForFunction(() =>
          Number(
            document.querySelector<HTMLElement>(".chart")?.dataset.points,
          ) >
            1500
        );
        const wrap = (await page.locator(".chart-wrap").boundingBox())!;
        assert.ok(
          wrap.height > PHONE.height * 0.5,
          `chart ${wrap.height} px high`,
        );
        assert.ok(wrap.width >= PHONE.width - 1, `chart ${wrap.width} px wide`);
        assert.equal(await page.locator("#controls").isVisible(), false);
        // nothing sticks out sideways
        assert.equal(
          await page.evaluate(() => document.documentElement.scrollWidth),
          PHONE.width,
        );
        await page.waitForTimeout(400);
        await shot(page, "scope-phone-roll.png");

        await page.locator("#quick-trigger").tap();
        await waitStatus(page, "trig'd");
        await page.waitForTimeout(400);
        await shot(page, "scope-phone-triggered.png");

        await page.locator("#drawer-toggle").tap();
        const panel = page.locator("#controls");
        await panel.waitFor({ state: "visible" });
        await page.waitForTimeout(300);
        const box = (await panel.boundingBox())!;
        assert.ok(box.x >= 0 && box.x + box.width <= PHONE.width + 1);
        assert.equal(
          await page.locator("#drawer-toggle").getAttribute("aria-expanded"),
          "true",
        );
        await shot(page, "scope-phone-drawer.png");
        await page.locator("#run-stop").tap();
        await waitStatus(page, "stop");
        await page.keyboard.press("Escape");
        await panel.waitFor({ state: "hidden" });

        await page.keyboard.press("f");
        await page.locator('[data-fft-peak="sine"]').waitFor();
        await page.waitForTimeout(300);
        await shot(page, "scope-phone-fft.png");
      } finally {
        await stop();
      }
      assert.deepEqual(errors, []);
    });
  },
});
