import { useEffect, useRef } from "preact/hooks";
import type { ScopeModel } from "../state/model.ts";
import { SHORTCUTS } from "../state/shortcuts.ts";

/** The keyboard shortcuts and mouse gestures, in a modal dialog that Esc closes. */
export function HelpDialog(props: { model: ScopeModel }) {
  const { model } = props;
  const ref = useRef<HTMLDialogElement>(null);
  const open = model.helpOpen.value;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class="help"
      aria-labelledby="help-title"
      onClose={() => (model.helpOpen.value = false)}
    >
      <div class="help-head">
        <h2 id="help-title">Keyboard and mouse</h2>
        <button
          type="button"
          class="btn btn-icon"
          aria-label="Close the help"
          onClick={() => (model.helpOpen.value = false)}
        >
          ×
        </button>
      </div>
      <div class="help-cols">
        <table class="help-keys">
          <tbody>
            {SHORTCUTS.filter((s) => s.label !== "").map((s) => (
              <tr key={s.label}>
                <th scope="row">
                  <kbd>{s.label}</kbd>
                </th>
                <td>{s.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <ul class="help-mouse">
          <li>
            <b>Wheel</b> or <b>pinch</b>{" "}
            on the chart: zoom in x around the pointer
          </li>
          <li>
            <b>Drag</b> the chart: pan. Zoom and pan hold the view; <b>Live</b>
            {" "}
            (or double-click) returns to it
          </li>
          <li>
            <b>Drag</b> the orange <b>T</b> handle: trigger level
          </li>
          <li>
            <b>Drag</b>{" "}
            a cursor, or focus it and use the arrow keys (Shift: larger steps)
          </li>
          <li>Click a channel in the legend to show or hide it</li>
          <li>
            Numbers read as seconds on x: frequency in Hz, time in s
          </li>
        </ul>
      </div>
    </dialog>
  );
}
