// Case 9: what the page costs a viewer, in headless Chromium at 1280×720, against a minimal
// reference viewer that this module serves itself (one canvas, a ring per channel, min/max per
// pixel column on the next animation frame after each WebSocket message: the floor for drawing
// the same /ws stream). Three measurements, all on the page's own clock:
//   1. POST → pixels: the page itself POSTs a point that moves a channel to a new level, and a
//      requestAnimationFrame loop reads the canvas until the trace's newest pixels are there;
//   2. main-thread busy fraction, fps, long frames and JS heap under a steady stream (CDP);
//   3. navigation → first trace of a channel that already holds a full window.
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../browser.ts";
import { TRACE_COLORS } from "../../lib/scope/palette.ts";
import { median, percentile, type Proc } from "./procs.ts";

interface Ctx {
  quick: boolean;
  out: (line?: string) => void;
  table: (head: string[], rows: (string | number)[][]) => void;
  fmt: (n: number, digits?: number) => string;
  ratio: (a: number, b: number) => string;
  ours: (env?: Record<string, string>) => Promise<Proc>;
}

const VIEWPORT = { width: 1280, height: 720 };
/** the colour of the first channel a page sees, which is the one every measurement watches */
const WATCHED = TRACE_COLORS[0];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// The reference viewer: served from its own loopback origin, connecting to the server's /ws.

/** Runs in the reference page. Query: server, t (s/div, absent = fit), y.<channel>=lo,hi. */
function referenceViewer(): void {
  const q = new URLSearchParams(location.search);
  const server = q.get("server")!;
  const span = Number(q.get("t") ?? 0) * 10;
  const capacity = Number(q.get("window") ?? 20_000);
  const colors: string[] = JSON.parse(q.get("colors") ?? '["#f7d038"]');
  const canvas = document.getElementById("c") as HTMLCanvasElement;
  const w = (canvas.width = 1200);
  const h = (canvas.height = 480);
  const ctx = canvas.getContext("2d")!;
  interface Ring {
    x: Float64Array;
    y: Float64Array;
    start: number;
    size: number;
    color: string;
  }
  const rings = new Map<string, Ring>();
  let seen = 0;
  let pending = false;
  const push = (r: Ring, x: Float64Array, y: Float64Array) => {
    for (let i = Math.max(0, x.length - capacity); i < x.length; i++) {
      const at = (r.start + r.size) % capacity;
      r.x[at] = x[i];
      r.y[at] = y[i];
      if (r.size < capacity) r.size++;
      else r.start = (r.start + 1) % capacity;
    }
  };
  const lo = new Float64Array(w);
  const hi = new Float64Array(w);
  const newest = new Float64Array(w);
  const draw = () => {
    pending = false;
    ctx.fillStyle = "#05080b";
    ctx.fillRect(0, 0, w, h);
    let last = -Infinity;
    let first = Infinity;
    for (const r of rings.values()) {
      if (r.size === 0) continue;
      last = Math.max(last, r.x[(r.start + r.size - 1) % capacity]);
      first = Math.min(first, r.x[r.start]);
    }
    if (last === -Infinity) return;
    const from = span > 0 ? last - span : first;
    const scale = (w - 1) / Math.max(last - from, 1e-12);
    for (const [name, r] of rings) {
      let yMin = Infinity;
      let yMax = -Infinity;
      lo.fill(Infinity);
      hi.fill(-Infinity);
      for (let k = r.size - 1; k >= 0; k--) {
        const i = (r.start + k) % capacity;
        if (r.x[i] < from) break;
        const col = Math.round((r.x[i] - from) * scale);
        const v = r.y[i];
        if (lo[col] > hi[col]) newest[col] = v; // the first seen, going back, is the newest
        if (v < lo[col]) lo[col] = v;
        if (v > hi[col]) hi[col] = v;
        if (v < yMin) yMin = v;
        if (v > yMax) yMax = v;
      }
      const fixed = q.get(`y.${name}`)?.split(",").map(Number);
      const bottom = fixed ? fixed[0] : yMin;
      const top = fixed ? fixed[1] : yMax;
      const k = (h * 0.84) / Math.max(top - bottom, 1e-12);
      const row = (v: number) => h * 0.92 - (v - bottom) * k;
      // a column with samples is one rectangle from its min to its max (joined to the previous
      // column's); a gap between columns is a line: cheap to fill, the same picture as a path
      ctx.fillStyle = ctx.strokeStyle = r.color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let prev = -1;
      let prevRow = 0;
      for (let c = 0; c < w; c++) {
        if (lo[c] > hi[c]) continue;
        let t = row(hi[c]);
        let b = row(lo[c]);
        if (prev >= 0 && c - prev > 1) {
          ctx.moveTo(prev, prevRow);
          ctx.lineTo(c, row(hi[c] === lo[c] ? hi[c] : (hi[c] + lo[c]) / 2));
        } else if (prev >= 0) {
          t = Math.min(t, prevRow);
          b = Math.max(b, prevRow);
        }
        ctx.fillRect(c - 0.75, t - 0.75, 1.5, b - t + 1.5);
        prev = c;
        prevRow = row(newest[c]);
      }
      ctx.stroke();
    }
  };
  const ws = new WebSocket(server.replace(/^http/, "ws") + "/ws?encoding=f64");
  ws.binaryType = "arraybuffer";
  ws.onopen = () => {
    (globalThis as unknown as { __refReady: boolean }).__refReady = true;
  };
  ws.onmessage = (e) => {
    const buf = e.data as ArrayBuffer;
    if (!(buf instanceof ArrayBuffer) || buf.byteLength < 20) return;
    const view = new DataView(buf);
    const type = view.getUint8(0);
    const length = view.getUint16(2, true);
    const head = 4 + length + ((8 - ((4 + length) % 8)) % 8);
    const name = new TextDecoder().decode(new Uint8Array(buf, 4, length));
    if (type === 4) {
      rings.delete(name);
    } else {
      let r = rings.get(name);
      if (!r) {
        r = {
          x: new Float64Array(capacity),
          y: new Float64Array(capacity),
          start: 0,
          size: 0,
          color: colors[seen++ % colors.length],
        };
        rings.set(name, r);
      }
      if (type === 1 || type === 3) r.size = r.start = 0;
      if (type === 1 || type === 2) {
        const n = view.getFloat64(head + 8, true);
        push(
          r,
          new Float64Array(buf, head + 16, n),
          new Float64Array(buf, head + 16 + 8 * n, n),
        );
      }
    }
    if (!pending) {
      pending = true;
      requestAnimationFrame(draw);
    }
  };
}

