// A joining page shows its trace with its first paint: the server puts the record's envelope in
// the page, its inline script paints it (islands/runtime/first_paint.ts), and the chart's own
// first trace takes its place, in the same pixels (lib/scope/first_picture.ts).
import assert from "node:assert/strict";
import { post } from "./helpers.ts";
import { DESKTOP, OUTPUT, withScope } from "./scope_page.ts";

const PHONE = { width: 390, height: 844 };

const YELLOW = "#f7d038"; // the first channel's colour
const CYAN = "#29d3f0";

/** 20 s of a two-tone signal at 1 kHz, ending now, as a sender would have posted it. */
async function postWave(base: string, channel: string, offset = 0) {
  const now = Date.now() / 1000;
  const x = Array.from({ length: 20_000 }, (_, i) => now - (19_999 - i) / 1000);
  const y = x.map((t) =>
    offset + Math.sin(2 * Math.PI * 0.37 * t) +
    0.3 * Math.sin(2 * Math.PI * 3.1 * t)
  );
  for (let i = 0; i < x.length; i += 5000) {
    const r = await post(base, {
      channel,
      x: x.slice(i, i + 5000),
      y: y.slice(i, i + 5000),
    });
    assert.equal(r.status, 200);
  }
}

/**
 * In the page: per device column of the canvas `selector` finds, the rows painted (-1: none).
 * Self-contained, for page.evaluate and init scripts.
 */
function canvasColumns(
  selector: string,
):
  | { top: number[]; bottom: number[]; height: number; cssWidth: number }
  | null {
  const c = document.querySelector<HTMLCanvasElement>(selector);
  if (c === null || c.width === 0) return null;
  const { data, width, height } = c.getContext("2d")!.getImageData(
    0,
    0,
    c.width,
    c.height,
  );
  const top = new Array(width).fill(-1);
  const bottom = new Array(width).fill(-1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[(y * width + x) * 4 + 3] > 200) {
        if (top[x] === -1) top[x] = y;
        bottom[x] = y;
      }
    }
  }
  return { top, bottom, height, cssWidth: c.clientWidth };
}

/**
 * In the page, from its start: the trace layer's columns when the first picture leaves, and
 * how long before that a frame had already seen the layer hold a trace (null: none had, so
 * the picture left in the frame the trace came).
 */
