import { WINDOW_NAMES, type WindowName } from "../../../lib/scope/fft.ts";
import type { ViewState } from "../../../lib/scope/view_state.ts";
import type { ScopeModel } from "../../state/model.ts";
import { Section, Segmented, Toggle } from "./widgets.tsx";

const VIEWS = [
  { value: "yt", label: "Y–T", title: "Signal against x" },
  { value: "xy", label: "XY", title: "Channel A against channel B (X)" },
  { value: "fft", label: "FFT", title: "Spectrum in dB (F)" },
] as const satisfies readonly {
  value: ViewState["view"];
  label: string;
  title: string;
}[];

const WINDOW_LABELS: Record<WindowName, string> = {
  hann: "Hann",
  rectangular: "Rectangular",
  blackman: "Blackman",
  flattop: "Flat top",
};

/** The screen: Y-T, XY or FFT, their channels and window, and the cursors. */
export function Display(props: { model: ScopeModel }) {
  const { model } = props;
  const v = model.view.value;
  const names = model.names.value;
  const xy = v.xy ?? { x: names[0] ?? "", y: names[1] ?? names[0] ?? "" };
  return (
    <Section title="Display" id="sec-display">
      <Segmented
        legend="View"
        name="view"
        value={v.view}
        options={VIEWS}
        onChange={(view) => model.setDisplay(view)}
      />
      {v.view === "xy" && (
        <div class="field-pair">
          <div class="field">
            <label class="field-label" for="xy-x">X axis (A)</label>
            <select
              id="xy-x"
              value={xy.x}
              onChange={(e) =>
                model.update({ xy: { ...xy, x: e.currentTarget.value } })}
            >
              {names.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </div>
          <div class="field">
            <label class="field-label" for="xy-y">Y axis (B)</label>
            <select
              id="xy-y"
              value={xy.y}
              onChange={(e) =>
                model.update({ xy: { ...xy, y: e.currentTarget.value } })}
            >
              {names.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </div>
        </div>
      )}
      {v.view === "fft" && (
        <div class="field">
          <label class="field-label" for="fft-window">Window</label>
          <select
            id="fft-window"
            value={v.fftWindow}
            onChange={(e) =>
              model.update({
                fftWindow: e.currentTarget.value as WindowName,
              })}
          >
            {WINDOW_NAMES.map((w) => (
              <option key={w} value={w}>{WINDOW_LABELS[w]}</option>
            ))}
          </select>
        </div>
      )}
      <div class="btn-row">
        <Toggle
          id="cursors"
          pressed={model.cursors.value !== null}
          title="Two x and two y cursors with Δ readouts (C)"
          onClick={() => model.toggleCursors()}
        >
          Cursors
        </Toggle>
      </div>
    </Section>
  );
}