export function serveReference(): {
  origin: string;
  stop: () => Promise<void>;
} {
  const html =
    `<!doctype html><meta charset="utf-8"><title>reference viewer</title>
<style>html,body{margin:0;background:#05080b}canvas{display:block;margin-top:120px}</style>
<canvas id="c"></canvas><script>(${referenceViewer.toString()})()</script>`;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    () => new Response(html, { headers: { "content-type": "text/html" } }),
  );
  return {
    origin: `http://127.0.0.1:${server.addr.port}`,
    stop: () => server.shutdown(),
  };
}

// ---------------------------------------------------------------------------------------------
// In-page probes, the same code in both pages (page.evaluate and addInitScript go through CDP,
// so the scope page's CSP, scripts from 'self' only, does not stop them).

type Probe = {
  /** the mean row (0..1 of the canvas height) of the rightmost column holding the trace */
  read(): number | null;
  /** POSTs y = level and forgets it */
  post(level: number): void;
  /**
   * POSTs y = level and resolves with ms until a frame whose canvas shows it (null: 3 s), and
   * until the WebSocket message carrying it reached the page (see watchSocket)
   */
  sample(
    level: number,
    mid: number,
  ): Promise<{ ms: number; arrived: number } | null>;
};

/**
 * The pixels of a region of every canvas at least 200×200 (the plots, not the axes), copied
 * through a canvas of our own: drawImage reads the page's canvases without getContext, which
 * would claim a 2D context on a canvas the page has yet to ask for (a WebGL one read this way
 * needs preserveDrawingBuffer). A trace
 * pixel is of `hex`'s hue (its channels in the same ratios), bright and opaque enough: the
 * anti-aliased edges of a line count too.
 */
