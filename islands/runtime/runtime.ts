import { formatY } from "../../lib/shared/grid.ts";
import { hysteresisFor } from "../../lib/scope/trigger.ts";
import type { RingBuffer } from "../../lib/shared/ring_buffer.ts";
import type { ScopeProps } from "../../lib/shared/types.ts";
import type { ViewState } from "../../lib/scope/view_state.ts";
import { decodeCursors } from "../../lib/scope/cursors.ts";
import { formatSI } from "../../lib/scope/si.ts";
import { tooDenseToSee } from "../../lib/scope/timebase.ts";
import { Acquisition, type Shown } from "../../lib/scope/acquisition.ts";
import { openLinkedView, watchView } from "./address_bar.ts";
import type { Readout } from "./crosshair_readout.ts";
import { clearAll } from "./clear.ts";
import { savePng, saveWindowCsv, shareUrl } from "./export.ts";
import { attachPanZoom } from "./interaction.ts";
import { listenForShortcuts } from "./keyboard.ts";
import { LiveChart } from "./live_chart.ts";
import { liveUrl } from "./early_socket.ts";
import { LiveFeed } from "./live_feed.ts";
import { HistoryFill } from "./history_fill.ts";
import type { ScopeModel } from "../state/model.ts";
import { keepOnScreen, placeOverlay } from "./overlay_placement.ts";
import { PlotCanvas } from "./plot_canvas.ts";
import { Plots } from "./plots.ts";
import { Readings } from "./readings.ts";
import type { Mapper } from "../state/scope_port.ts";
import { startStatusPoll } from "./status_poll.ts";
import type { ChannelDraw } from "./trace_series.ts";

// readouts people read, not animation: a few times a second is as fast as they can follow
const MEASURE_MS = 250;
const FFT_MS = 100;
// a link's zoom or stop waits for the snapshots, or it would hold an empty screen
const SETTLE_MS = 700;
const LIVE_STATUS_MS = 300;
// the longest a first picture waits for the chart's trace
const PICTURE_MS = 3000;

/**
 * Starts the scope in the browser: the chart and the XY/FFT canvas, the socket, the frame loop
 * (acquire → draw → readouts at a few hertz), the keyboard, the /status poll and the address
 * bar that always holds the view. Connects them to `model.port`; returns the function that
 * undoes all of it.
 */
