import { useSignal } from "@preact/signals";
import { formatDb, formatSI } from "../../lib/scope/si.ts";
import type { ScopeModel } from "../state/model.ts";
import { Overlay } from "./Overlay.tsx";

/** The screen: chart or plot, overlay, FFT peak readout, and the empty state. */
export function Screen(props: {
  model: ScopeModel;
  chartRef: { current: HTMLDivElement | null };
  plotRef: { current: HTMLDivElement | null };
  wrapRef: { current: HTMLDivElement | null };
  curl: string;
}) {
  const { model, curl } = props;
  const copied = useSignal(false);
  const view = model.view.value.view;
  const hasPoints = model.hasPoints.value;
  const peaks = view === "fft" ? model.fftPeaks.value : [];
  const record = view === "fft" ? model.fftRecord.value : null;
  return (
    <div
      class={`chart-wrap view-${view}${hasPoints ? "" : " is-empty"}`}
      ref={props.wrapRef}
    >
      <div class="chart" ref={props.chartRef} data-points="0" />
      {/* painted by the page's inline script (first_paint.ts), over the chart's plot area */}
      {model.firstPicture.value && view === "yt" && (
        <canvas class="first-trace" aria-hidden="true" />
      )}
      <div
        class="plot"
        ref={props.plotRef}
        role={view === "yt" ? undefined : "img"}
        aria-label={view === "xy"
          ? xyLabel(model)
          : view === "fft"
          ? `Spectrum${
            peaks.length > 0
              ? ": " +
                peaks.map((p) =>
                  `${p.name} peak ${formatSI(p.frequency, "Hz")}`
                )
                  .join(", ")
              : ""
          }`
          : undefined}
      />
      <Overlay model={model} />
      {view === "yt" && <Readout model={model} />}
      {view === "fft" && peaks.length > 0 && (
        <div class="fft-peaks" data-fft-peaks>
          {record && (
            <span data-fft-record>
              N {record.count} · Δf {formatSI(record.resolution, "Hz")}
            </span>
          )}
          {peaks.map((p) => (
            <span key={p.name} data-fft-peak={p.name}>
              <span
                class="swatch"
                style={{ background: p.color }}
                aria-hidden="true"
              />
              {p.name} peak {formatSI(p.frequency, "Hz")} · {formatDb(p.db)}
            </span>
          ))}
        </div>
      )}
      {!hasPoints && (
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
  );
}

/** The crosshair: x and the nearest value of each channel, in a corner of the screen. */
function Readout(props: { model: ScopeModel }) {
  const r = props.model.readout.value;
  return (
    <div class="readout" aria-live="off">
      {r && (
        <>
          <span class="readout-x">x {r.x}</span>
          {r.values.map(([name, color, y]) => (
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
  );
}

/** What the XY plot shows, for those who cannot see it. */
function xyLabel(model: ScopeModel): string {
  const v = model.view.value;
  const names = model.names.value;
  const xy = v.xy ?? { x: names[0], y: names[1] ?? names[0] };
  return xy.x === undefined ? "XY plot" : `XY plot: ${xy.y} against ${xy.x}`;
}