function pixelReader(hex: string, only?: string) {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const peak = Math.max(...want);
  const ratio = want.map((c) => c / peak);
  const scratch = document.createElement("canvas");
  const sctx = scratch.getContext("2d", { willReadFrequently: true })!;
  return {
    isTrace(d: Uint8ClampedArray, i: number): boolean {
      const p = Math.max(d[i], d[i + 1], d[i + 2]);
      if (p < 70 || d[i + 3] < 200) return false;
      return Math.abs(d[i] / p - ratio[0]) +
          Math.abs(d[i + 1] / p - ratio[1]) +
          Math.abs(d[i + 2] / p - ratio[2]) < 0.25;
    },
    /** for each plot canvas, `region(width, height)` of it: [x, y, w, h] */
    *regions(
      region: (w: number, h: number) => [number, number, number, number],
    ) {
      for (const canvas of document.querySelectorAll("canvas")) {
        if (canvas === scratch || canvas.width < 200 || canvas.height < 200) {
          continue;
        }
        if (only !== undefined && canvas.closest(only) === null) continue;
        const [x, y, w, h] = region(canvas.width, canvas.height);
        if (scratch.width < w) scratch.width = w;
        if (scratch.height < h) scratch.height = h;
        sctx.clearRect(0, 0, w, h);
        sctx.drawImage(canvas, x, y, w, h, 0, 0, w, h);
        yield { canvas, x, w, h, data: sctx.getImageData(0, 0, w, h).data };
      }
    },
  };
}

/** `fn(cfg, pixelReader)` as script text: evaluated through CDP, where the page's CSP (no eval) does not apply. */
function script<T>(
  fn: (cfg: T, reader: typeof pixelReader) => void,
  cfg: T,
): string {
  return `(${fn.toString()})(${
    JSON.stringify(cfg)
  }, ${pixelReader.toString()})`;
}

function installProbe(
  cfg: { color: string; post: string },
  reader: typeof pixelReader,
): void {
  const pixels = reader(cfg.color);
  const read = (): number | null => {
    let best = -1;
    let row: number | null = null;
    // the newest x is at the right edge of a roll view: the right 30% holds it
    for (
      const { x, w, h, data } of pixels.regions((
        cw,
        ch,
      ) => [Math.floor(cw * 0.7), 0, cw - Math.floor(cw * 0.7), ch])
    ) {
      for (let c = w - 1; c >= 0 && x + c > best; c--) {
        let sum = 0;
        let n = 0;
        for (let r = 0; r < h; r++) {
          if (pixels.isTrace(data, (r * w + c) * 4)) {
            sum += r;
            n++;
          }
        }
        if (n > 0) {
          best = x + c;
          row = sum / n / h;
          break;
        }
      }
    }
    return row;
  };
  const post = (level: number) => {
    fetch(cfg.post, { method: "POST", body: JSON.stringify({ y: level }) })
      .then((r) => r.body?.cancel(), () => {});
  };
  const ch = new MessageChannel();
  let check: (() => void) | null = null;
  // a task posted from requestAnimationFrame runs after that frame's rendering (rAF callbacks,
  // style, layout, paint, commit): whatever the frame drew is on the canvas by then
  ch.port1.onmessage = () => check?.();
  const probe: Probe = {
    read,
    post,
    sample(level, mid) {
      return new Promise((resolve) => {
        const t0 = performance.now();
        post(level);
        check = () => {
          const now = performance.now();
          const r = read();
          if (r !== null && (level > 0.5 ? r < mid : r > mid)) {
            check = null;
            const at = (globalThis as unknown as { __probeMessage?: number })
              .__probeMessage ?? NaN;
            resolve({ ms: now - t0, arrived: at >= t0 ? at - t0 : NaN });
          } else if (now - t0 > 3000) {
            check = null;
            resolve(null);
          } else requestAnimationFrame(() => ch.port2.postMessage(0));
        };
        requestAnimationFrame(() => ch.port2.postMessage(0));
      });
    },
  };
  (globalThis as unknown as { __probe: Probe }).__probe = probe;
}