export function startScope(opts: {
  model: ScopeModel;
  props: ScopeProps;
  chartEl: HTMLDivElement;
  plotEl: HTMLDivElement;
  wrapEl: HTMLDivElement;
}): () => void {
  const { model, props, chartEl, plotEl, wrapEl } = opts;
  // a shared link's view; its zoom, stop and cursors wait until the data has arrived (placed
  // on an empty screen, the cursors would be moved back onto it)
  let pending = openLinkedView(model);
  let pendingCursors = decodeCursors(location.search);

  const chart = new LiveChart(
    chartEl,
    (r: Readout | null) => {
      model.readout.value = r === null ? null : {
        x: chart.formatX(r.x),
        values: r.values.map((
          [name, y],
        ) => [name, model.colorOf(name), formatY(y)]),
      };
    },
    // the page's first picture gives way in the frame the chart's trace takes its place
    () => (model.firstPicture.value = false),
  );
  const plot = new PlotCanvas(plotEl);
  const plots = new Plots(plot, model);
  const mapper: Mapper = {
    xToPx: (x) => chart.xToPx(x),
    pxToX: (px) => chart.pxToX(px),
    yToPx: (name, y) => chart.yToPx(name, y),
    pxToY: (name, px) => chart.pxToY(name, px),
    rect: () => chartEl.getBoundingClientRect(),
    origin: () => model.origin.peek(),
    plotSize: () => chart.plotSize(),
  };
  const acq = new Acquisition();
  // the status line: viewers, ingest rate and buffer fill, every couple of seconds
  const statusPoll = startStatusPoll(model);
  let statusSoon: ReturnType<typeof setTimeout> | undefined;
  let dataDirty = true;
  let viewDirty = true;
  let sized = true;
  let liveSinceMs: number | null = null;
  const feed = new LiveFeed({
    // binary frames (no per-viewer encoding on the server, 10x cheaper to decode), and
    // snapshots cut down to the extremes of this chart's own buckets: the same picture as
    // every point, so joining a 1M-point buffer costs kilobytes
    wsUrl: liveUrl(chart.slotCount()),
    dataUrl: "/data",
    windowPoints: props.windowPoints,
    onData: () => {
      dataDirty = true;
      drawSoon();
    },
    onRefine: () => {
      // a triggered screen gets no new sweep from it, nor a spectrum of every sample: redrawn,
      // and measured again (a capture held before it came keeps the copy it took)
      viewDirty = true;
      measureDue = true;
    },
    onConnection: (state, retryMs) => {
      // the status line counts this page among the viewers once it is one: asked a little
      // after the socket opens, so the answer does not land on the frames drawing the snapshots
      if (state === "live") {
        clearTimeout(statusSoon);
        statusSoon = setTimeout(() => statusPoll.now(), LIVE_STATUS_MS);
      }
      if (state === "reconnecting") model.firstPicture.value = false;
      model.connection.value = state;
      model.retrySeconds.value = Math.ceil(retryMs / 1000);
      liveSinceMs = state === "live" ? performance.now() : null;
    },
  });
  // a capture looking back past the page's record gets the server's history in front of it
  const history = new HistoryFill({
    dataUrl: "/data",
    onAnswer: () => {
      // marks for the benchmark: a window's answer, and the frame that shows it
      performance.mark("osc:window-answer");
      answerToShow = true;
      viewDirty = true;
      measureDue = true;
      drawSoon();
    },
  });
  let answerToShow = false;
  let shown: Shown | null = null;
  let drawn = false;
  // a draw since the current animation frame began, and a draw queued for the next microtask
  let drawnThisFrame = false;
  let soon = false;
  // the first points draw as they arrive, whatever the frame drew before them (an empty screen)
  let shownData = false;
  const disconnect = model.port.connect({
    // the chart owns the x window; before its first draw there is none
    window: () => (drawn ? chart.shown() : null),
    records: () => {
      const out = new Map<string, RingBuffer>();
      for (const [name, t] of feed.traces) out.set(name, t.ring);
      return out;
    },
    mapper,
    actions: {
      csvWindow: () => {
        if (shown) saveWindowCsv(model, shown);
      },
      png: () =>
        savePng(
          model,
          model.view.value.view === "yt" ? chart.screenshot() : plot.canvas,
          mapper,
        ),
      shareUrl: () => shareUrl(model.view.value, model.cursors.peek()),
      clear: () => clearAll(model),
    },
  });

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
      reducedToX: s.reducedToX.get(name) ?? -Infinity,
    }));

  /**
   * The page's first picture goes when the chart has had the time to draw and has not (its
   * channels are gone), and when the socket drops or never lasts: it would show, as if live,
   * a trace the server no longer sends.
   */
  const startedMs = performance.now();
  const dropFirstPicture = (now: number) => {
    if (!model.firstPicture.peek()) return;
    if (
      (liveSinceMs !== null && now - liveSinceMs > SETTLE_MS) ||
      now - startedMs > PICTURE_MS
    ) model.firstPicture.value = false;
  };

  /** A shared link's zoom or stop, once its data has had time to arrive. */
  const applyLinkedView = (now: number) => {
    if (
      (pending !== null || pendingCursors !== null) && liveSinceMs !== null &&
      now - liveSinceMs > SETTLE_MS && feed.traces.size > 0
    ) {
      if (pending !== null) model.update(pending);
      if (pendingCursors !== null) model.cursors.value = pendingCursors;
      pending = null;
      pendingCursors = null;
    }
  };

  // the chart applies a new x range when it paints, a frame after draw(): what is placed from
  // its mapping right after a change is placed again on the next frame
  let marksStale = false;

  /** The Y-T screen: traces, then the marks over them. */
  const drawYT = (s: Shown, v: ViewState) => {
    // an empty screen stays as the chart first painted it: the first points are drawn sooner
    // for not waiting behind repaints of nothing
    if (!shownData && s.record.size === 0) return;
    chart.draw(channelDraws(s, v), s.window, s.follow, s.origin);
    drawn = true;
    if (answerToShow) {
      answerToShow = false;
      // the chart paints in the frame it asked for when drawn; this runs after it there
      requestAnimationFrame(() => performance.mark("osc:window-shown"));
    }
    if (model.origin.peek() !== chart.origin) {
      model.origin.value = chart.origin;
    }
    placeMarks(s, v);
    marksStale = true;
  };

  /** The trigger level and marker and the cursors (kept on screen), from the chart's mapping. */
  const placeMarks = (s: Shown, v: ViewState) => {
    const source = model.triggerSource();
    const triggerOn = v.trigger.enabled && !v.roll && source !== null;
    chart.setTriggerLevel(triggerOn ? source : null, v.trigger.level);
    const cursors = model.cursors.peek();
    const onScreen = cursors === null
      ? null
      : keepOnScreen(cursors, mapper, model.triggerSource());
    // the next frame draws them where they now are
    if (onScreen !== cursors) model.cursors.value = onScreen;
    placeOverlay(
      wrapEl,
      mapper,
      onScreen,
      triggerOn
        ? { source: source!, level: v.trigger.level, x: s.triggerX }
        : null,
    );
  };

  let lastFftMs = -Infinity;
  /** Draws what the acquisition produced, on the screen the view shows. */
  const draw = (s: Shown, v: ViewState, redraw: boolean, now: number) => {
    const changed = s.changed || redraw;
    if (!changed) {
      if (v.view === "yt" && chart.settle()) viewDirty = true;
      if (marksStale && v.view === "yt") placeMarks(s, v);
      marksStale = false;
      return;
    }
    drawnThisFrame = true;
    if (v.view === "yt") drawYT(s, v);
    else if (v.view === "xy") plots.xy(s, v);
    else if (redraw || now - lastFftMs >= FFT_MS) {
      lastFftMs = now;
      plots.fft(s, v);
    } else {
      // a spectrum skipped for the rate limit is drawn on the next frame
      dataDirty = true;
    }
    if (s.record.size > 0) shownData = true;
  };

  let lastLegendMs = -Infinity;
  let legendNames = "";
  /** The legend follows new channels at once, values and rates a few times a second. */
  const updateLegend = (now: number) => {
    const names = [...feed.traces.keys()].join("\n");
    if (names !== legendNames || now - lastLegendMs >= MEASURE_MS) {
      legendNames = names;
      lastLegendMs = now;
      readings.legend(feed.traces);
    }
  };

  // a page opened with no view of its own: its first look at a fast periodic signal is a
  // waveform, not a solid band (decided once, on the first full-resolution measurement)
  let firstLook = location.search.length <= 1;
  const lookFirst = (v: ViewState) => {
    if (!firstLook) return;
    if (
      v.view !== "yt" || !v.roll || v.timePerDiv !== null || v.zoom !== null
    ) {
      firstLook = false;
      return;
    }
    const source = model.triggerSource();
    const row = model.measurements.peek().find((r) => r.name === source);
    if (!row?.m || row.estimate) return;
    firstLook = false;
    const w = chart.shown();
    const f = row.m.frequency;
    if (tooDenseToSee(w.to - w.from, f, chart.plotSize().width)) {
      model.autoset();
      model.say(
        `${source} is a ${
          formatSI(f!, "Hz")
        } signal, a solid band over everything held: ` +
          "autoset shows its waveform (Fit or R for the whole record)",
      );
    }
  };

  let lastMeasureMs = -Infinity;
  // something changed what the measurements see since they were last taken
  let measureDue = true;
  let hysteresis = 0;
  let lastShown = "";
  /** Measurements, the trigger's hysteresis and the readouts' window, a few times a second. */
  const updateReadouts = (s: Shown, v: ViewState, now: number) => {
    if (!measureDue || now - lastMeasureMs < MEASURE_MS) return;
    lastMeasureMs = now;
    measureDue = false;
    const measured = readings.measurements(
      s,
      v,
      history.summarised,
      liveSinceMs === null || now - liveSinceMs < SETTLE_MS,
    );
    // the placeholders go once the snapshots have had time to come (a server holding no
    // channels any more sends none)
    if (!measured) measureDue = true;
    lookFirst(v);
    const source = model.triggerSource();
    const m = source === null
      ? null
      : model.measurements.peek().find((r) => r.name === source)?.m;
    hysteresis = m ? hysteresisFor(m.peakToPeak) : 0;
    if (v.view === "yt") {
      const w = chart.shown();
      const key = `${w.from}/${w.to}`;
      if (key !== lastShown) {
        lastShown = key;
        model.shown.value = w;
      }
    }
  };

  /**
   * Data that arrives while nothing has been drawn since the last frame began is drawn at once,
   * not in the next frame: the chart paints in an animation frame of its own, requested when
   * it is drawn, so drawing in our next frame would put the point on the glass a frame later
   * than it could be. Within a frame that has drawn already, it waits for the next one, which
   * runs before the chart's paint (one draw per frame, however many messages arrive) — but for
   * the first points, which are drawn as they come whatever the frame drew before (nothing).
   */
  const drawSoon = () => {
    if ((drawnThisFrame && shownData) || soon) return;
    soon = true;
    queueMicrotask(() => {
      soon = false;
      if (!drawnThisFrame || !shownData) step();
    });
  };

  let frame = 0;
  let frames = 0;
  // the frames that first show points (the chart paints them in the one after they are drawn)
  // are not held up by the text around them: legend values and measurements follow
  let textFrom = 0;
  /** One animation frame: the step, whatever it has to do. */
  const loop = () => {
    // schedule first: one bad frame must not stop the display for good
    frame = requestAnimationFrame(loop);
    frames++;
    drawnThisFrame = false;
    step();
  };

  /** Acquire, draw, then the readouts that are due. */
  const step = () => {
    const now = performance.now();
    dropFirstPicture(now);
    applyLinkedView(now);
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
      if (v.view === "yt") {
        shown = history.apply(shown, v.hidden, chart.plotSize().width, now);
        let summary: number | null = null;
        for (const [name, s] of history.summarised) {
          if (!v.hidden.includes(name) && s.resolution > 0) {
            summary = Math.max(summary ?? 0, s.resolution);
          }
        }
        if (model.summary.peek() !== summary) model.summary.value = summary;
      }
      const firstData = !shownData;
      draw(shown, v, redraw, now);
      if (firstData && shownData) textFrom = frames + 2;
    } catch (e) {
      console.error("drawing failed:", e);
    }
    if (hadData) {
      chartEl.dataset.points = String(
        [...feed.traces.values()].reduce((n, t) => n + t.ring.size, 0),
      );
    }
    if (hadData || redraw || shown?.changed) measureDue = true;
    // (a page that loaded empty shows its screen when the legend has a channel with points)
    if (frames < textFrom && model.hasPoints.peek()) return;
    updateLegend(now);
    if (shown) updateReadouts(shown, v, now);
  };
  frame = requestAnimationFrame(loop);
  // the grid has as many slots as the chart has pixels: a new width needs a new grid
  const resized = new ResizeObserver(() => (sized = true));
  resized.observe(chartEl);
  resized.observe(plotEl);
  const detach = attachPanZoom(wrapEl, () => model.port.mapper, model);
  const stopShortcuts = listenForShortcuts(model);

  feed.start();
  return () => {
    cancelAnimationFrame(frame);
    disconnect();
    statusPoll.stop();
    clearTimeout(statusSoon);
    stopWatchingView();
    stopShortcuts();
    detach();
    resized.disconnect();
    feed.close();
    history.close();
    chart.dispose();
    plot.dispose();
  };
}
