import { formatSI } from "../../../lib/scope/si.ts";
import type { Edge, TriggerMode } from "../../../lib/scope/trigger.ts";
import type { ScopeModel } from "../../state/model.ts";
import { NumberField, Section, Segmented, Toggle } from "./widgets.tsx";

const EDGES = [
  { value: "rising", label: "↑ Rising" },
  { value: "falling", label: "↓ Falling" },
] as const satisfies readonly { value: Edge; label: string }[];

const MODES = [
  { value: "auto", label: "Auto", title: "Free-runs when no trigger comes" },
  { value: "normal", label: "Normal", title: "Only triggered sweeps" },
  { value: "single", label: "Single", title: "One capture, then stop" },
] as const satisfies readonly {
  value: TriggerMode;
  label: string;
  title: string;
}[];

/** Edge trigger: source, slope, level, mode, position and holdoff. */
export function Trigger(props: { model: ScopeModel }) {
  const { model } = props;
  const v = model.view.value;
  const t = v.trigger;
  const on = t.enabled === true && v.roll === false;
  const names = model.names.value;
  const source = model.triggerSource();
  return (
    <Section title="Trigger" id="sec-trigger">
      <div class="btn-row">
        <Toggle
          id="trigger-on"
          pressed={on}
          title="Trigger on / off (T)"
          onClick={() => model.toggleTrigger()}
        >
          Trigger {on ? "on" : "off"}
        </Toggle>
      </div>
      <div class="field">
        <label class="field-label" for="trig-source">Source</label>
        <select
          id="trig-source"
          value={source ?? ""}
          onChange={(e) =>
            model.updateTrigger({ source: e.currentTarget.value || null })}
        >
          {names.length === 0 && <option value="">no channels yet</option>}
          {names.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </div>
      <Segmented
        legend="Edge"
        name="trig-edge"
        value={t.edge}
        options={EDGES}
        onChange={(edge) => model.setEdge(edge)}
      />
      <div class="field-pair">
        <NumberField
          id="trig-level"
          label="Level"
          value={t.level}
          step={model.levelStep()}
          onCommit={(level) => model.setLevel(level)}
        />
        <button
          type="button"
          class="btn"
          id="trig-50"
          title="Level to the middle of the source's swing"
          onClick={() => model.levelToMiddle()}
        >
          50%
        </button>
      </div>
      <Segmented
        legend="Mode"
        name="trig-mode"
        value={t.mode}
        options={MODES}
        onChange={(mode) => model.setMode(mode)}
      />
      <div class="field">
        <label class="field-label" for="trig-pos">
          Position{" "}
          <output for="trig-pos">{Math.round(t.preFraction * 100)} %</output>
        </label>
        <input
          id="trig-pos"
          type="range"
          min={0}
          max={100}
          step={5}
          value={Math.round(t.preFraction * 100)}
          aria-valuetext={`${
            Math.round(t.preFraction * 100)
          } percent of the sweep before the trigger`}
          onInput={(e) =>
            model.updateTrigger({
              preFraction: Number(e.currentTarget.value) / 100,
            })}
        />
      </div>
      <NumberField
        id="trig-holdoff"
        label={`Holdoff (${formatSI(t.holdoffX, "s", 3)})`}
        value={t.holdoffX}
        min={0}
        unit="s"
        onCommit={(holdoffX) =>
          model.updateTrigger({ holdoffX: Math.max(0, holdoffX) })}
      />
    </Section>
  );
}