function columnsAtSwap(columns: typeof canvasColumns): void {
  const g = globalThis as unknown as {
    __atSwap?: Columns | null;
    __lateMs?: number | null;
  };
  let seenAt: number | null = null;
  const look = () => {
    if (g.__atSwap !== undefined) return;
    const layer = columns("canvas.trace-layer");
    if (seenAt === null && layer !== null && layer.top.some((t) => t >= 0)) {
      seenAt = performance.now();
    }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  new MutationObserver(() => {
    if (g.__atSwap !== undefined) return;
    if (document.querySelector("canvas.first-trace") !== null) return;
    if (document.querySelector("canvas.trace-layer") === null) return;
    g.__atSwap = columns("canvas.trace-layer");
    g.__lateMs = seenAt === null ? null : performance.now() - seenAt;
  }).observe(document, { childList: true, subtree: true });
}

/** Rows painted per device column of a canvas `cssWidth` CSS pixels wide (-1: none). */
interface Columns {
  top: number[];
  bottom: number[];
  cssWidth: number;
}

/** The same columns in CSS pixels: each CSS column's highest and lowest row. */
function inCss(c: Columns): Columns {
  const f = c.top.length / c.cssWidth;
  const top = new Array(c.cssWidth).fill(-1);
  const bottom = new Array(c.cssWidth).fill(-1);
  for (let d = 0; d < c.top.length; d++) {
    if (c.top[d] < 0) continue;
    const k = Math.min(c.cssWidth - 1, Math.floor(d / f));
    const t = Math.floor(c.top[d] / f);
    const b = Math.floor(c.bottom[d] / f);
    if (top[k] < 0 || t < top[k]) top[k] = t;
    if (b > bottom[k]) bottom[k] = b;
  }
  return { top, bottom, cssWidth: c.cssWidth };
}

/** The share of `a`'s painted pixels that have one of `b`'s within a pixel, across or down. */
function nearShare(
  a: { top: number[]; bottom: number[] },
  b: { top: number[]; bottom: number[] },
): number {
  let hit = 0;
  let all = 0;
  for (let c = 0; c < a.top.length; c++) {
    if (a.top[c] < 0) continue;
    for (let r = a.top[c]; r <= a.bottom[c]; r++) {
      all++;
      for (let d = -1; d <= 1; d++) {
        const t = b.top[c + d];
        if (
          t !== undefined && t >= 0 && r >= t - 1 && r <= b.bottom[c + d] + 1
        ) {
          hit++;
          break;
        }
      }
    }
  }
  return all === 0 ? 0 : hit / all;
}

Deno.test({
  name:
    "first picture - a joining page shows its trace before the bundle runs, where the chart then draws it",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base, browser, open, errors }) => {
      await postWave(base, "wave");
      const joinAndCompare = async (
        viewport: { width: number; height: number },
        near: number,
      ) => {
        const ratio = viewport.width < 600 ? 2 : 1;
        // the bundle never arrives: what shows is the server's picture and the inline script
        const bare = await browser.newPage({
          viewport,
          deviceScaleFactor: ratio,
        });
        await bare.route(/scope\.js/, (r) => r.abort());
        const bareErrors: string[] = [];
        bare.on("pageerror", (e) => bareErrors.push(e.message));
        await bare.goto(base + "/");
        const picture =
          (await bare.evaluate(canvasColumns, "canvas.first-trace"))!;
        assert.ok(picture !== null, "the picture's canvas is painted");
        assert.deepEqual(
          bareErrors,
          [],
          "the inline script runs without error",
        );
        await bare.screenshot({
          path: new URL(`first-picture-${viewport.width}.png`, OUTPUT).pathname,
        });
        const painted = picture.top.filter((t) => t >= 0).length;
        assert.ok(
          painted > 0.98 * picture.top.length,
          `the trace spans the plot: ${painted} of ${picture.top.length} columns`,
        );
        // the autoscaled range, inside the price scale's 8 % margins
        const highest = Math.min(...picture.top.filter((t) => t >= 0));
        const lowest = Math.max(...picture.bottom);
        assert.ok(
          Math.abs(highest - 0.08 * picture.height) <= 2 * ratio &&
            Math.abs(lowest - 0.92 * picture.height) <= 2 * ratio,
          `from row ${highest} to ${lowest} of ${picture.height}`,
        );
        await bare.close();

        // with the bundle, the chart's trace takes the picture's place in the frame it draws:
        // the trace layer's columns at the moment the picture leaves the page
        const page = await open(viewport, "/", async (p) => {
          await p.addInitScript({
            content: `(${columnsAtSwap})(${canvasColumns})`,
          });
        });
        await page.waitForFunction(
          () => document.querySelector("canvas.first-trace") === null,
          null,
          { timeout: 10_000 },
        );
        const chart = (await page.evaluate(() =>
          (globalThis as unknown as {
            __atSwap?: Columns;
          }).__atSwap
        ))!;
        const late = await page.evaluate(() =>
          (globalThis as unknown as { __lateMs?: number | null }).__lateMs
        );
        assert.ok(
          late === null || late! < 20,
          `the picture left ${late} ms after a frame showed the chart's trace`,
        );
        const drawn = chart.top.filter((t) => t >= 0).length;
        assert.ok(
          drawn > 0.98 * chart.top.length,
          `the chart had drawn its trace when the picture went: ${drawn} columns`,
        );
        // in CSS pixels: headless Chromium's emulated device pixel ratio is not in the resize
        // observer's device-pixel box, from which lightweight-charts sizes its canvases, so on
        // the emulated phone the chart draws one device pixel a CSS pixel, the picture two
        const a = nearShare(inCss(picture), inCss(chart));
        const b = nearShare(inCss(chart), inCss(picture));
        assert.ok(
          a > near && b > near,
          `the same pixels, within one: ${
            (100 * a).toFixed(1)
          } % of the picture's, ${(100 * b).toFixed(1)} % of the chart's`,
        );
        await page.close();
      };

      // a desktop, and a phone at two device pixels a CSS pixel, where the chart draws at one
      // (see below): there the two lines are drawn differently and agree a little less
      for (
        const [viewport, near] of [[DESKTOP, 0.98], [PHONE, 0.9]] as const
      ) {
        await joinAndCompare(viewport, near);
      }
      assert.deepEqual(errors, []);
    });
  },
});

/** The first picture a GET of `path` carries, or null. */
async function pictureOf(base: string, path: string) {
  const html = await (await fetch(base + path)).text();
  const m = html.match(
    /<script type="application\/json" id="first-picture">(.*?)<\/script>/,
  );
  return m === null
    ? null
    : JSON.parse(m[1]) as { traces: { color: string; count: number }[] };
}

Deno.test({
  name:
    "first picture - only for the default view, and only of the channels it shows",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withScope({}, async ({ base }) => {
      assert.equal(await pictureOf(base, "/"), null, "nothing to draw yet");
      await postWave(base, "a");
      await postWave(base, "b", 3);
      const both = await pictureOf(base, "/");
      assert.deepEqual(
        both?.traces.map((t) => [t.color, t.count]),
        [[YELLOW, 20_000], [CYAN, 20_000]],
      );
      // colours stay the channels' own when one is hidden
      const onlyB = await pictureOf(base, "/?hide=a");
      assert.deepEqual(onlyB?.traces.map((t) => t.color), [CYAN]);
      assert.equal(await pictureOf(base, "/?hide=a,b"), null);
      // a link's own view is the chart's to draw
      for (const view of ["?t=0.5", "?view=xy&xy=a,b", "?run=0", "?trig=1"]) {
        assert.equal(await pictureOf(base, "/" + view), null, view);
      }
    });
  },
});

Deno.test({
  name:
    "first picture - a page that cannot go live does not keep showing it as if it were",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // one viewer in all: the first page holds it, the second is refused its socket
    await withScope(
      { OSC_MAX_VIEWERS: "1" },
      async ({ base, browser, open }) => {
        await postWave(base, "wave");
        const first = await open();
        const second = await browser.newPage({ viewport: DESKTOP });
        await second.goto(base + "/");
        await second.waitForFunction(
          () =>
            document.querySelector(".conn")?.getAttribute("data-state") ===
              "reconnecting",
          null,
          { timeout: 10_000 },
        );
        await second.waitForFunction(
          () => document.querySelector("canvas.first-trace") === null,
          null,
          { timeout: 2_000 },
        );
        await second.close();
        await first.close();
      },
    );
  },
});
