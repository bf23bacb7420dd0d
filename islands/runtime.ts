import { formatY, niceStep } from "../lib/shared/grid.ts";
import type { RingBuffer } from "../lib/shared/ring_buffer.ts";
import type { ScopeProps } from "../lib/shared/types.ts";
import type { ViewState } from "../lib/scope/view_state.ts";
import { Acquisition, type Shown } from "./acquisition.ts";
import { openLinkedView, watchView } from "./address_bar.ts";
import type { Readout } from "./crosshair_readout.ts";
import {
  clearAll,
  savePng,
  saveWindowCsv,
  type ScopeActions,
  shareUrl,
} from "./export.ts";
import { attachPanZoom } from "./interaction.ts";
import { listenForShortcuts } from "./keyboard.ts";
import { LiveChart } from "./live_chart.ts";
import { LiveFeed } from "./live_feed.ts";
import type { ScopeModel } from "./model.ts";
import { keepOnScreen, type Mapper, placeOverlay } from "./Overlay.tsx";
import { PlotCanvas } from "./plot_canvas.ts";
import { Plots } from "./plots.ts";
import { Readings } from "./readings.ts";
import { startStatusPoll } from "./status_poll.ts";
import type { ChannelDraw } from "./trace_series.ts";

// readouts people read, not animation: a few times a second is as fast as they can follow
const MEASURE_MS = 250;
const FFT_MS = 100;
// a link's zoom or stop waits for the snapshots, or it would hold an empty screen
const SETTLE_MS = 700;

/** The browser side of the scope, running: what the island's effect starts and undoes. */
export interface ScopeRuntime {
  actions: ScopeActions;
  /** stops the frame loop, timers and listeners, closes the socket, removes the chart */
  dispose(): void;
}

/**
 * Starts the scope in the browser: the chart and the XY/FFT canvas, the socket, the frame loop
 * (acquisition → draw → measurements at a few hertz), the keyboard, the /status poll and the
 * address bar that always holds the view.
 */
