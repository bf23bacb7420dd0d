import type { ScopeModel } from "../../state/model.ts";
import { Section } from "./widgets.tsx";

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
        <button
          type="button"
          id="single"
          class={`btn btn-single ${armed ? "is-armed" : ""}`}
          aria-pressed={v.trigger.mode === "single"}
          title="Single capture (S)"
          onClick={() => model.single()}
        >
          <span class="led" aria-hidden="true" />
          Single
        </button>
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
    <button
      type="button"
      id={props.id}
      class={`btn ${props.class} ${running ? "is-running" : "is-stopped"}`}
      aria-pressed={running}
      aria-label={running ? "Stop acquisition" : "Run acquisition"}
      title="Run / Stop (Space)"
      onClick={() => props.model.toggleRun()}
    >
      <span class="led" aria-hidden="true" />
      {running ? "Run" : "Stop"}
    </button>
  );
}
