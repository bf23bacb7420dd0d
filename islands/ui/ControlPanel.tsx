import { useEffect, useRef } from "preact/hooks";
import type { ScopeModel } from "../state/model.ts";
import { Acquire } from "./controls/Acquire.tsx";
import { Display } from "./controls/Display.tsx";
import { Export, type ExportActions } from "./controls/Export.tsx";
import { Timebase } from "./controls/Timebase.tsx";
import { Trigger } from "./controls/Trigger.tsx";
import { Vertical } from "./controls/Vertical.tsx";

/**
 * The front panel: a column beside the screen on a desk, a drawer over it on a phone (the
 * chart keeps the screen; the Controls button in the bar opens it).
 */
export function ControlPanel(props: {
  model: ScopeModel;
  canClear: boolean;
  onClear: () => void;
  actions: ExportActions;
}) {
  const { model } = props;
  const open = model.drawerOpen.value;
  const panel = useRef<HTMLElement>(null);
  const wasOpen = useRef(false);
  // a drawer that opens takes the focus, and gives it back to its button when it closes
  useEffect(() => {
    const toggle = document.getElementById("drawer-toggle");
    // docked beside a wide screen, there is no drawer and the focus stays where it is
    if (!toggle || toggle.offsetParent === null) return;
    if (open) {
      panel.current?.querySelector<HTMLElement>(".panel-close")?.focus();
    } else if (wasOpen.current) toggle.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <>
      {open && (
        <div
          class="drawer-backdrop"
          aria-hidden="true"
          onClick={() => (model.drawerOpen.value = false)}
        />
      )}
      <aside
        ref={panel}
        id="controls"
        class={open ? "panel is-open" : "panel"}
        aria-label="Scope controls"
      >
        <div class="panel-head">
          <span>Controls</span>
          <button
            type="button"
            class="btn btn-icon panel-close"
            aria-label="Close the controls"
            onClick={() => (model.drawerOpen.value = false)}
          >
            ×
          </button>
        </div>
        <Acquire
          model={model}
          canClear={props.canClear}
          onClear={props.onClear}
        />
        <Timebase model={model} />
        <Trigger model={model} />
        <Vertical model={model} />
        <Display model={model} />
        <Export actions={props.actions} />
      </aside>
    </>
  );
}
