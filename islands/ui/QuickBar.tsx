import { RunStopButton } from "./controls/Acquire.tsx";
import { timebaseText } from "./controls/Timebase.tsx";
import { Stepper, Toggle } from "./controls/widgets.tsx";
import type { ScopeModel } from "../state/model.ts";

/**
 * The knobs used most, always in reach above the screen: run/stop, single, time/div, trigger
 * and autoset. The full panel holds them too; on a wide desk, where it is docked, this hides.
 */
export function QuickBar(props: { model: ScopeModel }) {
  const { model } = props;
  const v = model.view.value;
  const triggerOn = v.trigger.enabled === true && v.roll === false;
  return (
    <div class="quick" role="group" aria-label="Main controls">
      <RunStopButton model={model} id="quick-run" class="btn-quick-run" />
      <button
        type="button"
        id="quick-single"
        class="btn"
        title="Single capture (S)"
        onClick={() => model.single()}
      >
        Single
      </button>
      <Stepper
        label="Time per division"
        value={timebaseText(model)}
        downLabel="Faster timebase: less time per division"
        upLabel="Slower timebase: more time per division"
        onStep={(dir) => model.stepTimebase(dir)}
      />
      <Toggle
        id="quick-trigger"
        label="Trig: trigger on or off"
        pressed={triggerOn}
        title="Trigger on / off (T)"
        onClick={() => model.toggleTrigger()}
      >
        Trig
      </Toggle>
      <button
        type="button"
        id="quick-autoset"
        class="btn"
        title="Autoset (A)"
        onClick={() => model.autoset()}
      >
        Autoset
      </button>
    </div>
  );
}
