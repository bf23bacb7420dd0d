import { formatY } from "../../lib/shared/grid.ts";
import { formatRate, formatSI } from "../../lib/scope/si.ts";
import type { ScopeModel } from "../state/model.ts";

const COLUMNS = [
  ["frequency", "Freq"],
  ["period", "Period"],
  ["dutyCycle", "Duty"],
  ["min", "Min"],
  ["max", "Max"],
  ["mean", "Mean"],
  ["rms", "RMS"],
  ["peakToPeak", "P-P"],
  ["count", "Points"],
  // the rate the samples on screen were taken at, from their x: a recording uploaded in one
  // batch reads its sample rate here, not how fast it happened to arrive (the legend says that)
  ["sampleRate", "Sample rate"],
] as const;

/**
 * Automatic measurements of each visible channel over what is on screen, refreshed a few times a
 * second (faster would only flicker, and costs a scan of the window each time).
 */
export function Measurements(props: { model: ScopeModel }) {
  const { model } = props;
  const rows = model.measurements.value;
  if (rows.length === 0) return null;
  return (
    // focusable: the table scrolls sideways on a narrow screen, and keys must reach it
    <div class="measure" role="region" aria-label="Measurements" tabIndex={0}>
      <table>
        <caption class="sr-only">
          Measurements of each visible channel over the window on screen
        </caption>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            {COLUMNS.map(([key, label]) => (
              <th scope="col" key={key}>{label}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-channel={r.name}>
              <th scope="row">
                <span
                  class="swatch"
                  style={{ background: r.color }}
                  aria-hidden="true"
                />
                {r.name}
                {r.m === null && r.pending !== true && (
                  <span class="measure-none">no samples on screen</span>
                )}
              </th>
              {COLUMNS.map(([key]) => (
                <td
                  key={key}
                  data-m={key}
                  title={r.summary
                    ? `taken over the server's history, summarised in ${
                      formatSI(r.summary, "s")
                    } buckets (each bucket's first, last, lowest and highest): zoom in for every sample where it is still held`
                    : r.estimate
                    ? "an estimate from the snapshot's extremes; every sample is on its way"
                    : undefined}
                >
                  {withEstimate(r, cell(r, key))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type Row = ReturnType<ScopeModel["measurements"]["peek"]>[number];

/** A reading taken from extremes, not every sample, reads ≈; a dash stays a dash. */
function withEstimate(r: Row, text: string): string {
  return r.estimate && text !== "–" ? `≈${text}` : text;
}

/**
 * What the server's history buckets hold of a window: its lowest and highest (so min, max and
 * p-p), not the samples' number, spacing, mean or timing.
 */
const FROM_BUCKETS = new Set(["min", "max", "peakToPeak"]);

function cell(r: Row, key: typeof COLUMNS[number][0]): string {
  const m = r.m;
  if (m === null) return "–";
  if (r.summary && !FROM_BUCKETS.has(key)) return "–";
  switch (key) {
    case "frequency":
      return formatSI(m.frequency, "Hz");
    case "period":
      return formatSI(m.period, "s");
    case "dutyCycle":
      return m.dutyCycle === null ? "–" : `${(m.dutyCycle * 100).toFixed(1)} %`;
    case "count":
      return String(m.count);
    case "sampleRate":
      return m.sampleRate === null ? "–" : formatRate(m.sampleRate);
    default: {
      // float noise around zero (the mean of a sine) reads as 0, not as 1.8e-15
      const v = m[key];
      return formatY(Math.abs(v) < m.peakToPeak * 1e-9 ? 0 : v);
    }
  }
}