/**
 * Installed before the page's own scripts: every WebSocket the page opens also notes when a
 * message for `channel` arrives (a listener added first, so before the page's own handler).
 */
function watchSocket(cfg: { channel: string }): void {
  const g = globalThis as unknown as { __probeMessage?: number };
  const Native = WebSocket;
  const quoted = `"channel":${JSON.stringify(cfg.channel)}`;
  const name = new TextEncoder().encode(cfg.channel);
  const carries = (data: unknown): boolean => {
    if (typeof data === "string") return data.includes(quoted);
    if (!(data instanceof ArrayBuffer) || data.byteLength < 4 + name.length) {
      return false;
    }
    const head = new Uint8Array(data, 0, 4 + name.length);
    if (head[2] + 256 * head[3] !== name.length) return false;
    return name.every((b, i) => head[4 + i] === b);
  };
  globalThis.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener("message", (e) => {
        if (carries(e.data)) g.__probeMessage = performance.now();
      });
    }
  };
}

/**
 * Installed before the page's own scripts: ms from navigation start to the first trace pixel,
 * on any canvas, or (`chart`) only on the chart's own.
 */
function watchFirstTrace(
  cfg: { color: string; chart: boolean },
  reader: typeof pixelReader,
): void {
  const g = globalThis as unknown as { __firstTrace?: number };
  let pixels: ReturnType<typeof pixelReader> | null = null;
  const found = (): boolean => {
    if (document.querySelector("canvas") === null) return false;
    pixels ??= reader(cfg.color, cfg.chart ? ".chart" : undefined);
    // a trace spans the screen: one-pixel columns across it are enough, and cheap
    for (let k = 1; k < 16; k++) {
      for (
        const { h, data } of pixels.regions((
          w,
          h,
        ) => [Math.floor((w * k) / 16), 0, 1, h])
      ) {
        for (let r = 0; r < h; r++) {
          if (pixels.isTrace(data, r * 4)) return true;
        }
      }
    }
    return false;
  };
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    if (found()) g.__firstTrace = performance.now();
    else requestAnimationFrame(() => ch.port2.postMessage(0));
  };
  requestAnimationFrame(() => ch.port2.postMessage(0));
}

/** Counts frames from now until `ms` later: per second, and those that took longer than 20 ms. */
function countFrames(ms: number): Promise<{ fps: number; long: number }> {
  return new Promise((resolve) => {
    let frames = 0;
    let long = 0;
    let prev = 0;
    const t0 = performance.now();
    const tick = (ts: number) => {
      if (prev > 0 && ts - prev > 20) long++;
      prev = ts;
      frames++;
      const elapsed = performance.now() - t0;
      if (elapsed < ms) requestAnimationFrame(tick);
      else resolve({ fps: (frames - 1) / (elapsed / 1000), long });
    };
    requestAnimationFrame(tick);
  });
}

// ---------------------------------------------------------------------------------------------
// Load: binary float64 pairs, x in epoch seconds (what the probe's server-stamped points use).

