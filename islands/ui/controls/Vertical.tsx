import { formatY } from "../../../lib/shared/grid.ts";
import { formatPerDiv } from "../../../lib/scope/timebase.ts";
import type { ScopeModel } from "../../state/model.ts";
import { NumberField, Section, Stepper, Toggle } from "./widgets.tsx";

/** Per channel: autoscale, or fixed volts/div (1-2-5) and offset. */
export function Vertical(props: { model: ScopeModel }) {
  const { model } = props;
  const v = model.view.value;
  const channels = model.names.value.map((name) => ({
    name,
    color: model.colorOf(name),
  }));
  return (
    <Section title="Vertical" id="sec-vertical">
      {channels.length === 0 && <p class="hint">No channels yet.</p>}
      {channels.map((c, i) => {
        const fixed = v.vertical[c.name];
        return (
          <div class="vrow" key={c.name} data-channel={c.name}>
            <div class="vrow-head">
              <span
                class="swatch"
                style={{ background: c.color }}
                aria-hidden="true"
              />
              <span class="vrow-name">{c.name}</span>
              <Toggle
                pressed={!fixed}
                label={`Auto: autoscale ${c.name}`}
                class="btn-small"
                onClick={() =>
                  model.setVertical(
                    c.name,
                    fixed ? null : model.fitVertical(c.name),
                  )}
              >
                Auto
              </Toggle>
            </div>
            {fixed && (
              <div class="vrow-body">
                <Stepper
                  label={`${c.name} volts per division`}
                  value={formatPerDiv(fixed.voltsPerDiv)}
                  downLabel={`${c.name}: smaller volts per division`}
                  upLabel={`${c.name}: larger volts per division`}
                  onStep={(dir) => model.stepVolts(c.name, dir)}
                />
                <NumberField
                  id={`offset-${i}`}
                  label={`Offset ${c.name}`}
                  value={fixed.offset}
                  step={fixed.voltsPerDiv / 10}
                  onCommit={(offset) =>
                    model.setVertical(c.name, { ...fixed, offset })}
                />
                <span class="hint">
                  screen {formatY(-fixed.offset - 4 * fixed.voltsPerDiv)} …{" "}
                  {formatY(-fixed.offset + 4 * fixed.voltsPerDiv)}
                </span>
              </div>
            )}
          </div>
        );
      })}
    </Section>
  );
}
