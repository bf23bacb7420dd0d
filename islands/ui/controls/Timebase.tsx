import { DIVISIONS_X, formatPerDiv } from "../../../lib/scope/timebase.ts";
import { formatSI } from "../../../lib/scope/si.ts";
import type { ScopeModel } from "../../state/model.ts";
import { Section, Stepper, Toggle } from "./widgets.tsx";

/**
 * What the time/div knob shows: the setting, or the 1-2-5 step "fit all" chose (the Fit key
 * is lit then); "fit" before there is anything to fit.
 */
export function timebaseText(model: ScopeModel): string {
  const perDiv = model.view.value.timePerDiv;
  const shown = model.shown.value;
  const fitted = shown === null ? null : (shown.to - shown.from) / DIVISIONS_X;
  return perDiv !== null
    ? formatPerDiv(perDiv, "s")
    : fitted !== null && model.hasPoints.value
    ? formatPerDiv(Number(fitted.toPrecision(2)), "s")
    : "fit";
}

/** Horizontal: time/div in 1-2-5 steps, fit-all, roll, and the zoom window when held. */
export function Timebase(props: { model: ScopeModel }) {
  const { model } = props;
  const v = model.view.value;
  const perDiv = v.timePerDiv;
  const text = timebaseText(model);
  return (
    <Section title="Horizontal" id="sec-timebase">
      <span class="field-label" id="tdiv-label">Time / div</span>
      <Stepper
        label="Time per division"
        id="tdiv"
        value={text}
        downLabel="Faster timebase: less time per division"
        upLabel="Slower timebase: more time per division"
        onStep={(dir) => model.stepTimebase(dir)}
      />
      <div class="btn-row">
        <Toggle
          id="fit"
          pressed={perDiv === null}
          title="Fit everything held on screen"
          onClick={() => model.setTimePerDiv(null)}
        >
          Fit all
        </Toggle>
        <Toggle
          id="roll"
          pressed={v.roll === true}
          title="Roll: the trace scrolls, untriggered (R)"
          onClick={() => model.toggleRoll()}
        >
          Roll
        </Toggle>
      </div>
      {v.zoom !== null && (
        <p class="hint" id="zoom-info">
          Zoom {formatSI(v.zoom.fromX, "s")} … {formatSI(v.zoom.toX, "s")}
        </p>
      )}
    </Section>
  );
}