async function postPairs(
  base: string,
  channel: string,
  pairs: Float64Array<ArrayBuffer>,
  refusable = false,
): Promise<boolean> {
  const res = await fetch(`${base}/data?channel=${channel}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: pairs,
  });
  if (!res.ok && !(refusable && (res.status === 429 || res.status === 503))) {
    throw new Error(`post failed: ${res.status} ${await res.text()}`);
  }
  await res.body?.cancel();
  return res.ok;
}

/** `n` points ending at epoch second `end`, `dt` apart: a 37 Hz sine of amplitude 1. */
function wave(end: number, n: number, dt: number): Float64Array<ArrayBuffer> {
  const pairs = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const x = end - (n - 1 - i) * dt;
    pairs[2 * i] = x;
    pairs[2 * i + 1] = Math.sin(x * 2 * Math.PI * 37) +
      0.1 * Math.sin(x * 2 * Math.PI * 3);
  }
  return pairs;
}

/** Fills each channel with `n` points at `rate` per second up to now. */
async function fill(base: string, channels: string[], n: number, rate: number) {
  const now = Date.now() / 1000;
  for (const c of channels) await postPairs(base, c, wave(now, n, 1 / rate));
}

/** Streams `rate` points/s into each channel in 10 ms batches until stopped; x keeps to the clock. */
function stream(base: string, channels: string[], rate: number) {
  let on = true;
  const perBatch = Math.max(1, Math.round(rate / 100));
  let refused = 0;
  const done = (async () => {
    const t0 = performance.now();
    let sent = 0;
    let last = (performance.timeOrigin + performance.now()) / 1000;
    while (on) {
      const now = (performance.timeOrigin + performance.now()) / 1000;
      const pairs = new Float64Array(perBatch * 2);
      for (let i = 0; i < perBatch; i++) {
        const x = last + ((now - last) * (i + 1)) / perBatch;
        pairs[2 * i] = x;
        pairs[2 * i + 1] = Math.sin(x * 2 * Math.PI * 37) +
          0.1 * Math.sin(x * 2 * Math.PI * 3);
      }
      last = now;
      const ok = await Promise.all(
        channels.map((c) => postPairs(base, c, pairs, true)),
      );
      refused += ok.filter((x) => !x).length * perBatch;
      sent += perBatch;
      const wait = t0 + (sent / rate) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  // an error stops the stream and waits for stop() to throw it, not an unhandled rejection
  const failed = done.then(() => null, (e: unknown) => e);
  return async (): Promise<number> => {
    on = false;
    const e = await failed;
    if (e) throw e;
    return refused;
  };
}

// ---------------------------------------------------------------------------------------------

type Target = "ours" | "reference";

async function open(
  browser: Browser,
  target: Target,
  urls: Record<Target, string>,
  watch?: string,
): Promise<Page> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  if (watch) await page.addInitScript(watchSocket, { channel: watch });
  await page.goto(urls[target]);
  if (target === "ours") {
    await page.locator(".conn[data-state=live]").waitFor({ timeout: 15_000 });
  } else {
    await page.waitForFunction(
      () => (globalThis as unknown as { __refReady?: boolean }).__refReady,
      null,
      { timeout: 15_000 },
    );
  }
  return page;
}

/**
 * Our server, open to the reference page's origin (its /ws and its POSTs), and with the load
 * shedder off: with Chromium on the same cores the event loop runs late, and the load is to be
 * what the table says it is.
 */
function start(ctx: Ctx, ref: { origin: string }): Promise<Proc> {
  return ctx.ours({
    OSC_ALLOWED_ORIGINS: ref.origin,
    OSC_CORS_ORIGINS: ref.origin,
    OSC_OVERLOAD_LAG_MS: "0",
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), n: s.length };
};

async function latency(
  ctx: Ctx,
  browser: Browser,
  ref: { origin: string },
): Promise<void> {
  const { out, fmt, ratio, quick } = ctx;
  const server = await start(ctx, ref);
  const loads = quick ? [0] : [0, 1000, 100_000];
  // short rounds, interleaved: the machine is shared, and a slow spell should hit both pages
  const rounds = quick ? 1 : 3;
  const perRound = quick ? 5 : 17;
  // 2 s on screen; the probe channel on [-0.5, 1.5], the load in a band in the middle, so the
  // probe's two levels (rows at 25% and 75%) never sit under the load's trace
  const urls: Record<Target, string> = {
    ours: `${server.base}/?roll=1&t=0.2&y.probe=0.25,-0.5&y.bg=2,0`,
    reference: `${ref.origin}/?server=${
      encodeURIComponent(server.base)
    }&t=0.2&y.probe=-0.5,1.5&y.bg=-8,8&colors=${
      encodeURIComponent(JSON.stringify(TRACE_COLORS))
    }`,
  };
  const rows: (string | number)[][] = [];
  const mids: Partial<Record<Target, number>> = {};
  const parts: (string | number)[][] = [];
  let refused = 0;
  try {
    // the probe channel comes first, so both pages give it the first colour
    await postPairs(
      server.base,
      "probe",
      new Float64Array([Date.now() / 1000, 0]),
    );
    for (const rate of loads) {
      const stop = rate > 0 ? stream(server.base, ["bg"], rate) : null;
      const got: Record<Target, number[]> = { ours: [], reference: [] };
      const arrived: Record<Target, number[]> = { ours: [], reference: [] };
      const drawn: Record<Target, number[]> = { ours: [], reference: [] };
      const missed: Record<Target, number> = { ours: 0, reference: 0 };
      try {
        if (stop) await sleep(500);
        for (let round = 0; round < rounds; round++) {
          for (const target of ["ours", "reference"] as Target[]) {
            const page = await open(browser, target, urls, "probe");
            try {
              await page.evaluate(
                script(installProbe, {
                  color: WATCHED,
                  post: `${server.base}/data?channel=probe`,
                }),
              );
              const sample = (level: number, mid: number) =>
                page.evaluate(
                  ([level, mid]) =>
                    (globalThis as unknown as { __probe: Probe }).__probe
                      .sample(level, mid),
                  [level, mid] as const,
                );
              const post = (level: number) =>
                page.evaluate(
                  (level) =>
                    (globalThis as unknown as { __probe: Probe }).__probe.post(
                      level,
                    ),
                  level,
                );
              const read = () =>
                page.evaluate(() =>
                  (globalThis as unknown as { __probe: Probe }).__probe.read()
                );
              if (mids[target] === undefined) {
                // where the two levels land on this page's canvas, once settled
                await post(1);
                await sleep(400);
                const high = await read();
                await post(0);
                await sleep(400);
                const low = await read();
                if (high === null || low === null || low - high < 0.1) {
                  throw new Error(
                    `${target}: the probe trace was not found on the canvas (rows ${high}, ${low})`,
                  );
                }
                mids[target] = (high + low) / 2;
              }
              const mid = mids[target]!;
              let level = (await read() ?? 1) < mid ? 1 : 0;
              for (let i = 0; i < perRound + 1; i++) {
                level = 1 - level;
                const got1 = await sample(level, mid);
                // the first sample warms the page's connection for its POSTs
                if (i > 0 && got1 === null) missed[target]++;
                else if (i > 0 && got1) {
                  got[target].push(got1.ms);
                  if (Number.isFinite(got1.arrived)) {
                    arrived[target].push(got1.arrived);
                    drawn[target].push(got1.ms - got1.arrived);
                  }
                }
                if (got1 === null) level = (await read() ?? 0) < mid ? 1 : 0;
                // not in step with the frames or the server's 16 ms tick
                await sleep(20 + Math.random() * 60);
              }
            } finally {
              await page.close();
            }
          }
        }
      } finally {
        refused += await stop?.() ?? 0;
      }
      const o = stats(got.ours);
      const r = stats(got.reference);
      rows.push([
        rate === 0 ? "idle" : `${fmt(rate)} points/s`,
        fmt(o.p50, 1),
        fmt(o.p99, 1),
        fmt(r.p50, 1),
        fmt(r.p99, 1),
        ratio(o.p50, r.p50),
        ratio(o.p99, r.p99),
        `${o.n} / ${r.n}`,
        `${missed.ours} / ${missed.reference}`,
      ]);
      const part = (xs: number[]) => {
        const s = stats(xs);
        return `${fmt(s.p50, 1)} / ${fmt(s.p99, 1)}`;
      };
      parts.push([
        rate === 0 ? "idle" : `${fmt(rate)} points/s`,
        part(arrived.ours),
        part(drawn.ours),
        part(arrived.reference),
        part(drawn.reference),
      ]);
    }
  } finally {
    await server.stop();
  }
  out(
    `POST → pixels on the canvas, ms on the page's clock, ${rounds} × ${perRound} samples a page (so p99 is about the worst):`,
  );
  out();
  ctx.table([
    "load on another channel",
    "ours p50",
    "ours p99",
    "reference p50",
    "reference p99",
    "p50 ours / ref",
    "p99 ours / ref",
    "samples ours / ref",
    "missed (> 3 s)",
  ], rows);
  out(
    "Where it goes, p50 / p99 ms: POST → the WebSocket message carrying the point reaches the page",
  );
  out("(server, its 16 ms tick, loopback), then message → pixels (the page):");
  out();
  ctx.table([
    "load on another channel",
    "ours POST → message",
    "ours message → pixels",
    "reference POST → message",
    "reference message → pixels",
  ], parts);
  if (refused > 0) {
    out(`The server refused ${fmt(refused)} of the load's points.\n`);
  }
}

