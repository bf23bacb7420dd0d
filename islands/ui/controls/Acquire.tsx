import type { ScopeModel } from "../../state/model.ts";
import { Section, Toggle } from "./widgets.tsx";

/** Run/Stop, Single, Live, Autoset and Clear: the buttons at the top of a scope's panel. */
export function Acquire(
  props: { model: ScopeModel; canClear: boolean; onClear: () => void },
) {
  const { model } = props;
  const v = model.view.value;
  const status = model.status.value;
  const running = v.running === true;
  const armed = v.trigger.mode === "single" && running && status === "ready";
  return (
    <Section title="Acquire" id="sec-acquire">
      <div class="btn-row">
        <RunStopButton model={model} id="run-stop" class="btn-run" />
        <Toggle
          id="single"
          class={`btn-single ${armed ? "is-armed" : ""}`}
          accent={false}
          pressed={v.trigger.mode === "single"}
          title="Single capture (S)"
          onClick={() => model.single()}
        >
          Single
        </Toggle>
      </div>
      <div class="btn-row">
        <button
          type="button"
          id="autoset"
          class="btn"
          title="Autoset: timebase, trigger and scale from the signal (A)"
          onClick={() => model.autoset()}
        >
          Autoset
        </button>
        <button
          type="button"
          id="live"
          class="btn"
          disabled={v.zoom === null && running}
          title="Back to the live view (L)"
          onClick={() => model.live()}
        >
          Live
        </button>
        {props.canClear && (
          <button
            type="button"
            id="clear"
            class="btn btn-danger"
            title="Delete every channel's points on the server, for every viewer"
            onClick={props.onClear}
          >
            Clear
          </button>
        )}
      </div>
    </Section>
  );
}

/** The Run/Stop key, lit while acquiring; in the panel and in the quick bar. */
export function RunStopButton(
  props: { model: ScopeModel; id: string; class: string },
) {
  const running = props.model.view.value.running === true;
  return (
    <Toggle
      id={props.id}
      class={`${props.class} ${running ? "is-running" : "is-stopped"}`}
      accent={false}
      label={running
        ? "Run: acquiring, press to stop"
        : "Stop: stopped, press to run"}
      title="Run / Stop (Space)"
      onClick={() => props.model.toggleRun()}
    >
      {running ? "Run" : "Stop"}
    </Toggle>
  );
}
