import { useComputed, useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { formatY } from "../lib/grid.ts";
import { traceColor } from "../lib/palette.ts";
import type { ScopeProps } from "../lib/types.ts";
import { LiveChart, type Readout } from "./live_chart.ts";
import { type Connection, LiveFeed } from "./live_feed.ts";

interface LegendEntry {
  name: string;
  color: string;
  lastY: number | null;
  /** points held by the page */
  count: number;
  /** points per second over the last second or so */
  rate: number;
}

/**
 * The live oscilloscope: connection state, channel legend, cursor readout and the chart. Renders
 * on the server from `props` (so the first paint already shows the channels); the chart and the
 * socket exist only in the browser, created in an effect that undoes them on unmount.
 */
export function Scope(props: ScopeProps) {
  const connection = useSignal<Connection>("connecting");
  const retrySeconds = useSignal(0);
  const legend = useSignal<LegendEntry[]>(
    props.channels.map((c, i) => ({
      name: c.name,
      color: traceColor(i),
      lastY: c.lastY,
      count: c.count,
      rate: 0,
    })),
  );
  const readout = useSignal<
    { x: string; values: [string, string, string][] } | null
  >(null);
  const hasPoints = useComputed(() => legend.value.some((c) => c.count > 0));
  const chartRef = useRef<HTMLDivElement>(null);
  const copied = useSignal(false);

  useEffect(() => {
    const colors = new Map<string, string>();
    const colorOf = (name: string) => {
      let color = colors.get(name);
      if (!color) colors.set(name, color = traceColor(colors.size));
      return color;
    };
    props.channels.forEach((c) => colorOf(c.name));

    const chart = new LiveChart(chartRef.current!, (r: Readout | null) => {
      readout.value = r === null ? null : {
        x: chart.formatX(r.x),
        values: r.values.map((
          [name, y],
        ) => [name, colorOf(name), formatY(y)]),
      };
    });
    let dirty = true;
    let frame = 0;
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
        dirty = true;
      },
      onConnection: (state, retryMs) => {
        connection.value = state;
        retrySeconds.value = Math.ceil(retryMs / 1000);
      },
    });

    // rate over a sliding window: received counts sampled every 500 ms
    const history: { t: number; counts: Map<string, number> }[] = [];
    const updateLegend = () => {
      const now = performance.now();
      const counts = new Map(
        [...feed.traces].map(([name, t]) => [name, t.received]),
      );
      history.push({ t: now, counts });
      while (history.length > 1 && now - history[0].t > 2000) history.shift();
      const past = history[0];
      const seconds = (now - past.t) / 1000;
      legend.value = [...feed.traces].map(([name, trace]) => ({
        name,
        color: colorOf(name),
        lastY: trace.ring.size > 0 ? trace.lastY : null,
        count: trace.ring.size,
        rate: seconds > 0
          ? (trace.received - (past.counts.get(name) ?? 0)) / seconds
          : 0,
      }));
    };

    // draw at most once per animation frame, and only when something changed
    const loop = () => {
      // schedule first: one bad frame must not stop the display for good
      frame = requestAnimationFrame(loop);
      if (!dirty) return;
      dirty = false;
      try {
        chart.draw(feed.traces, colorOf);
      } catch (e) {
        console.error("drawing failed:", e);
      }
      updateLegend();
      chartRef.current!.dataset.points = String(
        legend.value.reduce((n, c) => n + c.count, 0),
      );
    };
    frame = requestAnimationFrame(loop);
    const rateTimer = setInterval(updateLegend, 500);
    // the grid has as many slots as the chart has pixels: a new width needs a new grid
    const resized = new ResizeObserver(() => (dirty = true));
    resized.observe(chartRef.current!);
    feed.start();
    return () => {
      cancelAnimationFrame(frame);
      clearInterval(rateTimer);
      resized.disconnect();
      feed.close();
      chart.dispose();
    };
  }, []);

  const curl = `curl -X POST${
    props.tokenRequired ? ' -H "Authorization: Bearer $OSC_PUBLISH_TOKEN"' : ""
  } -d '{"x": 1, "y": 2}' ${props.publishUrl}`;
  const state = connection.value;
  return (
    <section class="scope" aria-label="Oscilloscope">
      <div class="scope-bar">
        <span
          class={`conn conn-${state}`}
          role="status"
          aria-live="polite"
          data-state={state}
        >
          <span class="conn-dot" aria-hidden="true" />
          {state === "live"
            ? "live"
            : state === "connecting"
            ? "connecting…"
            : `reconnecting${
              retrySeconds.value > 0 ? ` in ${retrySeconds.value} s` : "…"
            }`}
        </span>
        <ul class="legend" aria-label="Channels">
          {legend.value.map((c) => (
            <li class="chip" key={c.name} data-channel={c.name}>
              <span
                class="swatch"
                style={{ background: c.color }}
                aria-hidden="true"
              />
              <span class="chip-name">{c.name}</span>
              <span class="chip-value" data-value>
                {c.lastY === null ? "–" : formatY(c.lastY)}
              </span>
              <span class="chip-meta">
                {c.rate >= 0.05 ? `${formatRate(c.rate)}/s` : `${c.count} pts`}
              </span>
            </li>
          ))}
        </ul>
        <div class="readout" aria-live="off">
          {readout.value && (
            <>
              <span class="readout-x">x {readout.value.x}</span>
              {readout.value.values.map(([name, color, y]) => (
                <span key={name} class="readout-y">
                  <span
                    class="swatch"
                    style={{ background: color }}
                    aria-hidden="true"
                  />
                  {y}
                </span>
              ))}
            </>
          )}
        </div>
      </div>
      <div class={hasPoints.value ? "chart-wrap" : "chart-wrap is-empty"}>
        <div class="chart" ref={chartRef} data-points="0" />
        {!hasPoints.value && (
          <div class="empty">
            <p class="empty-title">Waiting for data</p>
            <p>Publish a point from any machine that can reach this server:</p>
            <div class="empty-cmd-row">
              <pre class="empty-cmd"><code>{curl}</code></pre>
              <button
                type="button"
                class="copy"
                aria-label="Copy the command"
                onClick={() => {
                  // the clipboard API exists only on https and localhost pages
                  navigator.clipboard?.writeText(curl).then(() => {
                    copied.value = true;
                    setTimeout(() => (copied.value = false), 1500);
                  });
                }}
              >
                {copied.value ? "Copied" : "Copy"}
              </button>
            </div>
            <p class="empty-hint">
              Batches work too: <code>[{'{"x":1,"y":2}'},…]</code> or{" "}
              <code>{'{"x":[…],"y":[…]}'}</code>. Points appear here live.
            </p>
          </div>
        )}
      </div>
    </section>
  );
}

function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(0)}k`;
  if (perSecond >= 100) return perSecond.toFixed(0);
  return perSecond.toFixed(1);
}