interface Cost {
  busy: number;
  script: number;
  fps: number;
  long: number;
  heap: number;
}

async function cost(ctx: Ctx, browser: Browser, ref: { origin: string }) {
  const { out, fmt, ratio, quick } = ctx;
  const loads = [
    {
      name: "4 channels × 1,000 points/s",
      channels: ["a", "b", "c", "d"],
      rate: 1000,
    },
    { name: "1 channel × 100,000 points/s", channels: ["fast"], rate: 100_000 },
  ].slice(0, quick ? 1 : 2);
  const measureMs = quick ? 500 : 3000;
  const rounds = quick ? 1 : 2;
  const rows: (string | number)[][] = [];
  let refused = 0;
  for (const load of loads) {
    const server = await start(ctx, ref);
    const urls: Record<Target, string> = {
      ours: `${server.base}/?roll=1`,
      reference: `${ref.origin}/?server=${
        encodeURIComponent(server.base)
      }&colors=${encodeURIComponent(JSON.stringify(TRACE_COLORS))}`,
    };
    const got: Record<Target, Cost[]> = { ours: [], reference: [] };
    try {
      await fill(server.base, load.channels, 20_000, load.rate);
      const stop = stream(server.base, load.channels, load.rate);
      try {
        for (let round = 0; round < rounds; round++) {
          for (const target of ["ours", "reference"] as Target[]) {
            const page = await open(browser, target, urls);
            try {
              await sleep(quick ? 300 : 1000); // the full window in, the stream steady
              const cdp = await page.context().newCDPSession(page);
              await cdp.send("Performance.enable");
              const metrics = async () =>
                Object.fromEntries(
                  (await cdp.send("Performance.getMetrics")).metrics.map((
                    m,
                  ) => [m.name, m.value]),
                );
              const m0 = await metrics();
              const frames = await page.evaluate(countFrames, measureMs);
              const m1 = await metrics();
              // the heap that stays: what is live after a full collection
              await cdp.send("HeapProfiler.collectGarbage");
              const m2 = await metrics();
              const wall = m1.Timestamp - m0.Timestamp;
              got[target].push({
                busy: (m1.TaskDuration - m0.TaskDuration) / wall,
                script: (m1.ScriptDuration - m0.ScriptDuration) / wall,
                fps: frames.fps,
                long: frames.long / (wall || 1),
                heap: m2.JSHeapUsedSize / 2 ** 20,
              });
              await cdp.detach();
            } finally {
              await page.close();
            }
          }
        }
      } finally {
        refused += await stop();
      }
    } finally {
      await server.stop();
    }
    const m = (t: Target, k: keyof Cost) => median(got[t].map((c) => c[k]));
    for (const t of ["ours", "reference"] as Target[]) {
      rows.push([
        load.name,
        t,
        `${fmt(m(t, "busy") * 100, 1)} %`,
        `${fmt(m(t, "script") * 100, 1)} %`,
        fmt(m(t, "fps"), 0),
        fmt(m(t, "long"), 1),
        fmt(m(t, "heap"), 1),
        t === "ours"
          ? ratio(m("ours", "busy"), m("reference", "busy"))
          : "1.00×",
      ]);
    }
  }
  out(
    `Main thread and memory with each channel's 20,000-point window full, ${
      measureMs / 1000
    } s, median of ${rounds}:`,
  );
  out();
  ctx.table([
    "load",
    "page",
    "main thread busy",
    "of it script",
    "fps",
    "frames > 20 ms per s",
    "JS heap after GC MiB",
    "busy vs ref",
  ], rows);
  if (refused > 0) {
    out(`The server refused ${fmt(refused)} of the load's points.\n`);
  }
}