export function startScope(opts: {
  model: ScopeModel;
  props: ScopeProps;
  chartEl: HTMLDivElement;
  plotEl: HTMLDivElement;
  wrapEl: HTMLDivElement;
  mapper: { current: Mapper | null };
}): ScopeRuntime {
  const { model, props, chartEl, plotEl, wrapEl, mapper } = opts;
  // a shared link's view; its zoom and stop wait until the data has arrived
  let pending = openLinkedView(model);

  const chart = new LiveChart(chartEl, (r: Readout | null) => {
    model.readout.value = r === null ? null : {
      x: chart.formatX(r.x),
      values: r.values.map((
        [name, y],
      ) => [name, model.colorOf(name), formatY(y)]),
    };
  });
  const plot = new PlotCanvas(plotEl);
  const plots = new Plots(plot, model);
  mapper.current = {
    xToPx: (x) => chart.xToPx(x),
    pxToX: (px) => chart.pxToX(px),
    yToPx: (name, y) => chart.yToPx(name, y),
    pxToY: (name, px) => chart.pxToY(name, px),
    rect: () => chartEl.getBoundingClientRect(),
    origin: () => model.origin.peek(),
    plotSize: () => chart.plotSize(),
  };
  model.windowNow = () => (model.shown.value === null ? null : chart.shown());
  const acq = new Acquisition();
  let dataDirty = true;
  let viewDirty = true;
  let liveSinceMs: number | null = null;
  let frame = 0;
  // the status line: viewers, ingest rate and buffer fill, every couple of seconds
  const statusPoll = startStatusPoll(model);
  const feed = new LiveFeed({
    // binary frames (no per-viewer encoding on the server, 10x cheaper to decode), and
    // snapshots cut down to the extremes of this chart's own buckets: the same picture as
    // every point, so joining a 1M-point buffer costs kilobytes
    wsUrl: `${
      location.protocol === "https:" ? "wss" : "ws"
    }://${location.host}/ws?encoding=f64&slots=${chart.slotCount()}`,
    dataUrl: "/data",
    windowPoints: props.windowPoints,
    onData: () => {
      dataDirty = true;
    },
    onConnection: (state, retryMs) => {
      // the status line counts this page among the viewers as soon as it is one
      if (state === "live") setTimeout(() => statusPoll.now(), 0);
      model.connection.value = state;
      model.retrySeconds.value = Math.ceil(retryMs / 1000);
      liveSinceMs = state === "live" ? performance.now() : null;
    },
  });
  const liveRecords = () => {
    const out = new Map<string, RingBuffer>();
    for (const [name, t] of feed.traces) out.set(name, t.ring);
    return out;
  };
  model.records = liveRecords;
  let shown: Shown | null = null;

  // every change of the view redraws, and lands in the address bar (a shareable link)
  const stopWatchingView = watchView(model, () => {
    viewDirty = true;
  });
  const readings = new Readings(model);

  const channelDraws = (s: Shown, v: ViewState): ChannelDraw[] =>
    [...s.record].map(([name, ring]) => ({
      name,
      color: model.colorOf(name),
      ring,
      visible: !v.hidden.includes(name),
      fixed: v.vertical[name] ?? null,
    }));

  let lastMeasureMs = -Infinity;
  // something changed what the measurements see since they were last taken
  let measureDue = true;
  let lastFftMs = -Infinity;
  let lastLegendMs = -Infinity;
  let legendNames = "";
  let hysteresis = 0;
  let lastShown = "";
  let sized = true;
  const loop = () => {
    // schedule first: one bad frame must not stop the display for good
    frame = requestAnimationFrame(loop);
    const now = performance.now();
    if (
      pending !== null && liveSinceMs !== null &&
      now - liveSinceMs > SETTLE_MS && feed.traces.size > 0
    ) {
      model.update(pending);
      pending = null;
    }
    const v = model.view.value;
    const hadData = dataDirty;
    const redraw = viewDirty || sized;
    dataDirty = false;
    viewDirty = false;
    sized = false;
    try {
      shown = acq.step(
        feed.traces,
        v,
        { hysteresis },
        hadData,
        model.arm.value,
        now,
      );
      if (acq.singleDone) {
        acq.singleDone = false;
        if (v.running === true) model.update({ running: false });
      }
      if (model.status.peek() !== shown.status) {
        model.status.value = shown.status;
      }
      const changed = shown.changed || redraw;
      if (v.view === "yt") {
        if (changed) {
          chart.draw(
            channelDraws(shown, v),
            shown.window,
            shown.follow,
            shown.origin,
          );
          if (model.origin.peek() !== chart.origin) {
            model.origin.value = chart.origin;
          }
          const source = model.triggerSource();
          const triggerOn = v.trigger.enabled && !v.roll && source !== null;
          chart.setTriggerLevel(
            triggerOn ? source : null,
            v.trigger.level,
          );
          const cursors = model.cursors.peek();
          const onScreen = cursors === null
            ? null
            : keepOnScreen(cursors, mapper.current!, model.triggerSource());
          // the next frame draws them where they now are
          if (onScreen !== cursors) model.cursors.value = onScreen;
          placeOverlay(
            wrapEl,
            mapper.current!,
            onScreen,
            triggerOn
              ? { source: source!, level: v.trigger.level, x: shown.triggerX }
              : null,
          );
        }
      } else if (v.view === "xy") {
        if (changed) plots.xy(shown, v);
      } else if (changed && (redraw || now - lastFftMs >= FFT_MS)) {
        lastFftMs = now;
        plots.fft(shown, v);
      } else if (changed) {
        // a spectrum skipped for the rate limit is drawn on the next frame
        dataDirty = true;
      }
    } catch (e) {
      console.error("drawing failed:", e);
    }
    if (hadData) {
      chartEl.dataset.points = String(
        [...feed.traces.values()].reduce((n, t) => n + t.ring.size, 0),
      );
    }
    // the legend follows new channels at once, values and rates a few times a second
    const names = [...feed.traces.keys()].join("\n");
    if (names !== legendNames || now - lastLegendMs >= MEASURE_MS) {
      legendNames = names;
      lastLegendMs = now;
      readings.legend(feed.traces);
    }
    if (hadData || redraw || shown?.changed) measureDue = true;
    if (shown && measureDue && now - lastMeasureMs >= MEASURE_MS) {
      lastMeasureMs = now;
      measureDue = false;
      readings.measurements(shown, v);
      const source = model.triggerSource();
      const m = source === null
        ? null
        : model.measurements.peek().find((r) => r.name === source)?.m;
      // hysteresis a step below 2% of the swing: noise on an edge cannot retrigger, and
      // a 1-2-5 value changes seldom (a change restarts the trigger's scan)
      hysteresis = m && m.peakToPeak > 0
        ? niceStep(m.peakToPeak * 0.02).step
        : 0;
      if (v.view === "yt") {
        const w = chart.shown();
        const key = `${w.from}/${w.to}`;
        if (key !== lastShown) {
          lastShown = key;
          model.shown.value = w;
        }
      }
    }
  };
  frame = requestAnimationFrame(loop);
  // the grid has as many slots as the chart has pixels: a new width needs a new grid
  const resized = new ResizeObserver(() => (sized = true));
  resized.observe(chartEl);
  resized.observe(plotEl);
  const detach = attachPanZoom(wrapEl, () => mapper.current, model);
  const stopShortcuts = listenForShortcuts(model);

  const actions: ScopeActions = {
    csvWindow: () => {
      if (shown) saveWindowCsv(model, shown);
    },
    png: () =>
      savePng(
        model,
        model.view.value.view === "yt" ? chart.screenshot() : plot.canvas,
      ),
    shareUrl: () => shareUrl(model.view.value),
    clear: () => clearAll(model),
  };

  feed.start();
  const dispose = () => {
    cancelAnimationFrame(frame);
    statusPoll.stop();
    stopWatchingView();
    stopShortcuts();
    detach();
    resized.disconnect();
    feed.close();
    chart.dispose();
    plot.dispose();
  };
  return { actions, dispose };
}