async function firstTrace(ctx: Ctx, browser: Browser, ref: { origin: string }) {
  const { out, fmt, ratio, quick } = ctx;
  // nine a page: the p50 of five moved by 100 ms between runs here
  const loads = quick ? 1 : 9;
  const server = await start(ctx, ref);
  // our page twice: its first trace pixels (the server's first picture, painted by the page's
  // inline script) and the chart's own (the bundle set up and drawing)
  const loadsOf = {
    ours: { url: `${server.base}/`, chart: false },
    "ours, chart": { url: `${server.base}/`, chart: true },
    reference: {
      url: `${ref.origin}/?server=${encodeURIComponent(server.base)}&colors=${
        encodeURIComponent(JSON.stringify(TRACE_COLORS))
      }`,
      chart: false,
    },
  };
  type Load = keyof typeof loadsOf;
  const targets = Object.keys(loadsOf) as Load[];
  const got: Record<Load, number[]> = {
    ours: [],
    "ours, chart": [],
    reference: [],
  };
  try {
    await fill(server.base, ["nav"], 20_000, 1000);
    for (let i = 0; i < loads; i++) {
      for (const target of targets) {
        // a new context each time: nothing cached, as on a first visit
        const page = await browser.newPage({ viewport: VIEWPORT });
        try {
          await page.addInitScript(
            script(watchFirstTrace, {
              color: WATCHED,
              chart: loadsOf[target].chart,
            }),
          );
          const start = performance.timeOrigin + performance.now();
          await page.goto(loadsOf[target].url, { waitUntil: "commit" });
          const handle = await page.waitForFunction(
            () => {
              const g = globalThis as unknown as { __firstTrace?: number };
              return g.__firstTrace === undefined
                ? false
                : performance.timeOrigin + g.__firstTrace;
            },
            null,
            { timeout: 20_000, polling: 20 },
          );
          got[target].push((await handle.jsonValue() as number) - start);
        } finally {
          await page.close();
        }
      }
    }
  } finally {
    await server.stop();
  }
  const s = (t: Load) => [...got[t]].sort((a, b) => a - b);
  out(
    `Navigation → first trace pixels, one channel holding 20,000 points, a new browser context per load (nothing cached), ${loads} loads:`,
  );
  out();
  ctx.table(
    ["page", "p50 ms", "min ms", "max ms", "vs ref"],
    targets.map((t) => [
      t,
      fmt(median(got[t]), 0),
      fmt(s(t)[0], 0),
      fmt(s(t).at(-1)!, 0),
      ratio(median(got[t]), median(got.reference)),
    ]),
  );
  out();
  out(
    "ours: the first trace pixels the page shows (the server's first picture, painted by its inline",
  );
  out(
    "script); ours, chart: the chart's own trace, drawn once the bundle has set it up.",
  );
}

export async function pageLatencyCase(ctx: Ctx): Promise<void> {
  const { out } = ctx;
  out("## 9. Page latency and cost");
  out();
  out(
    "Headless Chromium (software rendering) at 1280×720; our page against a reference viewer served",
  );
  out(
    "from another loopback origin on the same server's /ws (binary frames; a ring per channel and a",
  );
  out(
    "min/max per pixel column drawn on the next animation frame after each message: the floor).",
  );
  out(
    'Latency is on the page\'s clock: the page POSTs `{"y": level}` to its own channel (the first,',
  );
  out(
    "so the first trace colour) with fetch, toggling between two levels on a fixed scale, and reads",
  );
  out(
    "the canvas in a task posted from each requestAnimationFrame callback, which runs after that",
  );
  out(
    "frame's paint and commit, until the trace's rightmost pixels sit at the new level. It is pixels",
  );
  out(
    "on the canvas, not photons: the compositor's presentation (about one frame more) is not in it,",
  );
  out(
    "for either page. Load comes from this process in binary batches every 10 ms on another channel.",
  );
  out(
    "Cost is CDP Performance.getMetrics: TaskDuration and ScriptDuration over wall time on the",
  );
  out(
    "renderer's main thread, JSHeapUsedSize; frames counted with requestAnimationFrame.",
  );
  out();
  const ref = serveReference();
  const browser = await launchChromium();
  try {
    await latency(ctx, browser, ref);
    await cost(ctx, browser, ref);
    await firstTrace(ctx, browser, ref);
  } finally {
    await browser.close();
    await ref.stop();
  }
}
